"""Seller statistics. The rollups change only in the transaction that marks an order paid or
records a refund (`record_order_paid`, `record_order_refund`); reads never touch order lines.

What counts: an order's lines in the month it was paid (store timezone); a refund lowers income
in the month it happened, spread over the order's lines in proportion to their amounts.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import service as catalog_service
from shop.config import Settings
from shop.exceptions import ShopError
from shop.models import Order, OrderItem, OrderRefund
from shop.stats.repository import CategoryMonth, ProductMonth, Sale, StatsRepository, sales_of
from shop.stats.schemas import (
    Amounts,
    CategoryStats,
    Income,
    MonthPoint,
    MonthStats,
    ProductIncome,
    ProductUnits,
    Series,
)


class InvalidMonthRange(ShopError):
    status_code = 422
    code = "invalid_month_range"


# Writing ------------------------------------------------------------------------------------


async def record_order_paid(
    session: AsyncSession, order: Order, items: Sequence[OrderItem], settings: Settings
) -> None:
    """Add a paid order (with its lines, `items`) to the rollups (units, gross, one order per
    seller) in the month of `order.paid_at`. Call once per order, in the transaction that sets
    `paid_at`."""
    if order.paid_at is None:
        raise ValueError("record_order_paid needs the order's paid_at")
    repo = StatsRepository(session)
    sales = sales_of(items)
    month = month_of(order.paid_at, settings.store_zone)
    await _add(repo, sales, month, order.currency, [Counts(s.units, s.cents, 0) for s in sales], 1)
    await catalog_service.add_units_sold(session, {s.product_id: s.units for s in sales})


async def record_order_refund(
    session: AsyncSession, order: Order, refunded_cents: int, at: datetime, settings: Settings
) -> None:
    """Record money given back on an order (`refunded_cents`: what this refund adds, not the
    running total) and lower the income of the month of `at`. Call in the transaction that
    raises `order.amount_refunded`."""
    if refunded_cents <= 0:
        raise ValueError("a refund adds a positive amount")
    repo = StatsRepository(session)
    await repo.add_refund(
        OrderRefund(order_id=order.id, amount_cents=refunded_cents, refunded_at=at)
    )
    await _apply_refund(
        repo, order.id, order.currency, refunded_cents, month_of(at, settings.store_zone)
    )


async def _apply_refund(
    repo: StatsRepository, order_id: uuid.UUID, currency: str, amount: int, month: date
) -> None:
    sales = await repo.order_sales(order_id)
    shares = allocate(amount, [sale.cents for sale in sales])
    await _add(repo, sales, month, currency, [Counts(0, 0, share) for share in shares], 0)


@dataclass(frozen=True, slots=True)
class Counts:
    """What one (seller, product) line of an order adds to the rollups."""

    units_sold: int
    gross_cents: int
    refunded_cents: int


async def _add(
    repo: StatsRepository,
    sales: Sequence[Sale],
    month: date,
    currency: str,
    counts: Sequence[Counts],
    orders: int,
) -> None:
    """Add `counts` (one per sale) to the product, category and seller rollups of `month`;
    each seller's total also gains `orders` (1 for a payment, 0 for a refund)."""
    product_rows = [
        _product_row(sale, month, currency, **asdict(added))
        for sale, added in zip(sales, counts, strict=True)
    ]
    await repo.add_to_products(product_rows)
    await repo.add_to_categories(product_rows)
    per_seller: dict[uuid.UUID, dict[str, int]] = {}
    for sale, added in zip(sales, counts, strict=True):
        total = per_seller.setdefault(sale.seller_id, dict.fromkeys(asdict(added), 0))
        for name, value in asdict(added).items():
            total[name] += value
    await repo.add_to_totals(
        [
            _total_row(seller_id, month, currency, orders=orders, **totals)
            for seller_id, totals in per_seller.items()
        ]
    )


def allocate(amount: int, weights: Sequence[int]) -> list[int]:
    """Split `amount` in proportion to `weights`, exactly (largest remainder; ties go to the
    earlier weight), so the shares always add up to the amount."""
    total = sum(weights)
    shares = [amount * weight // total for weight in weights]
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(amount * weights[i] % total), i))
    for i in by_remainder[: amount - sum(shares)]:
        shares[i] += 1
    return shares


def _total_row(seller_id: uuid.UUID, month: date, currency: str, **counters: int) -> dict[str, Any]:
    return {
        "seller_id": seller_id,
        "month": month,
        "currency": currency,
        **counters,
    }


def _product_row(sale: Sale, month: date, currency: str, **counters: int) -> dict[str, Any]:
    return {
        **_total_row(sale.seller_id, month, currency, **counters),
        "product_id": sale.product_id,
    }


async def rebuild(session: AsyncSession, settings: Settings) -> int:
    """Recompute every rollup (and products' units_sold) from paid orders and the refund
    ledger, e.g. after a migration or a bug fix. Returns the number of refunds replayed."""
    repo = StatsRepository(session)
    await repo.clear_rollups()
    await repo.rebuild_sales(settings.store_timezone)
    refunds = await repo.refunds()
    for refund, currency in refunds:
        month = month_of(refund.refunded_at, settings.store_zone)
        await _apply_refund(repo, refund.order_id, currency, refund.amount_cents, month)
    await catalog_service.recount_units_sold(session)
    return len(refunds)


