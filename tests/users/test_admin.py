from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from shop.api.app import create_app
from shop.config import Settings
from shop.db.engine import Database
from shop.models import LoginThrottle, RateLimit, User
from shop.users.admin import make_admin
from tests.conftest import api_client
from tests.helpers.accounts import latest_reset_token, login, signed_in
from tests.helpers.mailbox import fresh_address, sent_mail


@pytest.fixture
async def committed(engine: AsyncEngine, settings: Settings) -> AsyncIterator[Database]:
    """The admin command commits for real; the accounts it touches are removed afterwards."""
    database = Database.from_engine(engine)
    async with database.sessionmaker() as session:
        before = set((await session.execute(select(User.id))).scalars())
    yield database
    async with database.sessionmaker() as session, session.begin():
        await session.execute(delete(User).where(User.id.not_in(before)))
        await session.execute(delete(LoginThrottle))
        await session.execute(delete(RateLimit))


async def test_the_command_creates_an_admin_who_sets_a_password_by_the_mailed_link(
    committed: Database, settings: Settings
) -> None:
    email = fresh_address("ops")

    outcome = await make_admin(email, "Ops", committed)

    async with api_client(create_app(settings, committed)) as client:
        cannot_guess = await login(client, email, "!")
        token = latest_reset_token(email)
        reset = await client.post(
            "/api/v1/auth/password/reset",
            json={"token": token, "password": "quiet-harbor-compass-77"},
        )
        signed = await login(client, email, "quiet-harbor-compass-77")
    assert outcome == "created"
    assert cannot_guess.status_code == 401
    assert reset.status_code == 204
    assert signed.status_code == 200
    assert signed.json()["role"] == "admin"
    assert len(sent_mail(email)) == 2  # the reset link, then "password changed"


async def test_the_command_promotes_an_existing_account_and_ends_its_sessions(
    committed: Database, settings: Settings
) -> None:
    email = fresh_address("promoted")
    async with api_client(create_app(settings, committed)) as client:
        await signed_in(client, email)

        outcome = await make_admin(email, "ignored", committed)
        me = await client.get("/api/v1/users/me")

    assert outcome == "promoted"
    assert me.status_code == 401
    async with committed.sessionmaker() as session:
        assert await session.scalar(select(User.role).where(User.email == email)) == "admin"
