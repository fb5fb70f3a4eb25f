"""Sign-up, email verification, login, sessions and password reset: the rules.

Every path that takes an email address behaves the same whether or not an account exists
(same status, body and number of password-hash computations); the difference travels only in
the mail that the owner of the address receives.
"""

from __future__ import annotations

import hashlib
import math
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncSession

from shop.auth import passwords, tokens
from shop.auth.keys import KeySet
from shop.auth.repository import AuthRepository
from shop.auth.schemas import (
    LoginRequest,
    PasswordResetRequest,
    RegisterCreate,
    VerifyEmailRequest,
)
from shop.config import Settings
from shop.exceptions import Forbidden, ShopError, TooManyRequests, Unauthorized
from shop.mail import messages
from shop.mail.outbox import Outgoing
from shop.models import OneTimeCode, Session, User
from shop.observability import get_logger
from shop.users.repository import UserRepository

AUDIENCE_BY_ROLE = {
    "customer": tokens.CUSTOMER_AUDIENCE,
    "seller": tokens.SELLER_AUDIENCE,
    "admin": tokens.ADMIN_AUDIENCE,
}


class InvalidCredentials(Unauthorized):
    code = "invalid_credentials"
    keeps_changes = True  # the failure counter is the defence


class NotAuthenticated(Unauthorized):
    code = "not_authenticated"


class LoginLocked(TooManyRequests):
    code = "too_many_attempts"
    keeps_changes = True


class EmailNotVerified(Forbidden):
    code = "email_not_verified"


class InvalidCode(ShopError):
    code = "invalid_code"
    keeps_changes = True  # a wrong guess uses up one of the code's attempts


class InvalidResetToken(ShopError):
    code = "invalid_token"


@dataclass(frozen=True, slots=True)
class Client:
    """Who is asking: the API Gateway source IP (never X-Forwarded-For) and user agent."""

    ip: str | None
    user_agent: str | None


@dataclass(frozen=True, slots=True)
class Authenticated:
    user: User
    session: Session
    refreshed_token: str | None


@dataclass(frozen=True, slots=True)
class LoggedIn:
    user: User
    session: Session
    token: str


def _audit(event: str, **fields: object) -> None:
    outcome = "failure" if "fail" in event or "exceeded" in event else "success"
    get_logger().info(event, extra={"event": event, "outcome": outcome, **fields})


_MAIL_WINDOW = timedelta(hours=1)


def _window_start(now: datetime, window_seconds: int) -> datetime:
    epoch = int(now.timestamp())
    return datetime.fromtimestamp(epoch - epoch % window_seconds, tz=now.tzinfo)


def _retry_after(now: datetime, window_start: datetime, window_seconds: int) -> int:
    return _seconds_until(window_start + timedelta(seconds=window_seconds), now)


def _seconds_until(moment: datetime, now: datetime) -> int:
    # Rounded up: a client that waits exactly this long must find the budget free again.
    return max(1, math.ceil((moment - now).total_seconds()))


async def enforce_ip_limit(
    session: AsyncSession, settings: Settings, client: Client, now: datetime
) -> None:
    """Per-client-IP budget on /auth/*, checked before any password hashing (LOGIN-04)."""
    if client.ip is None:
        return
    window = _window_start(now, settings.auth_ip_window_seconds)
    count = await AuthRepository(session).count_hit(f"auth-ip:{client.ip}", window)
    if count > settings.auth_ip_limit:
        _audit("excess_rate_limit_exceeded", limit="auth_ip", source_ip=client.ip)
        raise TooManyRequests(
            "Too many requests; try again later",
            retry_after_seconds=_retry_after(now, window, settings.auth_ip_window_seconds),
        )


