"""Parallel wrong guesses against one account cannot overrun the lockout (LOGIN-02).

The requests need their own connections and committed data, so this test builds an app on an
engine of its own (real commits) and removes every row it created. Its pool is capped: the
test server allows 100 connections for every run at once, and two runs each opening 50 made
requests fail with "too many clients". Ten transactions in flight still race.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Literal

import argon2
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine

from shop.api.app import create_app
from shop.api.deps import get_now
from shop.config import Settings
from shop.db.engine import Database, build_engine
from shop.models import LoginThrottle, RateLimit, User
from tests.conftest import api_client
from tests.factories import make_user, unique_email

GUESSES = 50
FREE_FAILURES = 5
CONNECTIONS = 10
# One address per request, as from a botnet: the per-IP budget is no help here.
IPS = [f"10.0.{n // 250}.{n % 250 + 1}" for n in range(GUESSES)]


@pytest.fixture
async def parallel_app(settings: Settings) -> AsyncIterator[FastAPI]:
    engine = build_engine(
        settings.model_copy(update={"db_pool_size": CONNECTIONS, "db_max_overflow": 0})
    )
    yield create_app(settings, Database.from_engine(engine))
    await engine.dispose()


@pytest.fixture
async def committed_account(engine: AsyncEngine, settings: Settings) -> AsyncIterator[str]:
    database = Database.from_engine(engine)
    async with database.sessionmaker() as session:
        user = await make_user(session, settings, email=unique_email("parallel"))
        email = user.email
        await session.commit()
    yield email
    async with engine.begin() as conn:
        # The user row takes its sessions and codes with it (ON DELETE CASCADE).
        await conn.execute(delete(User).where(User.email == email))
        await conn.execute(delete(LoginThrottle).where(LoginThrottle.email == email))
        await conn.execute(
            delete(RateLimit).where(RateLimit.key.in_([f"auth-ip:{ip}" for ip in IPS]))
        )


async def test_fifty_parallel_wrong_guesses_get_no_more_tries_than_five_in_a_row(
    parallel_app: FastAPI,
    engine: AsyncEngine,
    committed_account: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = parallel_app
    now = datetime.now(UTC)

    async def frozen() -> datetime:
        return now

    app.dependency_overrides[get_now] = frozen
    verified = 0
    original = argon2.PasswordHasher.verify

    def counting(
        self: argon2.PasswordHasher, hash: str | bytes, password: str | bytes
    ) -> Literal[True]:
        nonlocal verified
        verified += 1
        return original(self, hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", counting)

    async def guess(n: int) -> httpx.Response:
        async with api_client(app, client=(IPS[n], 4711)) as client:
            return await client.post(
                "/api/v1/auth/login",
                json={"email": committed_account, "password": f"wrong-guess-number-{n}"},
            )

    responses = await asyncio.gather(*(guess(n) for n in range(GUESSES)))

    statuses = sorted(r.status_code for r in responses)
    async with engine.connect() as conn:
        failures = await conn.scalar(
            select(LoginThrottle.failures).where(LoginThrottle.email == committed_account)
        )
    assert statuses == [401] * FREE_FAILURES + [429] * (GUESSES - FREE_FAILURES)
    assert failures == FREE_FAILURES
    assert verified == FREE_FAILURES
