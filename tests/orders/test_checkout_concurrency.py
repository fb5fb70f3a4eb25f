"""Checkout under contention, through the real endpoint: each request its own transaction on
its own pooled connection, lined up with a barrier, on committed data (INV-01..03, PAY-04)."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

from shop.db.session import MAX_RETRIES
from shop.models import Product, User
from tests.catalog.factories import log_in
from tests.conftest import api_client
from tests.helpers.faults import deadlocks
from tests.helpers.live import Live

CHECKOUT = "/api/v1/checkout"


async def _post(
    client: httpx.AsyncClient,
    barrier: asyncio.Barrier,
    lines: list[tuple[Product, int]],
    key: str | None = None,
) -> httpx.Response:
    await barrier.wait()
    return await client.post(
        CHECKOUT,
        json={"items": [{"product_id": str(p.id), "quantity": q} for p, q in lines]},
        headers={"Idempotency-Key": key or f"race-{uuid.uuid4()}"},
    )


async def test_inv_01_fifty_concurrent_checkouts_for_ten_in_stock_hold_exactly_ten(
    live: Live,
) -> None:
    _, ring = await live.seller_with_product(stock=10)
    barrier = asyncio.Barrier(50)

    async with api_client(live.app()) as client:
        answers = await asyncio.gather(*(_post(client, barrier, [(ring, 1)]) for _ in range(50)))

    codes = sorted(a.status_code for a in answers)
    assert codes == [200] * 10 + [409] * 40
    assert await live.stock(ring) == 0
    orders = await live.orders_of(ring)
    assert len(orders) == 10
    assert all(o.stock_held and o.stripe_session_id for o in orders)


async def test_inv_02_carts_locking_in_opposite_order_never_deadlock(live: Live) -> None:
    seller, first = await live.seller_with_product(stock=40)
    second = await live.product_of(seller, stock=40)
    barrier = asyncio.Barrier(20)

    async with api_client(live.app()) as client:
        answers = await asyncio.gather(
            *(
                _post(
                    client,
                    barrier,
                    [(first, 1), (second, 1)] if i % 2 else [(second, 1), (first, 1)],
                )
                for i in range(20)
            )
        )

    assert [a.status_code for a in answers] == [200] * 20
    assert (await live.stock(first), await live.stock(second)) == (20, 20)


async def test_pay_04_two_concurrent_identical_requests_make_one_order_and_equal_answers(
    live: Live,
) -> None:
    _, ring = await live.seller_with_product(stock=5)
    barrier = asyncio.Barrier(2)
    key = f"twin-{uuid.uuid4()}"

    async with api_client(live.app()) as client:
        one, two = await asyncio.gather(
            _post(client, barrier, [(ring, 2)], key), _post(client, barrier, [(ring, 2)], key)
        )

    assert one.status_code == two.status_code == 200, (one.text, two.text)
    assert one.json() == two.json()
    assert len(await live.orders_of(ring)) == 1
    assert await live.stock(ring) == 3


async def _checkout_through_deadlocks(
    live: Live, times: int, buyer: User | None = None
) -> tuple[Product, httpx.Response, int]:
    """A checkout of 2 of 5 (by `buyer`, signed in, or a guest) while its first `times` order
    inserts deadlock; the response and how many order inserts PostgreSQL saw."""
    _, ring = await live.seller_with_product(stock=5)
    async with api_client(live.app(), raise_app_exceptions=False) as client:
        if buyer is not None:
            await log_in(client, buyer)
        async with deadlocks(live.engine, "orders", times=times) as injected:
            response = await _post(client, asyncio.Barrier(1), [(ring, 2)])
            return ring, response, await injected.inserts()


@pytest.mark.parametrize("signed_in", [False, True], ids=["guest", "signed-in"])
async def test_inv_03_a_checkout_that_postgres_ends_as_a_deadlock_is_tried_again(
    live: Live, signed_in: bool
) -> None:
    buyer = await live.customer() if signed_in else None

    ring, response, inserts = await _checkout_through_deadlocks(live, times=2, buyer=buyer)

    assert response.status_code == 200, response.text
    assert inserts == 3  # two attempts rolled back, the third committed
    [order] = await live.orders_of(ring)
    assert str(order.id) == response.json()["order_id"]
    assert order.customer_id == (buyer.id if buyer else None)
    assert await live.stock(ring) == 3  # held once: the failed attempts gave theirs back


async def test_inv_03_retries_are_bounded_and_a_lasting_deadlock_changes_nothing(
    live: Live,
) -> None:
    ring, response, inserts = await _checkout_through_deadlocks(live, times=100)

    assert response.status_code == 500
    assert inserts == 1 + MAX_RETRIES
    assert await live.orders_of(ring) == []
    assert await live.stock(ring) == 5