# Reading ------------------------------------------------------------------------------------


def month_of(at: datetime, zone: ZoneInfo) -> date:
    """The first day of the month `at` falls in, on the store's calendar."""
    return at.astimezone(zone).date().replace(day=1)


def parse_month(text: str) -> date:
    """YYYY-MM (the router checks the shape) as the month's first day."""
    year, month = text.split("-")
    return date(int(year), int(month), 1)


def _month_text(month: date) -> str:
    return f"{month:%Y-%m}"


def _months(first: date, last: date) -> list[date]:
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [
        date(first.year + (first.month - 1 + i) // 12, (first.month - 1 + i) % 12 + 1, 1)
        for i in range(count)
    ]


def _average(gross: int, orders: int) -> int:
    return (2 * gross + orders) // (2 * orders) if orders else 0


def _amounts(currency: str, gross: int, refunded: int) -> Amounts:
    return Amounts(
        currency=currency, gross_cents=gross, refunded_cents=refunded, net_cents=gross - refunded
    )


async def month_stats(
    session: AsyncSession, settings: Settings, seller_id: uuid.UUID, month_text: str
) -> MonthStats:
    month = parse_month(month_text)
    found = await StatsRepository(session).month(seller_id, month, settings.stats_best_sellers)
    totals = found.totals
    return MonthStats(
        month=month_text,
        timezone=settings.store_timezone,
        orders=sum(t.orders for t in totals),
        units_sold=sum(t.units_sold for t in totals),
        income=[
            Income(
                **_amounts(t.currency, t.gross_cents, t.refunded_cents).model_dump(),
                orders=t.orders,
                average_order_cents=_average(t.gross_cents, t.orders),
            )
            for t in totals
        ],
        categories=_category_stats(found.categories),
        best_sellers_by_units=_units(found.by_units),
        best_sellers_by_income=[_income(row) for row in found.by_net if row.gross_cents],
    )


def _category_stats(rows: Iterable[CategoryMonth]) -> list[CategoryStats]:
    merged: dict[uuid.UUID, CategoryStats] = {}
    for row in rows:  # a second currency adds to the same category entry
        entry = merged.setdefault(
            row.category_id,
            CategoryStats(
                category_id=row.category_id, slug=row.slug, name=row.name, units_sold=0, income=[]
            ),
        )
        entry.units_sold += row.units_sold
        entry.income.append(_amounts(row.currency, row.gross_cents, row.refunded_cents))
    return sorted(merged.values(), key=lambda c: (-c.units_sold, c.name))


def _units(rows: Iterable[ProductMonth]) -> list[ProductUnits]:
    """Rows ranked by units; a product sold in two currencies that month has a row in each
    and is listed once, with the units of its rows among these."""
    units: dict[uuid.UUID, ProductUnits] = {}
    for row in rows:
        entry = units.setdefault(
            row.product_id, ProductUnits(product_id=row.product_id, name=row.name, units_sold=0)
        )
        entry.units_sold += row.units_sold
    return [p for p in units.values() if p.units_sold > 0]


def _income(row: ProductMonth) -> ProductIncome:
    return ProductIncome(
        **_amounts(row.currency, row.gross_cents, row.refunded_cents).model_dump(),
        product_id=row.product_id,
        name=row.name,
        units_sold=row.units_sold,
    )


async def series(
    session: AsyncSession,
    settings: Settings,
    seller_id: uuid.UUID,
    from_text: str,
    to_text: str,
) -> Series:
    """One point per month and currency from `from_text` to `to_text`, months without sales
    as zeros (in the store's first currency when the range has no sales at all)."""
    first, last = parse_month(from_text), parse_month(to_text)
    months = _months(first, last) if first <= last else []
    if not months:
        raise InvalidMonthRange("'from' must not be after 'to'")
    if len(months) > settings.stats_series_max_months:
        raise InvalidMonthRange(f"at most {settings.stats_series_max_months} months per request")
    rows = {
        (t.month, t.currency): t
        for t in await StatsRepository(session).series(seller_id, first, last)
    }
    currencies = sorted({currency for _, currency in rows}) or settings.catalog_currencies[:1]
    points = []
    for month in months:
        for currency in currencies:
            total = rows.get((month, currency))
            orders, units, gross, refunded = (
                (total.orders, total.units_sold, total.gross_cents, total.refunded_cents)
                if total is not None
                else (0, 0, 0, 0)
            )
            points.append(
                MonthPoint(
                    **_amounts(currency, gross, refunded).model_dump(),
                    month=_month_text(month),
                    orders=orders,
                    units_sold=units,
                    average_order_cents=_average(gross, orders),
                )
            )
    return Series(
        from_month=from_text, to_month=to_text, timezone=settings.store_timezone, months=points
    )
