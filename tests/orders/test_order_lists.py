"""Buyers see their own orders only; sellers see the paid lines of their own products with
where to ship them; both lists are keyset pages."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from shop.config import Settings
from shop.models import Order, Product, User
from tests.catalog.factories import log_in, make_account, make_product
from tests.conftest import api_client
from tests.stats.factories import pay_order

ADDRESS = {"line1": "3 Quay Street", "city": "Galway", "postal_code": "H91", "country": "IE"}


async def make_order(
    session: AsyncSession,
    settings: Settings,
    buyer: User | None,
    lines: list[tuple[Product, int]],
    *,
    status: str = "paid",
    minutes_ago: int = 0,
) -> Order:
    """A paid order (as the webhook records it), then given its buyer, address and status."""
    created = datetime.now(UTC) - timedelta(minutes=minutes_ago)
    order = await pay_order(session, settings, lines, paid_at=created)
    order.customer_id = buyer.id if buyer else None
    order.status, order.created_at = status, created
    order.shipping_name, order.shipping_address = "Nora Barnacle", ADDRESS
    await session.flush()
    return order


async def test_a_buyer_lists_and_opens_only_their_own_orders(
    app: FastAPI, session: AsyncSession, settings: Settings
) -> None:
    seller = await make_account(session, settings)
    ring = await make_product(session, seller)
    buyer = await make_account(session, settings, role="customer")
    stranger = await make_account(session, settings, role="customer")
    mine = [
        await make_order(session, settings, buyer, [(ring, 1)], minutes_ago=m) for m in (3, 2, 1)
    ]
    theirs = await make_order(session, settings, stranger, [(ring, 2)])

    async with api_client(app) as client:
        await log_in(client, buyer)
        first = await client.get("/api/v1/orders", params={"limit": 2})
        second = await client.get(
            "/api/v1/orders", params={"limit": 2, "cursor": first.json()["next_cursor"]}
        )
        own = await client.get(f"/api/v1/orders/{mine[0].id}")
        other = await client.get(f"/api/v1/orders/{theirs.id}")
        unknown = await client.get(f"/api/v1/orders/{uuid.uuid4()}")

    listed = [o["id"] for o in first.json()["items"] + second.json()["items"]]
    assert listed == [str(o.id) for o in reversed(mine)]
    assert second.json()["next_cursor"] is None
    assert own.status_code == 200
    assert own.json()["items"][0]["product_name"] == ring.name
    assert other.status_code == unknown.status_code == 404
    assert other.json() == other.json() | {"error": "not_found"}


async def test_orders_need_a_signed_in_buyer(client: httpx.AsyncClient) -> None:
    assert (await client.get("/api/v1/orders")).status_code == 401
    assert (await client.get(f"/api/v1/orders/{uuid.uuid4()}")).status_code == 401


async def test_a_seller_sees_paid_lines_of_their_own_products_with_the_shipping_address(
    app: FastAPI, session: AsyncSession, settings: Settings
) -> None:
    seller = await make_account(session, settings)
    rival = await make_account(session, settings)
    ring = await make_product(session, seller, name="Claddagh ring")
    theirs = await make_product(session, rival, name="Rival pendant")
    paid = await make_order(session, settings, None, [(ring, 2), (theirs, 1)])
    await make_order(session, settings, None, [(ring, 1)], status="pending")
    await make_order(session, settings, None, [(ring, 1)], status="refunded")

    async with api_client(app) as client:
        await log_in(client, seller)
        response = await client.get("/api/v1/seller/orders")
    async with api_client(app) as client:
        await log_in(client, await make_account(session, settings, role="customer"))
        customer = await client.get("/api/v1/seller/orders")

    [line] = response.json()["items"]
    assert line["order_id"] == str(paid.id)
    assert (line["product_name"], line["quantity"], line["order_status"]) == (
        "Claddagh ring",
        2,
        "paid",
    )
    assert (line["shipping_name"], line["shipping_address"]) == ("Nora Barnacle", ADDRESS)
    assert customer.status_code == 403
