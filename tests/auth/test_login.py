"""Login: the per-account lockout, the per-IP budget and answers that reveal no accounts
(security-requirements LOGIN-01, -03..06, ENUM-01, -02)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import argon2
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from devstack.lambda_runtime import FunctionContainer
from shop.api.app import create_app
from shop.api.deps import get_now
from shop.config import Settings
from shop.db.engine import Database
from shop.models import LoginThrottle, RateLimit
from tests.conftest import SHOP_ORIGIN, Clock, api_client
from tests.helpers.accounts import (
    COOKIE,
    STRONG_PASSWORD,
    latest_reset_token,
    login,
    session_cookie,
    sign_up,
)
from tests.helpers.lambda_events import http_api_event
from tests.helpers.mailbox import fresh_address

WRONG_PASSWORD = "not-the-password-at-all"
FREE_FAILURES = 5


class Verifications:
    """Counts Argon2 password verifications (the expensive step an attacker wants to trigger)."""

    def __init__(self) -> None:
        self.count = 0


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> Verifications:
    counter = Verifications()
    original = argon2.PasswordHasher.verify

    def counting(
        self: argon2.PasswordHasher, hash: str | bytes, password: str | bytes
    ) -> Literal[True]:
        counter.count += 1
        return original(self, hash, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", counting)
    return counter


async def fail(client: httpx.AsyncClient, email: str, times: int) -> None:
    for _ in range(times):
        response = await login(client, email, WRONG_PASSWORD)
        assert response.status_code == 401, response.text


def without_request_id(response: httpx.Response) -> bytes:
    return response.content.replace(response.json()["request_id"].encode(), b"")


def retry_after(response: httpx.Response) -> int:
    assert response.status_code == 429, response.text
    return int(response.headers["retry-after"])


# LOGIN-01: per-account lockout with an escalating delay ------------------------------------


async def test_five_wrong_passwords_lock_out_even_the_right_one(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    email = fresh_address("locked")
    await sign_up(client, email)
    await fail(client, email, FREE_FAILURES - 1)
    fifth = await login(client, email, WRONG_PASSWORD)

    locked = await login(client, email)

    assert retry_after(locked) >= 1
    assert locked.json().keys() == fifth.json().keys()
    assert locked.json()["error"] == "too_many_attempts"
    assert "set-cookie" not in locked.headers


async def test_the_right_password_works_once_the_delay_has_passed(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    email = fresh_address("waited")
    await sign_up(client, email)
    await fail(client, email, FREE_FAILURES)
    wait = retry_after(await login(client, email))

    clock.advance(seconds=wait)
    response = await login(client, email)

    assert response.status_code == 200
    assert session_cookie(response)


async def test_each_further_failure_doubles_the_delay_from_one_second(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    email = fresh_address("doubling")
    await sign_up(client, email)
    await fail(client, email, FREE_FAILURES - 1)

    delays = []
    for _ in range(6):
        await fail(client, email, 1)
        delays.append(retry_after(await login(client, email)))
        clock.advance(seconds=delays[-1])

    assert delays == [1, 2, 4, 8, 16, 32]


async def test_a_successful_login_resets_the_failure_count(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    email = fresh_address("reset")
    await sign_up(client, email)
    await fail(client, email, FREE_FAILURES)
    clock.advance(seconds=retry_after(await login(client, email)))
    assert (await login(client, email)).status_code == 200

    await fail(client, email, FREE_FAILURES - 1)

    assert (await login(client, email)).status_code == 200


async def test_the_delay_never_exceeds_fifteen_minutes_however_long_the_attack(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, clock: Clock
) -> None:
    email = fresh_address("besieged")
    await sign_up(client, email)
    # Months of one guess every fifteen minutes, already on record.
    session.add(
        LoginThrottle(email=email, failures=10_000, last_failure_at=clock.now - timedelta(hours=1))
    )
    await session.flush()

    another_guess = await login(client, email, WRONG_PASSWORD)
    locked = await login(client, email)

    assert another_guess.status_code == 401
    assert retry_after(locked) == settings.login_max_delay_seconds == 900


async def test_an_attacker_gets_no_more_than_100_guesses_an_hour(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    email = fresh_address("hourly")
    await sign_up(client, email)
    hour_ends = clock.now + timedelta(hours=1)

    guesses = 0
    while clock.now < hour_ends:
        # The best an attacker can do: guess again the moment the lock lifts.
        response = await login(client, email, WRONG_PASSWORD)
        if response.status_code == 429:
            assert int(response.headers["retry-after"]) <= 900
            clock.advance(seconds=int(response.headers["retry-after"]))
        else:
            assert response.status_code == 401
            guesses += 1

    assert FREE_FAILURES < guesses <= 100


# LOGIN-03: the lockout costs no CPU and does not lock the owner out of a reset ---------------


async def test_a_locked_account_is_refused_without_hashing_the_password(
    client: httpx.AsyncClient, clock: Clock, verifications: Verifications
) -> None:
    email = fresh_address("nocpu")
    await sign_up(client, email)
    await fail(client, email, FREE_FAILURES)
    before = verifications.count

    responses = [await login(client, email) for _ in range(3)]

    assert [r.status_code for r in responses] == [429, 429, 429]
    assert verifications.count == before


async def test_the_owner_of_a_locked_account_can_still_reset_the_password_and_log_in(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    email = fresh_address("lockedreset")
    await sign_up(client, email)
    await fail(client, email, FREE_FAILURES)
    new_password = "quartz-meadow-falcon-77"

    forgot = await client.post("/api/v1/auth/password/forgot", json={"email": email})
    token = latest_reset_token(email)  # the mail arrived
    reset = await client.post(
        "/api/v1/auth/password/reset", json={"token": token, "password": new_password}
    )
    logged_in = await login(client, email, new_password)

    assert forgot.status_code == 202
    assert reset.status_code == 204
    assert logged_in.status_code == 200


# LOGIN-04/05: a per-IP budget on /auth/*, keyed by API Gateway's source IP ----------------


@pytest.fixture
def low_limit_app(settings: Settings, db: Database) -> tuple[FastAPI, Clock]:
    app = create_app(settings.model_copy(update={"auth_ip_limit": 3}), db)
    clock = Clock()

    async def frozen() -> datetime:
        return clock.now

    app.dependency_overrides[get_now] = frozen
    return app, clock


async def spray(client: httpx.AsyncClient, count: int) -> list[httpx.Response]:
    """Wrong passwords against as many (unknown) accounts: password spraying."""
    return [await login(client, fresh_address("spray"), WRONG_PASSWORD) for _ in range(count)]


async def test_the_request_over_the_ip_budget_is_refused_with_retry_after_before_hashing(
    low_limit_app: tuple[FastAPI, Clock], verifications: Verifications
) -> None:
    app, _ = low_limit_app
    async with api_client(app) as client:
        allowed = await spray(client, 3)
        before = verifications.count
        over = (await spray(client, 1))[0]

    assert [r.status_code for r in allowed] == [401, 401, 401]
    assert 1 <= retry_after(over) <= 300
    assert over.json()["error"] == "too_many_requests"
    assert verifications.count == before


async def test_the_ip_budget_is_renewed_after_retry_after(
    low_limit_app: tuple[FastAPI, Clock],
) -> None:
    app, clock = low_limit_app
    clock.advance(seconds=0.5)  # real clocks are not on whole seconds
    async with api_client(app) as client:
        wait = retry_after((await spray(client, 4))[-1])
        clock.advance(seconds=wait)
        later = (await spray(client, 1))[0]

    assert later.status_code == 401


async def test_one_ip_spending_its_budget_does_not_block_another(
    low_limit_app: tuple[FastAPI, Clock],
) -> None:
    app, _ = low_limit_app
    async with api_client(app) as attacker, api_client(app, client=("198.51.100.7", 4711)) as other:
        await spray(attacker, 4)
        response = (await spray(other, 1))[0]

    assert response.status_code == 401


def lambda_event(source_ip: str, spoofed: str) -> dict[str, Any]:
    return http_api_event(
        "POST",
        "/api/v1/auth/logout",
        headers={"Origin": SHOP_ORIGIN, "Sec-Fetch-Site": "same-site", "X-Forwarded-For": spoofed},
        source_ip=source_ip,
    )


def spare_ip() -> str:
    return f"2001:db8::{uuid.uuid4().hex[:4]}"


async def delete_ip_counters(engine: AsyncEngine, *ips: str) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            delete(RateLimit).where(RateLimit.key.in_([f"auth-ip:{ip}" for ip in ips]))
        )


async def test_through_lambda_the_budget_counts_the_source_ip_not_x_forwarded_for(
    api_container: FunctionContainer, engine: AsyncEngine
) -> None:
    source, spoofed = spare_ip(), spare_ip()
    try:
        response = await asyncio.to_thread(api_container.invoke, lambda_event(source, spoofed))
        async with engine.connect() as conn:
            rows = await conn.execute(
                select(RateLimit.key, func.sum(RateLimit.count))
                .where(RateLimit.key.in_([f"auth-ip:{source}", f"auth-ip:{spoofed}"]))
                .group_by(RateLimit.key)
            )
            counted = {key: int(total) for key, total in rows}
    finally:
        await delete_ip_counters(engine, source, spoofed)

    assert response["statusCode"] == 204
    assert counted == {f"auth-ip:{source}": 1}


async def test_through_lambda_a_spoofed_x_forwarded_for_does_not_escape_a_spent_budget(
    api_container: FunctionContainer, engine: AsyncEngine, settings: Settings
) -> None:
    source, spoofed = spare_ip(), spare_ip()
    window = settings.auth_ip_window_seconds
    epoch = int(datetime.now(UTC).timestamp())
    current = epoch - epoch % window
    try:
        async with engine.begin() as conn:
            # The current and the next window, so the test holds if a window ends mid-test.
            for start in (current, current + window):
                await conn.execute(
                    insert(RateLimit).values(
                        key=f"auth-ip:{source}",
                        window_start=datetime.fromtimestamp(start, UTC),
                        count=settings.auth_ip_limit,
                    )
                )
        response = await asyncio.to_thread(api_container.invoke, lambda_event(source, spoofed))
    finally:
        await delete_ip_counters(engine, source, spoofed)

    assert response["statusCode"] == 429
    assert int(response["headers"]["retry-after"]) <= window


# LOGIN-06: every login is a new session --------------------------------------------------


async def test_each_login_starts_a_new_session_and_both_are_listed(
    client: httpx.AsyncClient,
) -> None:
    email = fresh_address("twice")
    await sign_up(client, email)

    first = session_cookie(await login(client, email))[COOKIE].value
    second = session_cookie(await login(client, email))[COOKIE].value
    listed = await client.get("/api/v1/users/me/sessions")

    assert first != second
    assert listed.status_code == 200
    assert len(listed.json()) == 2
    assert [s["current"] for s in listed.json()].count(True) == 1


# ENUM-01/02: nothing tells an unknown address from a known one ----------------------------


async def test_unknown_email_and_wrong_password_get_identical_answers(
    client: httpx.AsyncClient,
) -> None:
    known = fresh_address("known")
    await sign_up(client, known)

    wrong_password = await login(client, known, WRONG_PASSWORD)
    unknown_email = await login(client, fresh_address("nobody"), WRONG_PASSWORD)

    assert wrong_password.status_code == unknown_email.status_code == 401
    assert without_request_id(wrong_password) == without_request_id(unknown_email)
    assert "set-cookie" not in wrong_password.headers
    assert "set-cookie" not in unknown_email.headers


async def test_an_unknown_email_locks_exactly_like_an_account(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    known, unknown = fresh_address("known"), fresh_address("nobody")
    await sign_up(client, known)
    await fail(client, known, FREE_FAILURES)
    await fail(client, unknown, FREE_FAILURES)

    known_locked = await login(client, known)
    unknown_locked = await login(client, unknown, STRONG_PASSWORD)

    assert known_locked.status_code == unknown_locked.status_code == 429
    assert known_locked.headers["retry-after"] == unknown_locked.headers["retry-after"]
    assert without_request_id(known_locked) == without_request_id(unknown_locked)


@pytest.mark.parametrize(
    ("case", "status"), [("unknown email", 401), ("wrong password", 401), ("right password", 200)]
)
async def test_every_login_outcome_costs_exactly_one_password_verification(
    client: httpx.AsyncClient, verifications: Verifications, case: str, status: int
) -> None:
    email = fresh_address("timing")
    await sign_up(client, email)
    attempt = {
        "unknown email": (fresh_address("nobody"), STRONG_PASSWORD),
        "wrong password": (email, WRONG_PASSWORD),
        "right password": (email, STRONG_PASSWORD),
    }[case]
    before = verifications.count

    response = await login(client, *attempt)

    assert response.status_code == status
    assert verifications.count - before == 1
