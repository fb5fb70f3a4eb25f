from __future__ import annotations

from datetime import timedelta

import argon2
import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shop.models import OneTimeCode, User
from tests.conftest import Clock
from tests.helpers.accounts import STRONG_PASSWORD, latest_code, login, register, sign_up
from tests.helpers.mailbox import fresh_address, sent_mail


async def test_a_new_customer_registers_verifies_by_mailed_code_and_logs_in(
    client: httpx.AsyncClient,
) -> None:
    email = fresh_address("new")

    registered = await register(client, email)
    code = latest_code(email)
    verified = await client.post("/api/v1/auth/verify-email", json={"email": email, "code": code})
    logged_in = await login(client, email)

    assert registered.status_code == 202
    assert verified.status_code == 204
    assert logged_in.status_code == 200
    assert logged_in.json()["email"] == email
    assert logged_in.json()["role"] == "customer"
    me = await client.get("/api/v1/users/me")
    assert me.json()["verified_at"] is not None


async def test_login_before_verification_is_refused(client: httpx.AsyncClient) -> None:
    email = fresh_address("unverified")
    await register(client, email)

    response = await login(client, email)

    assert response.status_code == 403
    assert response.json()["error"] == "email_not_verified"
    assert "set-cookie" not in response.headers


async def test_registering_an_existing_email_answers_the_same_and_mails_the_owner(
    client: httpx.AsyncClient, session: AsyncSession, clock: Clock
) -> None:
    email = fresh_address("taken")
    first = await register(client, email)
    clock.advance(seconds=61)

    second = await register(client, email.upper(), password="another-strong-passphrase-9")

    assert (second.status_code, second.json()) == (first.status_code, first.json())
    assert "already have an account" in sent_mail(email)[-1]["body"].lower()
    count = await session.scalar(select(func.count()).select_from(User).where(User.email == email))
    assert count == 1


async def test_sellers_can_register_but_nobody_can_register_as_admin(
    client: httpx.AsyncClient,
) -> None:
    seller = fresh_address("seller")
    await sign_up(client, seller, role="seller")

    admin = await register(client, fresh_address("admin"), role="admin")

    assert (await login(client, seller)).json()["role"] == "seller"
    assert admin.status_code == 422


@pytest.mark.parametrize("length", [12, 64, 128])
async def test_passwords_of_12_to_128_characters_are_accepted(
    client: httpx.AsyncClient, length: int
) -> None:
    password = ("Zq8#vL2!mW" * 13)[:length]

    assert (await register(client, fresh_address("len"), password=password)).status_code == 202


@pytest.mark.parametrize("length", [11, 129])
async def test_passwords_outside_12_to_128_characters_are_refused_without_echo(
    client: httpx.AsyncClient, length: int
) -> None:
    password = ("Zq8#vL2!mW" * 13)[:length]

    response = await register(client, fresh_address("len"), password=password)

    assert response.status_code == 422
    assert password not in response.text


@pytest.mark.parametrize("password", ["password123456", "qwertyuiopasdf", "aaaaaaaaaaaaaaaa"])
async def test_common_or_guessable_passwords_are_refused(
    client: httpx.AsyncClient, password: str
) -> None:
    email = fresh_address("weak")

    response = await register(client, email, password=password)

    assert response.status_code == 422
    assert response.json()["error"] == "weak_password"
    assert sent_mail(email) == []


async def test_a_password_is_used_exactly_as_typed(client: httpx.AsyncClient) -> None:
    email = fresh_address("exact")
    password = "Ünïcode päss wörd ✓ 42"
    await sign_up(client, email, password=password)

    assert (await login(client, email, password)).status_code == 200
    assert (await login(client, email, password.lower())).status_code == 401
    assert (await login(client, email, password + " ")).status_code == 401


