"""The signed-in user's own account: profile (AUTHZ-02), password change (PW-06, SESS-03) and
deletion (SESS-03), driven through the HTTP API as the frontend would."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shop.auth import passwords
from shop.config import Settings
from shop.models import LoginThrottle, Order, Product, User
from tests.conftest import Clock, api_client
from tests.helpers.accounts import (
    COOKIE,
    STRONG_PASSWORD,
    latest_code,
    latest_reset_token,
    login,
    register,
    session_cookie,
    signed_in,
)
from tests.helpers.mailbox import fresh_address, sent_mail

ME = "/api/v1/users/me"
NEW_PASSWORD = "harbor-quartz-meadow-97"
PASSWORD_CHANGED = "Your Facet password was changed"


async def change_password(client: httpx.AsyncClient, body: dict[str, str]) -> httpx.Response:
    return await client.post(f"{ME}/password", json=body)


async def delete_account(client: httpx.AsyncClient, password: str) -> httpx.Response:
    return await client.request("DELETE", ME, json={"password": password})


async def replay(app: FastAPI, token: str) -> httpx.Response:
    """GET /users/me with a copied session cookie, from a client that holds nothing else."""
    async with api_client(app) as attacker:
        return await attacker.get(ME, headers={"Cookie": f"{COOKIE}={token}"})


# Profile ---------------------------------------------------------------------------------------


async def test_the_profile_needs_a_session(client: httpx.AsyncClient) -> None:
    response = await client.get(ME)

    assert (response.status_code, response.json()["error"]) == (401, "not_authenticated")


async def test_the_profile_shows_the_signed_in_user(client: httpx.AsyncClient) -> None:
    email = fresh_address("me")
    await signed_in(client, email)

    response = await client.get(ME)

    assert response.status_code == 200
    assert (response.json()["email"], response.json()["role"]) == (email, "customer")
    assert "password_hash" not in response.json()


async def test_a_user_can_change_their_display_name(client: httpx.AsyncClient) -> None:
    await signed_in(client, fresh_address("rename"))

    response = await client.patch(ME, json={"display_name": "Amazing Grace"})

    assert (response.status_code, response.json()["display_name"]) == (200, "Amazing Grace")
    assert (await client.get(ME)).json()["display_name"] == "Amazing Grace"


async def test_a_display_name_over_100_characters_is_refused(client: httpx.AsyncClient) -> None:
    await signed_in(client, fresh_address("long"))

    too_long = await client.patch(ME, json={"display_name": "x" * 101})
    longest = await client.patch(ME, json={"display_name": "y" * 100})

    assert too_long.status_code == 422
    assert longest.status_code == 200


@pytest.mark.parametrize(
    "privileged",
    [
        {"role": "admin"},
        {"role": "seller"},
        {"email": "someone-else@mail.example.com"},
        {"verified_at": "2020-01-01T00:00:00Z"},
        {"display_name": "Still Grace", "role": "admin"},
    ],
    ids=["role-admin", "role-seller", "email", "verified_at", "with-allowed-field"],
)
async def test_privileged_fields_cannot_be_set_through_the_profile(
    client: httpx.AsyncClient, session: AsyncSession, privileged: dict[str, Any]
) -> None:
    email = fresh_address("mass")
    await signed_in(client, email)
    user_row = select(*User.__table__.c).where(User.email == email)
    before = (await session.execute(user_row)).one()

    response = await client.patch(ME, json=privileged)

    assert response.status_code == 422
    assert (await session.execute(user_row)).one() == before


# Password change (PW-06) -----------------------------------------------------------------------


async def test_changing_the_password_needs_the_current_password(client: httpx.AsyncClient) -> None:
    email = fresh_address("nocurrent")
    await signed_in(client, email)

    response = await change_password(client, {"new_password": NEW_PASSWORD})

    assert response.status_code == 422
    assert (await login(client, email, NEW_PASSWORD)).status_code == 401


async def test_a_wrong_current_password_is_refused_and_counts_as_a_failed_login(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    email = fresh_address("wrongcurrent")
    await signed_in(client, email)

    response = await change_password(
        client, {"current_password": "not-my-password-at-all", "new_password": NEW_PASSWORD}
    )

    failures = await session.scalar(
        select(LoginThrottle.failures).where(LoginThrottle.email == email)
    )
    assert (response.status_code, response.json()["error"]) == (401, "invalid_credentials")
    assert failures == 1
    assert (await client.get(ME)).status_code == 200


async def test_changing_the_password_keeps_this_device_and_signs_out_the_others(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    email = fresh_address("changepw")
    await signed_in(client, email)
    async with api_client(app) as phone:
        assert (await login(phone, email)).status_code == 200

        response = await change_password(
            client, {"current_password": STRONG_PASSWORD, "new_password": NEW_PASSWORD}
        )
        phone_me = await phone.get(ME)

    assert response.status_code == 204
    assert (await client.get(ME)).status_code == 200
    assert phone_me.status_code == 401
    assert sent_mail(email)[-1]["subject"] == PASSWORD_CHANGED
    assert (await login(client, email, STRONG_PASSWORD)).status_code == 401
    assert (await login(client, email, NEW_PASSWORD)).status_code == 200


async def test_a_weak_new_password_is_refused(client: httpx.AsyncClient) -> None:
    email = fresh_address("weaknew")
    await signed_in(client, email)

    response = await change_password(
        client, {"current_password": STRONG_PASSWORD, "new_password": "password123456"}
    )

    assert (response.status_code, response.json()["error"]) == (422, "weak_password")
    assert (await login(client, email)).status_code == 200


# Account deletion ------------------------------------------------------------------------------


async def test_deleting_the_account_needs_the_password(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    email = fresh_address("keep")
    await signed_in(client, email)

    wrong = await delete_account(client, "not-my-password-at-all")

    failures = await session.scalar(
        select(LoginThrottle.failures).where(LoginThrottle.email == email)
    )
    assert (wrong.status_code, wrong.json()["error"]) == (401, "invalid_credentials")
    assert failures == 1
    assert (await client.get(ME)).status_code == 200


async def test_deleting_the_account_clears_the_cookie_and_ends_every_session(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    email = fresh_address("gone")
    laptop_token = await signed_in(client, email)
    async with api_client(app) as phone:
        phone_token = session_cookie(await login(phone, email))[COOKIE].value

        response = await delete_account(client, STRONG_PASSWORD)
        phone_me = await phone.get(ME)

    assert response.status_code == 204
    assert session_cookie(response)[COOKIE]["max-age"] == "0"
    assert phone_me.status_code == 401
    assert (await replay(app, laptop_token)).status_code == 401
    assert (await replay(app, phone_token)).status_code == 401
    assert (await login(client, email)).status_code == 401


async def test_a_reset_link_from_before_deletion_does_not_revive_the_account(
    client: httpx.AsyncClient,
) -> None:
    email = fresh_address("revive")
    await signed_in(client, email)
    assert (
        await client.post("/api/v1/auth/password/forgot", json={"email": email})
    ).status_code == 202
    token = latest_reset_token(email)
    assert (await delete_account(client, STRONG_PASSWORD)).status_code == 204

    response = await client.post(
        "/api/v1/auth/password/reset", json={"token": token, "password": NEW_PASSWORD}
    )

    assert (response.status_code, response.json()["error"]) == (400, "invalid_token")
    assert (await login(client, email, NEW_PASSWORD)).status_code == 401


async def test_a_deleted_accounts_email_can_register_again_as_a_new_account(
    client: httpx.AsyncClient, session: AsyncSession, clock: Clock
) -> None:
    email = fresh_address("again")
    await signed_in(client, email)
    old_id = (await client.get(ME)).json()["id"]
    assert (await delete_account(client, STRONG_PASSWORD)).status_code == 204
    clock.advance(seconds=61)  # past the per-address mail cooldown

    registered = await register(client, email)
    verified = await client.post(
        "/api/v1/auth/verify-email", json={"email": email, "code": latest_code(email)}
    )
    logged_in = await login(client, email)

    assert registered.status_code == 202
    assert verified.status_code == 204
    assert logged_in.status_code == 200
    assert logged_in.json()["id"] != old_id
    count = await session.scalar(select(func.count()).select_from(User).where(User.email == email))
    assert count == 1


async def test_deleting_the_account_scrubs_its_personal_data(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    email = fresh_address("scrub")
    await signed_in(client, email)
    me = (await client.get(ME)).json()

    assert (await delete_account(client, STRONG_PASSWORD)).status_code == 204

    row = (
        await session.execute(
            select(User.email, User.display_name, User.password_hash, User.deleted_at).where(
                User.id == me["id"]
            )
        )
    ).one()
    local_part = email.partition("@")[0]
    assert local_part not in row.email
    assert row.display_name != me["display_name"]
    assert not passwords.verify_password(settings, row.password_hash, STRONG_PASSWORD)
    assert not row.password_hash.startswith("$argon2")
    assert row.deleted_at is not None


async def test_a_deleted_sellers_products_leave_the_catalog(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    await signed_in(client, fresh_address("shopkeeper"), role="seller")
    seller_id = (await client.get(ME)).json()["id"]
    product = Product(
        seller_id=seller_id,
        name="Silver Fern Ring",
        material="silver",
        price_cents=4_500,
        currency="EUR",
        stock=3,
        status="active",
    )
    session.add(product)
    await session.flush()

    assert (await delete_account(client, STRONG_PASSWORD)).status_code == 204

    status = await session.scalar(select(Product.status).where(Product.id == product.id))
    assert status == "archived"


async def test_a_deleted_customers_orders_remain(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    email = fresh_address("buyer")
    await signed_in(client, email)
    customer_id = (await client.get(ME)).json()["id"]
    order = Order(customer_id=customer_id, email=email, amount_total=12_000, currency="EUR")
    session.add(order)
    await session.flush()

    assert (await delete_account(client, STRONG_PASSWORD)).status_code == 204

    kept = (
        await session.execute(
            select(Order.customer_id, Order.email, Order.amount_total).where(Order.id == order.id)
        )
    ).one()
    assert (str(kept.customer_id), kept.email, kept.amount_total) == (customer_id, email, 12_000)
