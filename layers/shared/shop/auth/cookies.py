"""The session cookie: `__Host-session; Secure; HttpOnly; SameSite=Strict; Path=/`, no Domain.

Only with SESSION_COOKIE_SECURE=false (local http, refused when deployed) is it a plain
`session` cookie without Secure, because browsers drop `__Host-`/Secure cookies over http.
"""

from __future__ import annotations

from datetime import datetime

from starlette.responses import Response

from shop.config import Settings


def cookie_name(settings: Settings) -> str:
    return "__Host-session" if settings.session_cookie_secure else "session"


def set_session_cookie(
    response: Response, settings: Settings, token: str, expires_at: datetime, now: datetime
) -> None:
    response.set_cookie(
        cookie_name(settings),
        token,
        max_age=max(0, int((expires_at - now).total_seconds())),
        path="/",
        secure=settings.session_cookie_secure,
        httponly=True,
        samesite="strict",
    )


def clear_session_cookie(response: Response, settings: Settings) -> None:
    response.delete_cookie(
        cookie_name(settings),
        path="/",
        secure=settings.session_cookie_secure,
        httponly=True,
        samesite="strict",
    )
