"""Typed dependency aliases, declared once and used by every router."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from shop.auth import service as auth_service
from shop.auth.cookies import cookie_name, set_session_cookie
from shop.auth.keys import KeySet, load_keyset
from shop.catalog import service as catalog_service
from shop.clock import utcnow
from shop.config import Settings
from shop.db.engine import Database
from shop.db.session import transaction
from shop.exceptions import Forbidden
from shop.mail.sender import MailSender, get_mail_sender
from shop.models import Product, User

# Dependencies that do no I/O are still `async def`: FastAPI runs sync ones in a worker
# thread, and under Mangum every invocation would start a fresh thread (about 1 ms each).


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_settings(request: Request) -> Settings:
    return _settings(request)


async def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """The request's unit of work: committed when the endpoint returns, before the response."""
    async with transaction(request.app.state.database) as session:
        yield session


async def get_read_session(request: Request) -> AsyncIterator[AsyncSession]:
    """For GET routes that only read public data: no transaction, nothing to commit."""
    database: Database = request.app.state.database
    async with database.read_sessionmaker() as session:
        yield session


async def get_now() -> datetime:
    """One timestamp per request (tests override this to move time)."""
    return utcnow()


async def get_client(request: Request) -> auth_service.Client:
    """The caller's IP from API Gateway's request context, never from X-Forwarded-For."""
    event = request.scope.get("aws.event") or {}
    source_ip = event.get("requestContext", {}).get("http", {}).get("sourceIp")
    if source_ip is None and request.client is not None:
        source_ip = request.client.host
    return auth_service.Client(ip=source_ip, user_agent=request.headers.get("user-agent"))


async def get_keyset(request: Request) -> KeySet:
    """The signing keys; load_keyset caches them and re-reads the secret every few minutes so
    a rotation reaches warm containers."""
    return load_keyset(_settings(request))


async def get_mailer(request: Request) -> MailSender:
    return get_mail_sender(_settings(request))


SettingsDep = Annotated[Settings, Depends(get_settings)]
DatabaseDep = Annotated[Database, Depends(get_database)]
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
ReadSessionDep = Annotated[AsyncSession, Depends(get_read_session)]
NowDep = Annotated[datetime, Depends(get_now)]
ClientDep = Annotated[auth_service.Client, Depends(get_client)]
KeySetDep = Annotated[KeySet, Depends(get_keyset)]
MailerDep = Annotated[MailSender, Depends(get_mailer)]


async def get_authenticated(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    keyset: KeySetDep,
    now: NowDep,
) -> auth_service.Authenticated:
    token = request.cookies.get(cookie_name(settings))
    if not token:
        raise auth_service.NotAuthenticated("Not authenticated")
    auth = await auth_service.authenticate(session, settings, keyset, token, now)
    if auth.refreshed_token is not None:
        set_session_cookie(
            response, settings, auth.refreshed_token, auth.session.absolute_expires_at, now
        )
    return auth


CurrentAuth = Annotated[auth_service.Authenticated, Depends(get_authenticated)]


async def get_current_user(auth: CurrentAuth) -> User:
    return auth.user


CurrentUser = Annotated[User, Depends(get_current_user)]


async def get_current_seller(user: CurrentUser) -> User:
    """Sellers only; the role is read from the database on every request (SESS-05)."""
    if user.role != "seller":
        raise Forbidden("This needs a seller account", code="seller_only")
    return user


CurrentSeller = Annotated[User, Depends(get_current_seller)]


async def get_owned_product(
    product_id: uuid.UUID, seller: CurrentSeller, session: SessionDep
) -> Product:
    """The seller's own product from the path, locked until commit; another seller's is 404,
    as if it did not exist (AUTHZ-01)."""
    return await catalog_service.lock_owned_product(session, seller, product_id)


OwnedProduct = Annotated[Product, Depends(get_owned_product)]


async def get_optional_user(
    request: Request,
    response: Response,
    session: SessionDep,
    settings: SettingsDep,
    keyset: KeySetDep,
    now: NowDep,
) -> User | None:
    """The signed-in user, or None for a guest (no session cookie). A cookie that is there but
    no longer valid is still a 401: the client believes it is signed in."""
    if not request.cookies.get(cookie_name(settings)):
        return None
    auth = await get_authenticated(request, response, session, settings, keyset, now)
    return auth.user


OptionalUser = Annotated[User | None, Depends(get_optional_user)]
