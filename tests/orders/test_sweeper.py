"""The reservation sweeper gives abandoned holds back once, however many sweepers and expired
events race for them (INV-04), and ends their Stripe sessions."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from devstack.lambda_runtime import SCHEDULED_EVENT, FunctionContainer
from devstack.stripe_emulator import StripeEmulator
from shop.config import Settings
from shop.models import Order
from shop.orders import sweeper
from tests.helpers.live import Live
from tests.payments.events import deliver, event, placed_order, session_object


def later(minutes: int) -> datetime:
    return datetime.now(UTC) + timedelta(minutes=minutes)


async def test_inv_04_a_hold_past_its_time_is_restored_once_and_its_session_expired(
    live: Live, settings: Settings, stripe_emulator: StripeEmulator
) -> None:
    _, ring = await live.seller_with_product(stock=3)
    order = await placed_order(live, [(ring, 2)])
    assert order.stripe_session_id is not None

    early = await sweeper.sweep(settings, database=live.database, now=later(34))
    held = await live.stock(ring)
    first = await sweeper.sweep(settings, database=live.database, now=later(36))
    again = await sweeper.sweep(settings, database=live.database, now=later(37))
    stripe_emulator.wait_for_deliveries()

    assert (early, held) == (0, 1)
    assert first >= 1
    assert again == 0
    assert await live.stock(ring) == 3
    assert (await live.order(order.id)).status == "expired"
    assert stripe_emulator.session(order.stripe_session_id)["status"] == "expired"


async def test_inv_04_two_sweepers_at_once_restore_once(live: Live, settings: Settings) -> None:
    _, ring = await live.seller_with_product(stock=10)
    for _ in range(6):
        await placed_order(live, [(ring, 1)])

    await asyncio.gather(
        *(sweeper.sweep(settings, database=live.database, now=later(36)) for _ in range(2))
    )

    assert await live.stock(ring) == 10


async def test_inv_04_an_expired_event_after_the_sweeper_releases_nothing_more(
    live: Live, settings: Settings, stripe_webhook: FunctionContainer
) -> None:
    _, ring = await live.seller_with_product(stock=2)
    order = await placed_order(live, [(ring, 2)])
    await sweeper.sweep(settings, database=live.database, now=later(36))

    response = deliver(
        stripe_webhook, event("checkout.session.expired", session_object(order)), live=live
    )

    assert response["statusCode"] == 200
    assert await live.stock(ring) == 2


async def test_an_order_awaiting_a_delayed_payment_keeps_its_hold(
    live: Live, settings: Settings, stripe_webhook: FunctionContainer
) -> None:
    _, ring = await live.seller_with_product(stock=2)
    order = await placed_order(live, [(ring, 1)])
    unpaid = session_object(order, payment_status="unpaid")
    deliver(stripe_webhook, event("checkout.session.completed", unpaid), live=live)

    await sweeper.sweep(settings, database=live.database, now=later(36))

    assert (await live.order(order.id)).status == "awaiting_payment"
    assert await live.stock(ring) == 1


async def test_the_sweeper_lambda_releases_holds_past_their_time(live: Live) -> None:
    _, ring = await live.seller_with_product(stock=2)
    order = await placed_order(live, [(ring, 2)])
    async with AsyncSession(live.engine) as session, session.begin():
        await session.execute(
            update(Order).where(Order.id == order.id).values(reserved_until=later(-1))
        )
    container = FunctionContainer("functions.reservation_sweeper.handler:handler")
    try:
        result = container.invoke(SCHEDULED_EVENT)
    finally:
        container.close()

    assert result["released"] >= 1
    assert (await live.order(order.id)).status == "expired"
    assert await live.stock(ring) == 2
