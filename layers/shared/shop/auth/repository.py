"""Queries behind sign-in: sessions, one-time codes, login throttles and rate-limit counters."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, case, func, literal, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop.models import LoginThrottle, OneTimeCode, RateLimit, Session, User


class AuthRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # Fixed-window counters ------------------------------------------------------------------

    async def count_hit(self, key: str, window_start: datetime) -> int:
        """Add one to the counter of this window and return the new count (atomic)."""
        statement = (
            insert(RateLimit)
            .values(key=key, window_start=window_start, count=1)
            .on_conflict_do_update(
                index_elements=[RateLimit.key, RateLimit.window_start],
                set_={"count": RateLimit.count + 1},
            )
            .returning(RateLimit.count)
        )
        return (await self.session.execute(statement)).scalar_one()

    # Sliding logs ----------------------------------------------------------------------------

    async def hits_since(self, key: str, since: datetime) -> list[tuple[datetime, int]]:
        """The hits logged under `key` after `since`, oldest first, read under a per-key lock
        held until commit, so parallel requests take turns between this read and logging their
        own hit (`count_hit` with the exact time as its window)."""
        await self.session.execute(select(func.pg_advisory_xact_lock(_lock_id(key))))
        statement = (
            select(RateLimit.window_start, RateLimit.count)
            .where(RateLimit.key == key, RateLimit.window_start > since)
            .order_by(RateLimit.window_start)
        )
        return [(at, count) for at, count in (await self.session.execute(statement)).all()]

    # Login throttles -------------------------------------------------------------------------

    async def login_throttle(self, email: str) -> LoginThrottle | None:
        """The address's throttle, read under a per-address lock held until commit: parallel
        attempts take turns, so each sees the failures recorded before it (LOGIN-02) instead of
        all passing the check before any failure is counted."""
        await self.session.execute(
            select(func.pg_advisory_xact_lock(_lock_id(func.lower("login-throttle:" + email))))
        )
        return await self.session.get(LoginThrottle, email)

    async def record_login_failure(
        self, email: str, now: datetime, free_failures: int, max_delay_seconds: int
    ) -> LoginThrottle:
        """One more consecutive failure; from the `free_failures`-th on, lock for 1 s, 2 s, 4 s,
        ... up to the cap. A single upsert, so parallel guesses are all counted."""
        failures = LoginThrottle.failures + 1
        # The exponent stops growing once 2**exponent passes the cap: an unbounded one makes
        # power() overflow after ~1000 failures, and the failed upsert would then lock nothing.
        exponent = func.least(failures - free_failures, max_delay_seconds.bit_length())
        delay = func.least(max_delay_seconds, func.power(2, exponent))
        locked_until = case(
            (failures >= free_failures, literal(now) + func.make_interval(0, 0, 0, 0, 0, 0, delay)),
            else_=None,
        )
        first_lock = now + timedelta(seconds=1) if free_failures <= 1 else None
        statement = (
            insert(LoginThrottle)
            .values(email=email, failures=1, locked_until=first_lock, last_failure_at=now)
            .on_conflict_do_update(
                index_elements=[LoginThrottle.email],
                set_={"failures": failures, "last_failure_at": now, "locked_until": locked_until},
            )
            .returning(LoginThrottle)
        )
        return (await self.session.execute(statement)).scalar_one()

    async def clear_login_failures(self, email: str) -> None:
        throttle = await self.session.get(LoginThrottle, email)
        if throttle is not None:
            await self.session.delete(throttle)

    # Sessions -------------------------------------------------------------------------------

    async def add_session(self, session: Session) -> Session:
        self.session.add(session)
        await self.session.flush()
        return session

    async def session_with_user(self, session_id: uuid.UUID) -> tuple[Session, User] | None:
        """The per-request check: one primary-key lookup joined to its user."""
        result = await self.session.execute(
            select(Session, User)
            .join(User, User.id == Session.user_id)
            .where(Session.id == session_id)
        )
        row = result.first()
        return None if row is None else (row[0], row[1])

    async def touch_session(self, session_id: uuid.UUID, now: datetime) -> None:
        await self.session.execute(
            update(Session).where(Session.id == session_id).values(last_seen_at=now)
        )

    async def revoke_session(
        self, user_id: uuid.UUID, session_id: uuid.UUID, now: datetime
    ) -> bool:
        """Revoke one of the user's own live sessions; False when there is no such session."""
        result = await self.session.execute(
            update(Session)
            .where(
                Session.id == session_id,
                Session.user_id == user_id,
                Session.revoked_at.is_(None),
            )
            .values(revoked_at=now)
            .returning(Session.id)
        )
        return result.first() is not None

    async def revoke_sessions_of(
        self, user_id: uuid.UUID, now: datetime, *, keep: uuid.UUID | None = None
    ) -> None:
        statement = update(Session).where(Session.user_id == user_id, Session.revoked_at.is_(None))
        if keep is not None:
            statement = statement.where(Session.id != keep)
        await self.session.execute(statement.values(revoked_at=now))

    async def live_sessions_of(self, user_id: uuid.UUID, now: datetime) -> list[Session]:
        result = await self.session.execute(
            select(Session)
            .where(
                Session.user_id == user_id,
                Session.revoked_at.is_(None),
                Session.absolute_expires_at > now,
            )
            .order_by(Session.last_seen_at.desc())
        )
        return list(result.scalars())

    # One-time codes -------------------------------------------------------------------------

    async def add_code(self, code: OneTimeCode) -> OneTimeCode:
        self.session.add(code)
        await self.session.flush()
        return code

    async def invalidate_codes(self, user_id: uuid.UUID, purpose: str, now: datetime) -> None:
        await self.session.execute(
            update(OneTimeCode)
            .where(
                OneTimeCode.user_id == user_id,
                OneTimeCode.purpose == purpose,
                OneTimeCode.consumed_at.is_(None),
            )
            .values(consumed_at=now)
        )

    async def live_code(
        self, user_id: uuid.UUID, purpose: str, now: datetime
    ) -> OneTimeCode | None:
        """The newest unused, unexpired code; row-locked so parallel guesses count one by one."""
        result = await self.session.execute(
            select(OneTimeCode)
            .where(
                OneTimeCode.user_id == user_id,
                OneTimeCode.purpose == purpose,
                OneTimeCode.consumed_at.is_(None),
                OneTimeCode.expires_at > now,
            )
            .order_by(OneTimeCode.created_at.desc())
            .limit(1)
            .with_for_update()
        )
        return result.scalar_one_or_none()

    async def live_reset_token(self, token_hash: str, now: datetime) -> OneTimeCode | None:
        result = await self.session.execute(
            select(OneTimeCode)
            .where(
                OneTimeCode.code_hash == token_hash,
                OneTimeCode.purpose == "reset",
                OneTimeCode.consumed_at.is_(None),
                OneTimeCode.expires_at > now,
            )
            .with_for_update()
        )
        return result.scalar_one_or_none()


def _lock_id(key: str | ColumnElement[str]) -> ColumnElement[int]:
    """A transaction-level advisory lock id for a string key."""
    return func.hashtextextended(key, 0)
