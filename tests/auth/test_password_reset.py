"""Password reset through the HTTP API, with the link read from the mail the owner receives
(RESET-01..07, ENUM-03, CODE-06), plus the password and code hygiene checks that have no flow of
their own (PW-03, PW-07, CODE-01)."""

from __future__ import annotations

import ast
import hashlib
import re
import secrets
from pathlib import Path

import argon2
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from devstack import seed
from shop.auth import service as auth_service
from shop.config import Settings
from shop.models import OneTimeCode, User
from tests import factories
from tests.conftest import Clock, api_client
from tests.helpers.accounts import (
    STRONG_PASSWORD,
    latest_code,
    latest_reset_token,
    login,
    register,
    sign_up,
    signed_in,
)
from tests.helpers.mailbox import fresh_address, sent_mail

ROOT = Path(__file__).resolve().parents[2]
NEW_PASSWORD = "harbor-quartz-meadow-97"
PASSWORD_CHANGED = "Your Facet password was changed"
DEFAULT_ADMIN_NAMES = {"admin", "administrator", "root", "sa", "superuser"}


async def forgot(
    client: httpx.AsyncClient, email: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    return await client.post("/api/v1/auth/password/forgot", json={"email": email}, headers=headers)


async def reset(
    client: httpx.AsyncClient, token: str, password: str = NEW_PASSWORD
) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/password/reset", json={"token": token, "password": password}
    )


async def mailed_token(client: httpx.AsyncClient, email: str) -> str:
    """Ask for a reset link and read its token from the mail."""
    assert (await forgot(client, email)).status_code == 202
    return latest_reset_token(email)


async def rows_containing(session: AsyncSession, needle: str) -> int:
    """Rows of any table whose text form contains `needle` (every column, every table)."""
    tables = await session.scalars(
        text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    )
    found = 0
    for table in tables.all():
        found += (
            await session.scalar(
                text(f'SELECT count(*) FROM "{table}" AS t WHERE strpos(t::text, :needle) > 0'),
                {"needle": needle},
            )
            or 0
        )
    return found


# The reset flow --------------------------------------------------------------------------------


async def test_a_reset_link_carries_at_least_128_bits_of_url_safe_token(
    client: httpx.AsyncClient,
) -> None:
    email = fresh_address("entropy")
    await sign_up(client, email)

    token = await mailed_token(client, email)

    # token_urlsafe(16) (128 bits) is 22 characters; 43 means the 256 bits of token_urlsafe(32).
    assert len(token) >= 43
    assert re.fullmatch(r"[A-Za-z0-9_-]+", token)