async def _reserve_mail(
    repo: AuthRepository, settings: Settings, kind: str, email: str, now: datetime
) -> None:
    """Per-address mail budget: a cooldown after each mail and at most `mail_sends_per_hour` in
    any 60 minutes (a sliding log of the mails sent, so no window boundary lets a second batch
    through). Counted whether or not the address has an account so the answer reveals nothing
    (CODE-05); refused requests log nothing, so waiting out Retry-After always works."""
    key = f"mail:{kind}:{email.lower()}"
    sent = await repo.hits_since(key, now - _MAIL_WINDOW)
    cooldown = timedelta(seconds=settings.mail_resend_cooldown_seconds)
    if sent and sent[-1][0] > now - cooldown:
        raise TooManyRequests(
            "Please wait before asking for another email",
            retry_after_seconds=_seconds_until(sent[-1][0] + cooldown, now),
        )
    times = [at for at, count in sent for _ in range(count)]
    if len(times) >= settings.mail_sends_per_hour:
        _audit("excess_rate_limit_exceeded", limit="mail_per_address")
        # One more fits once the oldest mails over the budget have left the window.
        frees_at = times[len(times) - settings.mail_sends_per_hour] + _MAIL_WINDOW
        raise TooManyRequests(
            "Too many emails requested for this address; try again later",
            retry_after_seconds=_seconds_until(frees_at, now),
        )
    await repo.count_hit(key, now)


def _code_hasher(settings: Settings) -> PasswordHasher:
    return passwords.hasher(settings.code_argon2_time_cost, settings.code_argon2_memory_kib, 1)


async def _issue_verification_code(
    repo: AuthRepository, settings: Settings, user: User, now: datetime
) -> Outgoing:
    await repo.invalidate_codes(user.id, "verify", now)
    code = f"{secrets.randbelow(10**6):06d}"
    await repo.add_code(
        OneTimeCode(
            user_id=user.id,
            purpose="verify",
            code_hash=_code_hasher(settings).hash(code),
            expires_at=now + timedelta(seconds=settings.code_ttl_seconds),
        )
    )
    minutes = settings.code_ttl_seconds // 60
    return Outgoing(user.email, messages.verification_code(code, user.display_name, minutes))


async def register(
    session: AsyncSession, settings: Settings, data: RegisterCreate, now: datetime
) -> list[Outgoing]:
    repo, users = AuthRepository(session), UserRepository(session)
    await _reserve_mail(repo, settings, "verify", data.email, now)
    passwords.check_new_password(
        settings, data.password, user_inputs=[data.email, data.display_name]
    )
    # Hash before looking the address up: both paths cost one Argon2 computation.
    password_hash = passwords.hash_password(settings, data.password)
    existing = await users.by_email(data.email)
    if existing is not None:
        _audit("user_register_existing", user_id=str(existing.id))
        exists = messages.account_exists(
            existing.display_name,
            messages.login_url(settings, existing.role),
            messages.forgot_password_url(settings, existing.role),
        )
        return [Outgoing(existing.email, exists)]
    user = await users.add(
        User(
            email=data.email,
            password_hash=password_hash,
            role=data.role,
            display_name=data.display_name,
        )
    )
    _audit("user_created", user_id=str(user.id), role=user.role)
    return [await _issue_verification_code(repo, settings, user, now)]


async def resend_code(
    session: AsyncSession, settings: Settings, email: str, now: datetime
) -> list[Outgoing]:
    repo = AuthRepository(session)
    await _reserve_mail(repo, settings, "verify", email, now)
    user = await UserRepository(session).by_email(email)
    if user is None or user.verified_at is not None:
        return []
    return [await _issue_verification_code(repo, settings, user, now)]


async def verify_email(
    session: AsyncSession, settings: Settings, data: VerifyEmailRequest, now: datetime
) -> None:
    repo = AuthRepository(session)
    user = await UserRepository(session).by_email(data.email)
    code = None
    if user is not None and user.verified_at is None:
        code = await repo.live_code(user.id, "verify", now)
    # One Argon2 verification whether or not there is a code to check.
    matched = passwords.verify_with(
        _code_hasher(settings), code.code_hash if code else None, data.code
    )
    if user is None or code is None or not matched:
        if code is not None:
            code.attempts += 1
            if code.attempts >= settings.code_max_attempts:
                code.consumed_at = now
        _audit("authn_verify_fail", user_id=str(user.id) if user else None)
        raise InvalidCode("The code is wrong or has expired; ask for a new one")
    code.consumed_at = now
    user.verified_at = now
    _audit("user_verified", user_id=str(user.id))