async def test_passwords_are_stored_as_argon2id_meeting_the_owasp_minimum(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    email = fresh_address("hash")
    await register(client, email)

    stored = await session.scalar(select(User.password_hash).where(User.email == email))

    assert stored is not None
    assert stored.startswith("$argon2id$")
    params = argon2.extract_parameters(stored)
    assert params.type is argon2.Type.ID
    assert (params.time_cost, params.memory_cost) >= (2, 19_456)
    assert params.salt_len >= 16
    assert STRONG_PASSWORD not in stored


async def test_verification_codes_are_stored_only_as_argon2id_hashes(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    email = fresh_address("codehash")
    await register(client, email)
    code = latest_code(email)

    stored = await session.scalar(
        select(OneTimeCode.code_hash).join(User).where(User.email == email)
    )

    assert stored is not None
    assert stored != code
    assert stored.startswith("$argon2id$")


async def test_a_wrong_code_five_times_burns_the_code(client: httpx.AsyncClient) -> None:
    email = fresh_address("guess")
    await register(client, email)
    code = latest_code(email)
    wrong = f"{(int(code) + 1) % 10**6:06d}"

    for _ in range(5):
        r = await client.post("/api/v1/auth/verify-email", json={"email": email, "code": wrong})
        assert r.status_code == 400
    right = await client.post("/api/v1/auth/verify-email", json={"email": email, "code": code})

    assert right.status_code == 400
    assert right.json()["error"] == "invalid_code"


async def test_a_code_expires_after_ten_minutes(client: httpx.AsyncClient, clock: Clock) -> None:
    email = fresh_address("late")
    await register(client, email)
    code = latest_code(email)

    clock.advance(minutes=10, seconds=1)
    late = await client.post("/api/v1/auth/verify-email", json={"email": email, "code": code})

    assert late.status_code == 400


async def test_a_code_works_once_and_only_for_its_own_account(client: httpx.AsyncClient) -> None:
    alice, bob = fresh_address("alice"), fresh_address("bob")
    await register(client, alice)
    await register(client, bob)
    alice_code = latest_code(alice)

    on_bob = await client.post("/api/v1/auth/verify-email", json={"email": bob, "code": alice_code})
    on_alice = await client.post(
        "/api/v1/auth/verify-email", json={"email": alice, "code": alice_code}
    )
    again = await client.post(
        "/api/v1/auth/verify-email", json={"email": alice, "code": alice_code}
    )

    assert on_bob.status_code == 400
    assert on_alice.status_code == 204
    assert again.status_code == 400


async def test_a_resent_code_replaces_the_old_one(client: httpx.AsyncClient, clock: Clock) -> None:
    email = fresh_address("resend")
    await register(client, email)
    old = latest_code(email)
    clock.advance(seconds=61)

    resent = await client.post("/api/v1/auth/resend-code", json={"email": email})
    new = latest_code(email)
    with_old = await client.post("/api/v1/auth/verify-email", json={"email": email, "code": old})
    with_new = await client.post("/api/v1/auth/verify-email", json={"email": email, "code": new})

    assert resent.status_code == 202
    assert (with_old.status_code, with_new.status_code) == (400, 204) or old == new


async def test_resend_within_the_cooldown_is_429_and_sends_nothing(
    client: httpx.AsyncClient,
) -> None:
    email = fresh_address("cooldown")
    await register(client, email)

    response = await client.post("/api/v1/auth/resend-code", json={"email": email})

    assert response.status_code == 429
    assert int(response.headers["retry-after"]) <= 60
    assert len(sent_mail(email)) == 1


async def test_the_sixth_code_mail_in_an_hour_is_refused(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    email = fresh_address("flood")
    await register(client, email)
    for _ in range(4):
        clock.advance(seconds=61)
        assert (
            await client.post("/api/v1/auth/resend-code", json={"email": email})
        ).status_code == 202

    clock.advance(seconds=61)
    sixth = await client.post("/api/v1/auth/resend-code", json={"email": email})

    assert sixth.status_code == 429
    assert len(sent_mail(email)) == 5


async def test_the_hourly_mail_cap_holds_across_a_clock_hour_and_frees_after_retry_after(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    email = fresh_address("boundary")
    clock.now = clock.now.replace(minute=58, second=0) + timedelta(hours=1)
    await register(client, email)
    for _ in range(4):  # the clock hour turns between the second mail and the third
        clock.advance(seconds=61)
        await client.post("/api/v1/auth/resend-code", json={"email": email})

    clock.advance(seconds=61)
    refused = await client.post("/api/v1/auth/resend-code", json={"email": email})
    clock.advance(seconds=int(refused.headers["retry-after"]))
    freed = await client.post("/api/v1/auth/resend-code", json={"email": email})

    assert refused.status_code == 429
    # The first mail was sent 5 x 61 s before the refusal; it leaves the hour 3600 s after it.
    assert int(refused.headers["retry-after"]) == 3600 - 5 * 61
    assert freed.status_code == 202
    assert len(sent_mail(email)) == 6


async def test_resend_for_an_unknown_email_looks_the_same(client: httpx.AsyncClient) -> None:
    known = fresh_address("known")
    await register(client, known)

    unknown = await client.post("/api/v1/auth/resend-code", json={"email": fresh_address("nobody")})
    known_again = await client.post("/api/v1/auth/resend-code", json={"email": known})

    assert unknown.status_code == 202
    assert known_again.status_code == 429  # the cooldown is per address, account or not