async def test_only_the_sha256_of_a_reset_token_is_stored(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    email = fresh_address("sha")
    await sign_up(client, email)

    token = await mailed_token(client, email)
    stored = await session.scalar(
        select(OneTimeCode.code_hash)
        .join(User)
        .where(User.email == email, OneTimeCode.purpose == "reset")
    )

    assert stored == hashlib.sha256(token.encode()).hexdigest()
    assert await rows_containing(session, stored) == 1  # the scan does see the reset row
    assert await rows_containing(session, token) == 0


async def test_a_reset_link_works_once(client: httpx.AsyncClient) -> None:
    email = fresh_address("once")
    await sign_up(client, email)
    token = await mailed_token(client, email)

    first = await reset(client, token)
    second = await reset(client, token, "another-garnet-window-31")

    assert first.status_code == 204
    assert (second.status_code, second.json()["error"]) == (400, "invalid_token")
    assert (await login(client, email, NEW_PASSWORD)).status_code == 200


async def test_asking_for_a_second_link_invalidates_the_first(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    email = fresh_address("twice")
    await sign_up(client, email)
    first = await mailed_token(client, email)
    clock.advance(seconds=61)  # past the per-address mail cooldown
    second = await mailed_token(client, email)

    with_first = await reset(client, first)
    with_second = await reset(client, second)

    assert first != second
    assert (with_first.status_code, with_first.json()["error"]) == (400, "invalid_token")
    assert with_second.status_code == 204


async def test_changing_the_password_invalidates_outstanding_links(
    client: httpx.AsyncClient,
) -> None:
    email = fresh_address("change")
    await signed_in(client, email)
    token = await mailed_token(client, email)

    changed = await client.post(
        "/api/v1/users/me/password",
        json={"current_password": STRONG_PASSWORD, "new_password": NEW_PASSWORD},
    )
    with_link = await reset(client, token, "another-garnet-window-31")

    assert changed.status_code == 204
    assert (with_link.status_code, with_link.json()["error"]) == (400, "invalid_token")
    assert (await login(client, email, NEW_PASSWORD)).status_code == 200


async def test_a_reset_link_expires_after_30_minutes(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    email = fresh_address("expiry")
    await sign_up(client, email)
    token = await mailed_token(client, email)

    clock.advance(minutes=30, seconds=1)
    late = await reset(client, token)

    assert (late.status_code, late.json()["error"]) == (400, "invalid_token")
    assert (await login(client, email)).status_code == 200


async def test_a_reset_signs_out_every_device_does_not_sign_in_and_mails_the_owner(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    email = fresh_address("devices")
    await signed_in(client, email)
    async with api_client(app) as phone, api_client(app) as mail_link:
        assert (await login(phone, email)).status_code == 200
        token = await mailed_token(mail_link, email)

        response = await reset(mail_link, token)
        laptop_me = await client.get("/api/v1/users/me")
        phone_me = await phone.get("/api/v1/users/me")
        link_me = await mail_link.get("/api/v1/users/me")

    assert response.status_code == 204
    assert "set-cookie" not in response.headers
    assert (laptop_me.status_code, phone_me.status_code, link_me.status_code) == (401, 401, 401)
    assert sent_mail(email)[-1]["subject"] == PASSWORD_CHANGED


async def test_after_a_reset_the_new_password_works_and_the_old_one_does_not(
    client: httpx.AsyncClient,
) -> None:
    email = fresh_address("newpw")
    await sign_up(client, email)
    token = await mailed_token(client, email)

    assert (await reset(client, token)).status_code == 204

    assert (await login(client, email, STRONG_PASSWORD)).status_code == 401
    assert (await login(client, email, NEW_PASSWORD)).status_code == 200


async def test_asking_for_a_reset_changes_nothing_on_the_account(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    email = fresh_address("unchanged")
    await signed_in(client, email)
    user_row = select(*User.__table__.c).where(User.email == email)
    before = (await session.execute(user_row)).one()

    assert (await forgot(client, email)).status_code == 202

    assert (await session.execute(user_row)).one() == before
    assert (await client.get("/api/v1/users/me")).status_code == 200
    assert (await login(client, email)).status_code == 200


async def test_forgot_password_answers_the_same_for_known_and_unknown_addresses(
    client: httpx.AsyncClient,
) -> None:
    known, unknown = fresh_address("known"), fresh_address("nobody")
    await sign_up(client, known)

    for_known = await forgot(client, known)
    for_unknown = await forgot(client, unknown)

    assert for_known.status_code == for_unknown.status_code == 202
    assert for_known.json() == for_unknown.json()
    assert sent_mail(unknown) == []
    assert "reset" in sent_mail(known)[-1]["subject"].lower()


async def test_the_mailed_link_puts_the_token_in_the_fragment_of_the_configured_site(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    email = fresh_address("fragment")
    await sign_up(client, email)

    token = await mailed_token(client, email)

    base = settings.public_base_url.rstrip("/")
    assert f"{base}/reset-password#token={token}" in sent_mail(email)[-1]["body"]
    assert f"?token={token}" not in sent_mail(email)[-1]["body"]


async def test_a_sellers_link_opens_the_seller_dashboard(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    email = fresh_address("seller-link")
    await sign_up(client, email, role="seller")

    token = await mailed_token(client, email)

    base = settings.public_base_url.rstrip("/")
    assert f"{base}/seller/reset-password#token={token}" in sent_mail(email)[-1]["body"]


async def test_the_api_refuses_a_reset_token_in_a_query_string(client: httpx.AsyncClient) -> None:
    email = fresh_address("query")
    await sign_up(client, email)
    token = await mailed_token(client, email)

    response = await client.get("/api/v1/auth/password/reset", params={"token": token})

    assert response.status_code == 405
    assert (await login(client, email)).status_code == 200


async def test_a_forged_host_header_does_not_change_the_mailed_link(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    email = fresh_address("host")
    await sign_up(client, email)

    response = await forgot(
        client, email, headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"}
    )

    body = sent_mail(email)[-1]["body"]
    assert response.status_code == 202
    assert f"{settings.public_base_url.rstrip('/')}/reset-password#token=" in body
    assert "evil.example" not in body


# Password storage and code generation ------------------------------------------------------------


async def test_logging_in_upgrades_a_hash_made_with_cheaper_parameters(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    user = await factories.make_user(session, settings, email=fresh_address("rehash"))
    cheap = argon2.PasswordHasher(time_cost=1, memory_cost=19_456, parallelism=1)
    user.password_hash = cheap.hash(factories.DEFAULT_PASSWORD)
    await session.flush()

    response = await login(client, user.email, factories.DEFAULT_PASSWORD)

    stored = await session.scalar(select(User.password_hash).where(User.id == user.id))
    assert response.status_code == 200
    assert stored is not None
    params = argon2.extract_parameters(stored)
    assert (params.type, params.time_cost, params.memory_cost, params.parallelism) == (
        argon2.Type.ID,
        settings.argon2_time_cost,
        settings.argon2_memory_kib,
        settings.argon2_parallelism,
    )
    assert (await login(client, user.email, factories.DEFAULT_PASSWORD)).status_code == 200


def _seeded_accounts(source: str) -> list[str]:
    """What in a migration would create an account: a default admin's address or name, a row
    with role admin, or rows put into the users table."""
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            for local in re.findall(r"([\w.+-]+)@[\w-]+", node.value):
                if local.lower() in DEFAULT_ADMIN_NAMES:
                    found.append(node.value)
            if re.search(r"insert\s+into\s+\"?users\b", node.value, re.IGNORECASE):
                found.append(node.value)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if not (isinstance(key, ast.Constant) and isinstance(value, ast.Constant)):
                    continue
                if key.value == "role" and value.value == "admin":
                    found.append(ast.unparse(node))
                if key.value in {"email", "username"} and str(value.value) in DEFAULT_ADMIN_NAMES:
                    found.append(ast.unparse(node))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "bulk_insert"
            and node.args
            and "user" in ast.unparse(node.args[0]).lower()
        ):
            found.append(ast.unparse(node))
    return found


def test_no_migration_creates_a_default_admin_account() -> None:
    migrations = sorted((ROOT / "migrations" / "versions").glob("*.py"))

    assert migrations
    for path in migrations:
        assert _seeded_accounts(path.read_text()) == [], path.name


@pytest.mark.parametrize(
    ("snippet", "seeds"),
    [
        ("op.bulk_insert(users_table, [{'email': 'ops@facet.local', 'role': 'x'}])", True),
        ("op.execute(\"INSERT INTO users (email) VALUES ('someone@facet.local')\")", True),
        ("rows = [{'email': 'admin@facet.local'}]", True),
        ("rows = [{'username': 'sa'}]", True),
        ("rows = [{'role': 'admin'}]", True),
        ("sa.CheckConstraint(\"role IN ('customer', 'seller', 'admin')\", name='role')", False),
    ],
)
def test_the_migration_scan_tells_seeded_accounts_from_schema(snippet: str, seeds: bool) -> None:
    assert bool(_seeded_accounts(snippet)) is seeds


async def test_the_local_demo_accounts_include_no_admin(
    session: AsyncSession, settings: Settings
) -> None:
    demo = seed.accounts()
    emails = [account["email"] for account in [*demo["sellers"], *demo["customers"]]]

    await seed.seed(session, settings)
    roles = await session.execute(select(User.email, User.role).where(User.email.in_(emails)))

    assert {role for _, role in roles.all()} <= {"customer", "seller"}
    assert not {email.partition("@")[0].lower() for email in emails} & DEFAULT_ADMIN_NAMES


def test_the_code_generator_does_not_use_the_random_module() -> None:
    tree = ast.parse(Path(auth_service.__file__).read_text())

    imported = {
        alias.name.partition(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    } | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}

    assert "secrets" in imported
    assert "random" not in imported


@pytest.mark.parametrize(("drawn", "mailed"), [(0, "000000"), (7, "000007"), (999_999, "999999")])
async def test_mailed_codes_are_six_csprng_digits_zero_padded(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, drawn: int, mailed: str
) -> None:
    bounds: list[int] = []

    def randbelow(bound: int) -> int:
        bounds.append(bound)
        return drawn

    monkeypatch.setattr(secrets, "randbelow", randbelow)
    email = fresh_address("digits")

    assert (await register(client, email)).status_code == 202

    assert bounds == [10**6]
    assert latest_code(email) == mailed
