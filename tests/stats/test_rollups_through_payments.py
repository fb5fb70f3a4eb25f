"""The statistics issue's property, end to end: after any sequence of checkouts (POST /checkout),
payments, expiries, duplicate webhooks and refunds (signed events through the webhook Lambda),
the rollups the webhook kept equal a rebuild from the order lines, and they count exactly the
paid orders' money."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from devstack.lambda_runtime import FunctionContainer
from shop.config import Settings
from shop.models import (
    Category,
    Order,
    OrderItem,
    Product,
    ProductCategory,
    SellerMonthlyCategoryStat,
    SellerMonthlyStat,
    SellerMonthlyTotal,
)
from shop.payments import service as payments_service
from shop.stats import service as stats_service
from tests.helpers.live import Live
from tests.payments.events import (
    charge_object,
    deliver,
    event,
    placed_order,
    session_object,
    sign,
)

ROLLUPS = (SellerMonthlyStat, SellerMonthlyCategoryStat, SellerMonthlyTotal)


@dataclass(frozen=True)
class Checkout:
    lines: tuple[tuple[int, int], ...]  # (product index, quantity)


@dataclass(frozen=True)
class Deliver:
    kind: str  # what happens to order `order` (an index among the checkouts so far, modulo)
    order: int
    share: float = 1.0  # refunds: the cumulative share of the total refunded so far


@dataclass(frozen=True)
class Repeat:
    event: int  # an index among the events delivered so far (modulo)


steps = st.lists(
    st.builds(
        Checkout,
        st.lists(
            st.tuples(st.integers(0, 2), st.integers(1, 3)),
            min_size=1,
            max_size=3,
            unique_by=lambda line: line[0],
        ).map(tuple),
    )
    | st.builds(
        Deliver, st.sampled_from(("paid", "unpaid_then_paid", "expired")), st.integers(0, 9)
    )
    | st.builds(Deliver, st.just("refund"), st.integers(0, 9), st.floats(0.05, 1.0))
    | st.builds(Repeat, st.integers(0, 20)),
    min_size=2,
    max_size=10,
)


async def _rollups(session: AsyncSession, sellers: list[Any]) -> list[list[tuple[Any, ...]]]:
    return [
        sorted(
            tuple(row)
            for row in await session.execute(
                select(model.__table__).where(model.seller_id.in_(sellers))
            )
        )
        for model in ROLLUPS
    ]


async def _paid_money(session: AsyncSession, sellers: list[Any]) -> tuple[int, int]:
    """Gross and refunded over the paid orders with a line of these sellers."""
    orders = select(OrderItem.order_id).where(OrderItem.seller_id.in_(sellers))
    gross, refunded = (
        await session.execute(
            select(
                func.coalesce(func.sum(Order.amount_total), 0),
                func.coalesce(func.sum(Order.amount_refunded), 0),
            ).where(Order.id.in_(orders), Order.paid_at.is_not(None))
        )
    ).one()
    return int(gross), int(refunded)


@hypothesis_settings(
    max_examples=12,
    deadline=None,
    # A failure shrinks through the real webhook (minutes); the explain phase would replay more.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(script=steps)
async def test_what_the_webhook_kept_equals_a_rebuild_and_the_paid_orders(
    live: Live, stripe_webhook: FunctionContainer, script: list[Checkout | Deliver | Repeat]
) -> None:
    seller, first = await live.seller_with_product(stock=1_000, price_cents=2_500)
    other, second = await live.seller_with_product(stock=1_000, price_cents=7_999)
    third = await live.product_of(seller, stock=1_000, price_cents=10_000)
    products: list[Product] = [first, second, third]
    async with AsyncSession(live.engine) as session, session.begin():
        rings = (await session.scalars(select(Category).order_by(Category.name))).first()
        assert rings is not None
        for product in (first, third):  # the other seller's product is in none
            session.add(ProductCategory(product_id=product.id, category_id=rings.id))

    orders: list[Order] = []
    intents: dict[Any, str] = {}
    delivered: list[dict[str, Any]] = []

    def send(body: dict[str, Any]) -> None:
        delivered.append(body)
        assert deliver(stripe_webhook, body, live=live)["statusCode"] == 200

    for step in script:
        if isinstance(step, Checkout):
            orders.append(await placed_order(live, [(products[p], q) for p, q in step.lines]))
        elif isinstance(step, Repeat):
            if delivered:
                await asyncio.to_thread(send, delivered[step.event % len(delivered)])
        elif orders:
            order = orders[step.order % len(orders)]
            if step.kind == "refund":
                if order.id in intents:  # Stripe refunds only what a session was paid with
                    refunded = int(order.amount_total * step.share)
                    charge = charge_object(
                        intents[order.id], order.amount_total, refunded, order.currency
                    )
                    await asyncio.to_thread(send, event("charge.refunded", charge))
                continue
            intent = intents.setdefault(order.id, f"pi_{order.id.hex[:24]}")
            if step.kind == "unpaid_then_paid":
                unpaid = session_object(order, payment_status="unpaid", payment_intent=intent)
                await asyncio.to_thread(send, event("checkout.session.completed", unpaid))
                kind = "checkout.session.async_payment_succeeded"
            else:
                kind = {"paid": "checkout.session.completed"}.get(
                    step.kind, "checkout.session.expired"
                )
            body = session_object(order, payment_intent=intent)
            await asyncio.to_thread(send, event(kind, body))

    sellers = [seller.id, other.id]
    async with AsyncSession(live.engine) as session:
        kept = await _rollups(session, sellers)
        gross, refunded = await _paid_money(session, sellers)
    async with AsyncSession(live.engine) as session:  # rebuilt, compared, never committed
        await stats_service.rebuild(session, live.settings)
        rebuilt = await _rollups(session, sellers)
        await session.rollback()

    assert kept == rebuilt
    totals = kept[2]
    assert sum(row[5] for row in totals) == gross  # gross_cents
    assert sum(row[6] for row in totals) == refunded  # refunded_cents


async def test_concurrent_payments_and_checkouts_of_the_same_products_all_apply(
    live: Live, settings: Settings
) -> None:
    """Payments lock product rows (units sold) and rollup rows, checkouts lock product rows
    (stock): all in key order, so at once they never deadlock (a deadlock would be a 503)."""
    seller, ring = await live.seller_with_product(stock=1_000, price_cents=2_500)
    other, chain = await live.seller_with_product(stock=1_000, price_cents=7_999)
    async with AsyncSession(live.engine) as session, session.begin():
        categories = list(await session.scalars(select(Category).order_by(Category.name)))
        for product in (ring, chain):
            for category in categories[:2]:
                session.add(ProductCategory(product_id=product.id, category_id=category.id))
    carts = [[(ring, 1), (chain, 2)], [(chain, 1), (ring, 3)]] * 6
    orders = [await placed_order(live, cart) for cart in carts]
    payments = [event("checkout.session.completed", session_object(order)) for order in orders]
    live.events += [str(payment["id"]) for payment in payments]

    async def pay(body: dict[str, Any]) -> int:
        payload = json.dumps(body)
        result = await payments_service.handle(
            payload.encode(), sign(payload), settings=settings, database=live.database
        )
        return result.status_code

    answers = await asyncio.gather(
        *(pay(payment) for payment in payments),
        *(placed_order(live, cart) for cart in carts),
    )

    assert answers[: len(payments)] == [200] * len(payments)
    sellers = [seller.id, other.id]
    async with AsyncSession(live.engine) as session:
        kept = await _rollups(session, sellers)
        units = await session.scalar(
            select(func.sum(SellerMonthlyStat.units_sold)).where(
                SellerMonthlyStat.seller_id.in_(sellers)
            )
        )
    async with AsyncSession(live.engine) as session:
        await stats_service.rebuild(session, live.settings)
        assert await _rollups(session, sellers) == kept
        await session.rollback()
    assert units == 6 * (3 + 4)
    assert len(kept[1]) == 4  # category rows: two sellers x two categories