async def check_login_lock(
    repo: AuthRepository, email: str, now: datetime, *, source_ip: str | None = None
) -> None:
    """429 while the address is locked. Checked before Argon2: a locked address costs no CPU
    (LOGIN-03); the throttle row stays locked until commit, so parallel guesses take turns."""
    throttle = await repo.login_throttle(email)
    if throttle is not None and throttle.locked_until is not None and throttle.locked_until > now:
        _audit("authn_login_fail_max", source_ip=source_ip)
        raise LoginLocked(
            "Too many failed attempts; try again later",
            retry_after_seconds=max(1, math.ceil((throttle.locked_until - now).total_seconds())),
        )


async def check_password(
    repo: AuthRepository,
    settings: Settings,
    email: str,
    password_hash: str | None,
    password: str,
    now: datetime,
    *,
    user_id: uuid.UUID | None,
    source_ip: str | None,
    failure: str,
) -> None:
    """The password check of login and re-authentication: refused while locked, one Argon2
    verification, a failure counted towards the lock (then InvalidCredentials with `failure`),
    a success clearing the count."""
    await check_login_lock(repo, email, now, source_ip=source_ip)
    if not passwords.verify_password(settings, password_hash, password):
        failed = await repo.record_login_failure(
            email, now, settings.login_free_failures, settings.login_max_delay_seconds
        )
        _audit(
            "authn_login_fail",
            user_id=str(user_id) if user_id else None,
            failures=failed.failures,
            source_ip=source_ip,
        )
        raise InvalidCredentials(failure)
    await repo.clear_login_failures(email)


async def login(
    session: AsyncSession,
    settings: Settings,
    keyset: KeySet,
    data: LoginRequest,
    client: Client,
    now: datetime,
) -> LoggedIn:
    repo = AuthRepository(session)
    user = await UserRepository(session).by_email(data.email)
    await check_password(
        repo,
        settings,
        data.email,
        user.password_hash if user else None,
        data.password,
        now,
        user_id=user.id if user else None,
        source_ip=client.ip,
        failure="The email or password is wrong",
    )
    assert user is not None  # check_password fails for a missing account
    if user.verified_at is None:
        raise EmailNotVerified("Verify your email address first; we sent you a code")
    if passwords.needs_rehash(settings, user.password_hash):
        user.password_hash = passwords.hash_password(settings, data.password)
    new_session = await _start_session(repo, settings, user, client, now)
    _audit("authn_login_success", user_id=str(user.id), role=user.role, source_ip=client.ip)
    token = _token_for(keyset, settings, user, new_session, now)
    return LoggedIn(user=user, session=new_session, token=token)


def session_lifetimes(settings: Settings, role: str) -> tuple[int, int]:
    """(absolute, idle) seconds: sellers and admins handle payouts and PII (SESS-01)."""
    if role == "customer":
        return settings.customer_session_absolute_seconds, settings.customer_session_idle_seconds
    return settings.seller_session_absolute_seconds, settings.seller_session_idle_seconds


async def _start_session(
    repo: AuthRepository, settings: Settings, user: User, client: Client, now: datetime
) -> Session:
    absolute, _ = session_lifetimes(settings, user.role)
    started = await repo.add_session(
        Session(
            id=uuid.uuid4(),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            absolute_expires_at=now + timedelta(seconds=absolute),
            user_agent=(client.user_agent or "")[:400] or None,
            ip_address=client.ip,
        )
    )
    _audit("session_created", user_id=str(user.id), session_id=str(started.id))
    return started


def _token_for(
    keyset: KeySet, settings: Settings, user: User, current: Session, now: datetime
) -> str:
    return tokens.issue(
        keyset,
        settings,
        user_id=user.id,
        session_id=current.id,
        audience=AUDIENCE_BY_ROLE[user.role],
        now=now,
    )


