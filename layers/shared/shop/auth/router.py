from __future__ import annotations

from fastapi import APIRouter, BackgroundTasks, Depends, Request, Response, status

from shop.api.deps import (
    ClientDep,
    KeySetDep,
    MailerDep,
    NowDep,
    SessionDep,
    SettingsDep,
)
from shop.auth import service
from shop.auth.cookies import clear_session_cookie, cookie_name, set_session_cookie
from shop.auth.schemas import (
    AcceptedRead,
    EmailRequest,
    LoginRequest,
    PasswordResetRequest,
    RegisterCreate,
    VerifyEmailRequest,
)
from shop.mail.outbox import deliver
from shop.users.schemas import UserRead


async def limit_by_client_ip(
    session: SessionDep, settings: SettingsDep, client: ClientDep, now: NowDep
) -> None:
    await service.enforce_ip_limit(session, settings, client, now)


router = APIRouter(prefix="/auth", tags=["auth"], dependencies=[Depends(limit_by_client_ip)])

CHECK_YOUR_MAIL = "If the address can receive mail, a message is on its way"


@router.post("/register", status_code=status.HTTP_202_ACCEPTED, response_model=AcceptedRead)
async def register(
    data: RegisterCreate,
    session: SessionDep,
    settings: SettingsDep,
    mailer: MailerDep,
    now: NowDep,
    background: BackgroundTasks,
) -> AcceptedRead:
    """Create an account and mail a 6-digit verification code."""
    background.add_task(deliver, mailer, await service.register(session, settings, data, now))
    return AcceptedRead(detail=CHECK_YOUR_MAIL)


@router.post("/verify-email", status_code=status.HTTP_204_NO_CONTENT)
async def verify_email(
    data: VerifyEmailRequest, session: SessionDep, settings: SettingsDep, now: NowDep
) -> None:
    """Confirm the email address with the code from the mail."""
    await service.verify_email(session, settings, data, now)


@router.post("/resend-code", status_code=status.HTTP_202_ACCEPTED, response_model=AcceptedRead)
async def resend_code(
    data: EmailRequest,
    session: SessionDep,
    settings: SettingsDep,
    mailer: MailerDep,
    now: NowDep,
    background: BackgroundTasks,
) -> AcceptedRead:
    """Mail a new verification code (the previous one stops working)."""
    outgoing = await service.resend_code(session, settings, data.email, now)
    background.add_task(deliver, mailer, outgoing)
    return AcceptedRead(detail=CHECK_YOUR_MAIL)


@router.post("/login", response_model=UserRead)
async def login(
    data: LoginRequest,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    keyset: KeySetDep,
    client: ClientDep,
    now: NowDep,
) -> UserRead:
    """Sign in: sets the session cookie (never returned in the body)."""
    logged_in = await service.login(session, settings, keyset, data, client, now)
    set_session_cookie(
        response, settings, logged_in.token, logged_in.session.absolute_expires_at, now
    )
    return UserRead.model_validate(logged_in.user)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    keyset: KeySetDep,
    now: NowDep,
) -> None:
    """End this session on the server and clear the cookie."""
    token = request.cookies.get(cookie_name(settings))
    if token:
        try:
            current = await service.authenticate(session, settings, keyset, token, now)
        except service.NotAuthenticated:
            current = None
        if current is not None:
            await service.logout(session, current, now)
    clear_session_cookie(response, settings)


@router.post("/password/forgot", status_code=status.HTTP_202_ACCEPTED, response_model=AcceptedRead)
async def forgot_password(
    data: EmailRequest,
    session: SessionDep,
    settings: SettingsDep,
    mailer: MailerDep,
    now: NowDep,
    background: BackgroundTasks,
) -> AcceptedRead:
    """Mail a single-use password-reset link."""
    outgoing = await service.forgot_password(session, settings, data.email, now)
    background.add_task(deliver, mailer, outgoing)
    return AcceptedRead(detail=CHECK_YOUR_MAIL)


@router.post("/password/reset", status_code=status.HTTP_204_NO_CONTENT)
async def reset_password(
    data: PasswordResetRequest,
    session: SessionDep,
    settings: SettingsDep,
    mailer: MailerDep,
    now: NowDep,
    background: BackgroundTasks,
) -> None:
    """Set a new password with the token from the link; every session ends."""
    background.add_task(deliver, mailer, await service.reset_password(session, settings, data, now))
