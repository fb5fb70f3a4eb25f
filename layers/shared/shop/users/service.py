"""The signed-in user's own account: profile, password, deletion and sessions."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shop.auth import passwords
from shop.auth import service as auth_service
from shop.auth.repository import AuthRepository
from shop.config import Settings
from shop.exceptions import NotFound
from shop.mail.outbox import Outgoing
from shop.models import Session, User
from shop.observability import get_logger
from shop.users.repository import UserRepository
from shop.users.schemas import UserUpdate


async def _reauthenticate(
    session: AsyncSession, settings: Settings, user: User, password: str, now: datetime
) -> None:
    """Sensitive changes need the current password; a wrong one counts as a failed login."""
    await auth_service.check_password(
        AuthRepository(session),
        settings,
        user.email,
        user.password_hash,
        password,
        now,
        user_id=user.id,
        source_ip=None,
        failure="The current password is wrong",
    )


async def update_profile(session: AsyncSession, user: User, data: UserUpdate) -> User:
    if data.display_name is not None:
        user.display_name = data.display_name
    await session.flush()
    get_logger().info("profile updated", extra={"event": "user_updated", "user_id": str(user.id)})
    return user


async def change_password(
    session: AsyncSession,
    settings: Settings,
    current: auth_service.Authenticated,
    current_password: str,
    new_password: str,
    now: datetime,
) -> list[Outgoing]:
    """Other devices are signed out; this one stays signed in (SESS-03)."""
    user = current.user
    await _reauthenticate(session, settings, user, current_password, now)
    passwords.check_new_password(
        settings, new_password, user_inputs=[user.email, user.display_name]
    )
    return await auth_service.change_password(
        session, settings, user, new_password, now, keep=current.session.id
    )


async def delete_account(
    session: AsyncSession, settings: Settings, user: User, password: str, now: datetime
) -> None:
    """End every session and scrub personal data; orders stay for the accounts (with the
    email they were placed under) and a seller's products leave the catalog."""
    await _reauthenticate(session, settings, user, password, now)
    repo = AuthRepository(session)
    await repo.revoke_sessions_of(user.id, now)
    # Whoever registers this address next starts with a clean slate.
    await repo.clear_login_failures(user.email)
    if user.role == "seller":
        await UserRepository(session).archive_products_of(user.id, now)
    user.email = f"deleted-{user.id}@deleted.invalid"
    user.display_name = "Deleted account"
    user.password_hash = "!"  # matches no password: Argon2 verification fails on it
    user.deleted_at = now
    await session.flush()
    get_logger().info("account deleted", extra={"event": "user_deleted", "user_id": str(user.id)})


async def sessions(
    session: AsyncSession, settings: Settings, user: User, now: datetime
) -> list[Session]:
    """Sessions that would still be accepted: not revoked, not expired, not idle too long."""
    _, idle = auth_service.session_lifetimes(settings, user.role)
    live = await AuthRepository(session).live_sessions_of(user.id, now)
    return [s for s in live if (now - s.last_seen_at).total_seconds() <= idle]


async def end_session(
    session: AsyncSession, user: User, session_id: uuid.UUID, now: datetime
) -> None:
    """Only the user's own sessions: anyone else's id is simply not found (no BOLA)."""
    if not await AuthRepository(session).revoke_session(user.id, session_id, now):
        raise NotFound("No such session")
    get_logger().info(
        "session revoked",
        extra={
            "event": "authn_token_revoked",
            "user_id": str(user.id),
            "session_id": str(session_id),
        },
    )