async def authenticate(
    session: AsyncSession, settings: Settings, keyset: KeySet, token: str, now: datetime
) -> Authenticated:
    """Verify the cookie's token, then its session row: revoked, idle, expired or deleted
    sessions end at once, and the role comes from the database, not from the token."""
    try:
        claims = tokens.verify(
            keyset,
            settings,
            token,
            audiences=AUDIENCE_BY_ROLE.values(),
            now=now,
            allow_expired=True,
        )
    except tokens.InvalidToken as exc:
        # One failure type for callers (logout still clears a cookie it cannot verify).
        raise NotAuthenticated("Not authenticated") from exc
    repo = AuthRepository(session)
    row = await repo.session_with_user(claims.session_id)
    if row is None:
        raise NotAuthenticated("Not authenticated")
    current, user = row
    _, idle = session_lifetimes(settings, user.role)
    if (
        current.user_id != claims.user_id
        or current.revoked_at is not None
        or user.deleted_at is not None
        or now >= current.absolute_expires_at
        or now - current.last_seen_at > timedelta(seconds=idle)
    ):
        raise NotAuthenticated("Not authenticated")
    if now - current.last_seen_at >= timedelta(seconds=settings.session_touch_interval_seconds):
        await repo.touch_session(current.id, now)
    # A token past half its life, or minted for another role, is replaced (sliding expiry).
    refresh_after = claims.issued_at + timedelta(seconds=settings.jwt_access_ttl_seconds / 2)
    stale = now >= refresh_after or claims.audience != AUDIENCE_BY_ROLE[user.role]
    refreshed = _token_for(keyset, settings, user, current, now) if stale else None
    return Authenticated(user=user, session=current, refreshed_token=refreshed)


async def revoke_all_sessions(session: AsyncSession, user: User, now: datetime) -> None:
    await AuthRepository(session).revoke_sessions_of(user.id, now)
    _audit("authn_token_revoked", user_id=str(user.id), scope="all_sessions")


async def logout(session: AsyncSession, current: Authenticated, now: datetime) -> None:
    await AuthRepository(session).revoke_session(current.user.id, current.session.id, now)
    _audit("session_logout", user_id=str(current.user.id), session_id=str(current.session.id))


def _token_hash(token: str) -> str:
    # 256-bit random tokens: a plain SHA-256 is enough at rest (ASVS 6.5.2).
    return hashlib.sha256(token.encode()).hexdigest()


async def forgot_password(
    session: AsyncSession, settings: Settings, email: str, now: datetime
) -> list[Outgoing]:
    """Mail a single-use reset link; nothing about the account changes until it is used."""
    repo = AuthRepository(session)
    await _reserve_mail(repo, settings, "reset", email, now)
    user = await UserRepository(session).by_email(email)
    if user is None:
        return []
    await repo.invalidate_codes(user.id, "reset", now)
    token = secrets.token_urlsafe(32)
    await repo.add_code(
        OneTimeCode(
            user_id=user.id,
            purpose="reset",
            code_hash=_token_hash(token),
            expires_at=now + timedelta(seconds=settings.reset_token_ttl_seconds),
        )
    )
    _audit("authn_password_reset_requested", user_id=str(user.id))
    minutes = settings.reset_token_ttl_seconds // 60
    link = messages.reset_link(settings, token, user.role)
    return [Outgoing(user.email, messages.password_reset(user.display_name, link, minutes))]


async def reset_password(
    session: AsyncSession, settings: Settings, data: PasswordResetRequest, now: datetime
) -> list[Outgoing]:
    """Set the new password, end every session, and tell the owner; no automatic login."""
    repo = AuthRepository(session)
    reset = await repo.live_reset_token(_token_hash(data.token), now)
    user = await UserRepository(session).by_id(reset.user_id) if reset else None
    if reset is None or user is None or user.deleted_at is not None:
        raise InvalidResetToken("This reset link is invalid or has expired; ask for a new one")
    passwords.check_new_password(
        settings, data.password, user_inputs=[user.email, user.display_name]
    )
    reset.consumed_at = now
    return await change_password(session, settings, user, data.password, now, keep=None)


async def change_password(
    session: AsyncSession,
    settings: Settings,
    user: User,
    new_password: str,
    now: datetime,
    *,
    keep: uuid.UUID | None,
) -> list[Outgoing]:
    """Store the new hash, end all sessions but `keep`, drop pending reset links and the
    login lock, and notify the owner."""
    repo = AuthRepository(session)
    user.password_hash = passwords.hash_password(settings, new_password)
    if user.verified_at is None:
        user.verified_at = now  # a reset link proves control of the mailbox too
    await repo.invalidate_codes(user.id, "reset", now)
    await repo.revoke_sessions_of(user.id, now, keep=keep)
    await repo.clear_login_failures(user.email)
    _audit("authn_password_change", user_id=str(user.id))
    return [Outgoing(user.email, messages.password_changed(user.display_name))]
