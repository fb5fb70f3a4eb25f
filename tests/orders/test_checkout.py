"""POST /checkout: a cart becomes a pending order holding its stock and a Stripe Checkout
Session built from the database's prices (Stripe's library against the in-repo emulator)."""

from __future__ import annotations

import time
import uuid
from datetime import timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from devstack.stripe_emulator import StripeEmulator
from shop.config import Settings
from shop.models import CheckoutRequest, Order, OrderItem, Product
from shop.payments.stripe_api import order_metadata
from tests.catalog.factories import log_in, make_account, make_product
from tests.conftest import api_client

CHECKOUT = "/api/v1/checkout"


def key() -> str:
    return f"test-{uuid.uuid4()}"


async def checkout(
    client: httpx.AsyncClient, items: list[dict[str, Any]], idempotency_key: str | None = None
) -> httpx.Response:
    return await client.post(
        CHECKOUT,
        json={"items": items},
        headers={"Idempotency-Key": idempotency_key or key()},
    )


def line(product: Product, quantity: int = 1, **extra: Any) -> dict[str, Any]:
    return {"product_id": str(product.id), "quantity": quantity, **extra}


def created_session(emulator: StripeEmulator, order_id: str) -> dict[str, Any]:
    calls = [
        c
        for c in emulator.calls
        if c.path == "/v1/checkout/sessions" and c.params.get("client_reference_id") == order_id
    ]
    assert calls, "a Checkout Session was created for the order"
    return calls[-1].params


@pytest.fixture
async def ring(session: AsyncSession, settings: Settings) -> Product:
    """An active product (5 in stock) of a fresh seller."""
    return await make_product(session, await make_account(session, settings))


async def stock(session: AsyncSession, product: Product) -> int:
    value = await session.scalar(
        select(Product.stock)
        .where(Product.id == product.id)
        .execution_options(populate_existing=True)
    )
    assert value is not None
    return value


async def test_a_guest_checkout_holds_stock_and_returns_the_stripe_url(
    client: httpx.AsyncClient,
    session: AsyncSession,
    settings: Settings,
    stripe_emulator: StripeEmulator,
) -> None:
    seller = await make_account(session, settings)
    ring = await make_product(session, seller, price_cents=12_500, stock=4)
    chain = await make_product(session, seller, name="Rope chain", price_cents=8_000, stock=2)

    response = await checkout(client, [line(ring, 2), line(chain)])

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["checkout_url"].startswith(f"{stripe_emulator.url}/pay/cs_test_")
    order = await session.get(Order, uuid.UUID(body["order_id"]))
    assert order is not None
    assert (order.status, order.amount_total, order.currency) == ("pending", 33_000, "EUR")
    assert order.stock_held
    assert order.customer_id is None
    assert order.email is None
    assert order.stripe_session_id == body["checkout_url"].rsplit("/", 1)[1]
    assert (await stock(session, ring), await stock(session, chain)) == (2, 1)
    assert order.reserved_until is not None
    reserved_for = (order.reserved_until - order.created_at).total_seconds()
    assert reserved_for == settings.reservation_ttl_seconds


async def test_pay_01_the_session_is_built_from_database_prices_and_tampering_is_refused(
    client: httpx.AsyncClient,
    session: AsyncSession,
    settings: Settings,
    stripe_emulator: StripeEmulator,
) -> None:
    seller = await make_account(session, settings)
    ring = await make_product(session, seller, price_cents=12_500, currency="EUR")

    tampered = await checkout(client, [line(ring, price_cents=1, currency="JPY")])
    total = await client.post(
        CHECKOUT,
        json={"items": [line(ring)], "amount_total": 1, "currency": "JPY"},
        headers={"Idempotency-Key": key()},
    )
    honest = await checkout(client, [line(ring, 3)])

    assert tampered.status_code == total.status_code == 422
    assert honest.status_code == 200
    params = created_session(stripe_emulator, honest.json()["order_id"])
    assert params["line_items"] == [
        {
            "quantity": "3",
            "price_data": {
                "currency": "eur",
                "unit_amount": "12500",
                "product_data": {"name": ring.name},
            },
        }
    ]
    assert params["mode"] == "payment"
    assert params["shipping_address_collection"] == {
        "allowed_countries": settings.checkout_shipping_countries
    }


