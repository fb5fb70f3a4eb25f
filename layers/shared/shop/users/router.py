from __future__ import annotations

import uuid

from fastapi import APIRouter, BackgroundTasks, Response, status

from shop.api.deps import CurrentAuth, CurrentUser, MailerDep, NowDep, SessionDep, SettingsDep
from shop.auth.cookies import clear_session_cookie
from shop.mail.outbox import deliver
from shop.users import service
from shop.users.schemas import AccountDelete, PasswordChange, SessionRead, UserRead, UserUpdate

router = APIRouter(prefix="/users/me", tags=["account"])


@router.get("", response_model=UserRead)
async def read_me(user: CurrentUser) -> UserRead:
    """The signed-in user's profile."""
    return UserRead.model_validate(user)


@router.patch("", response_model=UserRead)
async def update_me(data: UserUpdate, user: CurrentUser, session: SessionDep) -> UserRead:
    """Change the display name."""
    return UserRead.model_validate(await service.update_profile(session, user, data))


@router.delete("", status_code=status.HTTP_204_NO_CONTENT)
async def delete_me(
    data: AccountDelete,
    response: Response,
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> None:
    """Delete the account (needs the password): sessions end, personal data is removed."""
    await service.delete_account(session, settings, user, data.password, now)
    clear_session_cookie(response, settings)


@router.post("/password", status_code=status.HTTP_204_NO_CONTENT)
async def change_password(
    data: PasswordChange,
    current: CurrentAuth,
    session: SessionDep,
    settings: SettingsDep,
    mailer: MailerDep,
    now: NowDep,
    background: BackgroundTasks,
) -> None:
    """Change the password (needs the current one); other devices are signed out."""
    outgoing = await service.change_password(
        session, settings, current, data.current_password, data.new_password, now
    )
    background.add_task(deliver, mailer, outgoing)


@router.get("/sessions", response_model=list[SessionRead])
async def list_sessions(
    current: CurrentAuth, session: SessionDep, settings: SettingsDep, now: NowDep
) -> list[SessionRead]:
    """Where the user is signed in."""
    live = await service.sessions(session, settings, current.user, now)
    return [
        SessionRead.model_validate(s).model_copy(update={"current": s.id == current.session.id})
        for s in live
    ]


@router.delete("/sessions/{session_id}", status_code=status.HTTP_204_NO_CONTENT)
async def end_session(
    session_id: uuid.UUID, user: CurrentUser, session: SessionDep, now: NowDep
) -> None:
    """Sign out one of the user's sessions (any device)."""
    await service.end_session(session, user, session_id, now)
