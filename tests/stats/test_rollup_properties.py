"""Properties of the rollups: after any sequence of payments and refunds, in any store timezone,
what was kept transaction by transaction equals a rebuild from the order lines and the refund
ledger, and the money adds up to what the orders say."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shop.config import Settings
from shop.models import (
    Category,
    Order,
    Product,
    ProductCategory,
    SellerMonthlyCategoryStat,
    SellerMonthlyStat,
    SellerMonthlyTotal,
)
from shop.stats import service as stats_service
from tests.catalog.factories import make_account, make_category, make_product
from tests.catalog.test_list_properties import examples, rolled_back
from tests.stats.factories import pay_order, refund

START = datetime(2025, 12, 20, tzinfo=UTC)  # the examples cross two month ends and a year end
TIMEZONES = ("UTC", "Europe/Paris", "Pacific/Auckland", "America/Los_Angeles")
PRICES = (999, 2_500, 10_001)


@dataclass(frozen=True)
class Pay:
    lines: tuple[tuple[int, int], ...]  # (product index, quantity)
    minutes: int  # after START


@dataclass(frozen=True)
class Refund:
    order: int  # index among the payments so far (modulo)
    share: float  # of what is still refundable
    minutes: int  # after the payment


DAY = 60 * 24
# Minutes after START; half of them within 16 hours of a month end in UTC (1 January and
# 1 February), where the store's timezone decides the month.
moments = st.integers(0, 45 * DAY) | st.builds(
    lambda boundary, offset: boundary + offset,
    st.sampled_from((12 * DAY, 43 * DAY)),
    st.integers(-16 * 60, 16 * 60),
)
pays = st.builds(
    Pay,
    st.lists(st.tuples(st.integers(0, 3), st.integers(1, 5)), min_size=1, max_size=4).map(tuple),
    moments,
)
refunds = st.builds(Refund, st.integers(0, 100), st.floats(0.01, 1.0), moments)


async def rollups(session: AsyncSession, products: list[Product]) -> tuple[object, ...]:
    """Every rollup row and the products' units_sold, as comparable values."""
    stats = await session.execute(select(SellerMonthlyStat.__table__))
    categories = await session.execute(select(SellerMonthlyCategoryStat.__table__))
    totals = await session.execute(select(SellerMonthlyTotal.__table__))
    sold = await session.execute(
        select(Product.id, Product.units_sold).where(Product.id.in_([p.id for p in products]))
    )
    return tuple(sorted(map(tuple, rows)) for rows in (stats, categories, totals, sold))


async def per_category_from_products(session: AsyncSession) -> list[tuple[object, ...]]:
    """The category rollup as the product rows say it must be (categories did not change)."""
    stat = SellerMonthlyStat
    rows = await session.execute(
        select(
            stat.seller_id,
            stat.month,
            ProductCategory.category_id,
            stat.currency,
            func.sum(stat.units_sold),
            func.sum(stat.gross_cents),
            func.sum(stat.refunded_cents),
        )
        .join(ProductCategory, ProductCategory.product_id == stat.product_id)
        .group_by(stat.seller_id, stat.month, ProductCategory.category_id, stat.currency)
    )
    return sorted(tuple(row) for row in rows)


@examples
@given(
    timezone=st.sampled_from(TIMEZONES),
    steps=st.lists(pays | refunds, min_size=1, max_size=12),
)
async def test_rollups_equal_a_rebuild_from_the_orders_and_money_adds_up(
    session: AsyncSession, settings: Settings, timezone: str, steps: list[Pay | Refund]
) -> None:
    store = settings.model_copy(update={"store_timezone": timezone})
    async with rolled_back(session):
        sellers = [await make_account(session, settings) for _ in range(2)]
        rings, gifts = await make_category(session), await make_category(session)
        # In no category, in one, in the other, in both.
        shelves: list[list[Category]] = [[], [rings], [gifts], [rings, gifts]]
        products = [
            await make_product(
                session, sellers[i % 2], price_cents=PRICES[i % 3], categories=shelves[i]
            )
            for i in range(4)
        ]
        orders: list[Order] = []
        sellers_per_order: list[int] = []
        for step in steps:
            if isinstance(step, Pay):
                lines = [(products[p], q) for p, q in step.lines]
                at = START + timedelta(minutes=step.minutes)
                orders.append(await pay_order(session, store, lines, at))
                sellers_per_order.append(len({product.seller_id for product, _ in lines}))
            elif orders:
                order = orders[step.order % len(orders)]
                cents = int((order.amount_total - order.amount_refunded) * step.share)
                if cents > 0 and order.paid_at is not None:
                    at = order.paid_at + timedelta(minutes=step.minutes)
                    await refund(session, store, order, cents, at)

        kept = await rollups(session, products)
        by_category = await per_category_from_products(session)
        await stats_service.rebuild(session, store)
        rebuilt = await rollups(session, products)

        counted, gross, refunded = (
            await session.execute(
                select(
                    func.coalesce(func.sum(SellerMonthlyTotal.orders), 0),
                    func.coalesce(func.sum(SellerMonthlyTotal.gross_cents), 0),
                    func.coalesce(func.sum(SellerMonthlyTotal.refunded_cents), 0),
                ).where(SellerMonthlyTotal.seller_id.in_([s.id for s in sellers]))
            )
        ).one()

    assert kept == rebuilt
    assert kept[1] == by_category
    assert gross == sum(o.amount_total for o in orders)
    assert refunded == sum(o.amount_refunded for o in orders)
    # An order counts once for each seller with a line in it.
    assert counted == sum(sellers_per_order)


@given(
    amount=st.integers(1, 10**9),
    weights=st.lists(st.integers(1, 10**7), min_size=1, max_size=30),
)
def test_a_refund_is_split_exactly_and_in_proportion(amount: int, weights: list[int]) -> None:
    shares = stats_service.allocate(amount, weights)

    assert sum(shares) == amount
    total = sum(weights)
    for share, weight in zip(shares, weights, strict=True):
        assert abs(share - amount * weight / total) < 1