async def test_pay_02_quantities_outside_1_to_100_and_more_than_50_lines_are_422(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    seller = await make_account(session, settings)
    ring = await make_product(session, seller, stock=500)
    many = [{"product_id": str(uuid.uuid4()), "quantity": 1} for _ in range(51)]

    answers = [await checkout(client, [line(ring, quantity)]) for quantity in (0, -1, 101, 10**9)]
    answers.append(await checkout(client, many))
    answers.append(await checkout(client, []))
    answers.append(await checkout(client, [line(ring), line(ring)]))
    answers.append(await checkout(client, [line(ring, "2")]))  # type: ignore[arg-type]

    assert [a.status_code for a in answers] == [422] * 8
    assert all(a.json()["error"] == "validation_error" for a in answers)
    assert await stock(session, ring) == 500
    assert await session.scalar(select(OrderItem).where(OrderItem.product_id == ring.id)) is None


async def test_checkout_without_an_idempotency_key_is_422(
    client: httpx.AsyncClient, ring: Product
) -> None:
    response = await client.post(CHECKOUT, json={"items": [line(ring)]})

    assert response.status_code == 422
    assert response.json()["fields"][0]["loc"] == ["header", "idempotency-key"]


async def test_a_line_that_cannot_be_served_is_409_naming_it_and_nothing_is_held(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    seller = await make_account(session, settings)
    plenty = await make_product(session, seller, stock=10)
    scarce = await make_product(session, seller, stock=1)
    draft = await make_product(session, seller, stock=9, status="draft")
    missing = uuid.uuid4()

    short = await checkout(client, [line(plenty, 2), line(scarce, 2)])
    hidden = await checkout(client, [line(plenty), line(draft)])
    unknown = await checkout(client, [line(plenty), {"product_id": str(missing), "quantity": 1}])

    assert [r.status_code for r in (short, hidden, unknown)] == [409, 409, 409]
    assert short.json()["error"] == "cart_unavailable"
    assert str(scarce.id) in short.json()["detail"]
    assert str(draft.id) in hidden.json()["detail"]
    assert str(missing) in unknown.json()["detail"]
    assert (await stock(session, plenty), await stock(session, scarce)) == (10, 1)
    assert await session.scalar(select(OrderItem).where(OrderItem.product_id == plenty.id)) is None


async def test_a_cart_mixing_currencies_is_refused(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    seller = await make_account(session, settings)
    euro = await make_product(session, seller, currency="EUR")
    dollar = await make_product(session, seller, currency="USD")

    response = await checkout(client, [line(euro), line(dollar)])

    assert response.status_code == 409
    assert response.json()["error"] == "mixed_currencies"
    assert (await stock(session, euro), await stock(session, dollar)) == (5, 5)


async def test_pay_03_pay_04_the_same_idempotency_key_returns_the_same_order_and_session(
    client: httpx.AsyncClient,
    session: AsyncSession,
    ring: Product,
    stripe_emulator: StripeEmulator,
) -> None:
    same = key()

    first = await checkout(client, [line(ring, 2)], same)
    again = await checkout(client, [line(ring, 2)], same)
    other_cart = await checkout(client, [line(ring, 3)], same)

    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert other_cart.status_code == 422
    assert other_cart.json()["error"] == "idempotency_key_reused"
    assert await stock(session, ring) == 3
    order_id = first.json()["order_id"]
    creates = [c for c in stripe_emulator.calls if c.params.get("client_reference_id") == order_id]
    assert [c.idempotency_key for c in creates] == [f"checkout:{order_id}"]


async def test_the_same_key_of_another_buyer_is_another_order(
    app: FastAPI, client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    seller = await make_account(session, settings)
    buyer = await make_account(session, settings, role="customer")
    ring = await make_product(session, seller, stock=5)
    same = key()

    guest = await checkout(client, [line(ring)], same)
    async with api_client(app) as signed_in:
        await log_in(signed_in, buyer)
        mine = await checkout(signed_in, [line(ring)], same)

    assert guest.status_code == mine.status_code == 200
    assert guest.json()["order_id"] != mine.json()["order_id"]
    order = await session.get(Order, uuid.UUID(mine.json()["order_id"]))
    assert order is not None
    assert (order.customer_id, order.email) == (buyer.id, buyer.email)
    scopes = await session.scalars(select(CheckoutRequest.scope).where(CheckoutRequest.key == same))
    assert sorted(scopes) == sorted(["guest", f"user:{buyer.id}"])


async def test_pay_05_metadata_holds_only_the_order_id_within_stripe_limits(
    client: httpx.AsyncClient, ring: Product, stripe_emulator: StripeEmulator
) -> None:
    response = await checkout(client, [line(ring)])

    order_id = response.json()["order_id"]
    params = created_session(stripe_emulator, order_id)
    metadata = order_metadata(order_id)
    assert params["metadata"] == params["payment_intent_data"]["metadata"] == metadata
    assert params["client_reference_id"] == order_id
    assert list(metadata) == ["order_id"]
    assert len(metadata) <= 50
    assert all(len(k) <= 40 and "[" not in k and "]" not in k for k in metadata)
    assert all(len(v) <= 500 for v in metadata.values())


async def test_pay_06_the_session_expires_30_minutes_out_and_the_hold_outlives_it(
    client: httpx.AsyncClient,
    session: AsyncSession,
    ring: Product,
    stripe_emulator: StripeEmulator,
) -> None:
    response = await checkout(client, [line(ring)])

    order = await session.get(Order, uuid.UUID(response.json()["order_id"]))
    assert order is not None
    assert order.reserved_until is not None
    expires_at = int(created_session(stripe_emulator, str(order.id))["expires_at"])
    assert 1800 <= expires_at - time.time() <= 86_400
    assert order.reserved_until.timestamp() > expires_at


async def test_a_stripe_outage_is_a_clean_502_and_the_hold_is_left_to_the_sweeper(
    client: httpx.AsyncClient,
    session: AsyncSession,
    ring: Product,
    stripe_emulator: StripeEmulator,
) -> None:
    same = key()

    with stripe_emulator.outage():
        failed = await checkout(client, [line(ring)], same)
    retried = await checkout(client, [line(ring)], same)

    assert failed.status_code == 502
    assert failed.json()["error"] == "payment_provider_error"
    assert "outage" not in failed.text.lower()
    order = await session.scalar(select(Order).where(Order.id == retried.json()["order_id"]))
    assert order is not None
    assert order.stock_held
    assert order.reserved_until is not None
    assert retried.status_code == 200
    assert await stock(session, ring) == 4


async def test_an_idempotency_key_older_than_its_lifetime_starts_a_new_order(
    client: httpx.AsyncClient, session: AsyncSession, ring: Product, settings: Settings
) -> None:
    same = key()

    async def age_key(seconds: int) -> None:
        await session.execute(
            update(CheckoutRequest)
            .where(CheckoutRequest.key == same)
            .values(created_at=CheckoutRequest.created_at - timedelta(seconds=seconds))
        )

    first = await checkout(client, [line(ring)], same)
    await age_key(settings.checkout_idempotency_ttl_seconds - 60)
    replayed = await checkout(client, [line(ring)], same)
    await age_key(120)
    renewed = await checkout(client, [line(ring)], same)

    assert first.status_code == replayed.status_code == renewed.status_code == 200
    assert replayed.json() == first.json()
    assert renewed.json()["order_id"] != first.json()["order_id"]
