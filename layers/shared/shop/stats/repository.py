"""Statistics queries: the rollups, added to in the payment transaction and read per seller-month
through their primary keys, so a read costs the same at a thousand or a million order lines."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import JSON, Date, cast, column, delete, func, select, text
from sqlalchemy.dialects.postgresql import Insert, insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db.base import Base, table_of
from shop.models import (
    Order,
    OrderItem,
    OrderRefund,
    ProductCategory,
    SellerMonthlyCategoryStat,
    SellerMonthlyStat,
    SellerMonthlyTotal,
)


@dataclass(frozen=True, slots=True)
class Sale:
    """One seller's units and amount of one product in one order."""

    seller_id: uuid.UUID
    product_id: uuid.UUID
    units: int
    cents: int


@dataclass(frozen=True, slots=True)
class ProductMonth:
    product_id: uuid.UUID
    name: str
    currency: str
    units_sold: int
    gross_cents: int
    refunded_cents: int


@dataclass(frozen=True, slots=True)
class CategoryMonth:
    category_id: uuid.UUID
    slug: str
    name: str
    currency: str
    units_sold: int
    gross_cents: int
    refunded_cents: int


def sales_of(items: Iterable[OrderItem]) -> list[Sale]:
    """An order's lines summed per seller and product, in (seller, product) order: what a
    payment or a refund adds to the rollups, line by line."""
    summed: dict[tuple[uuid.UUID, uuid.UUID], tuple[int, int]] = {}
    for item in items:
        units, cents = summed.get((item.seller_id, item.product_id), (0, 0))
        summed[item.seller_id, item.product_id] = (
            units + item.quantity,
            cents + item.quantity * item.unit_price_cents,
        )
    return [Sale(s, p, units, cents) for (s, p), (units, cents) in sorted(summed.items())]


_PRODUCT_KEY = ("seller_id", "month", "product_id", "currency")
_CATEGORY_KEY = ("seller_id", "month", "category_id", "currency")
_TOTAL_KEY = ("seller_id", "month", "currency")
_REBUILD_WORK_MEM = "256MB"  # the rebuild's groupings sort in memory, not on disk
_COUNTERS = ("units_sold", "gross_cents", "refunded_cents")


def _adding(model: type[Base], key: Sequence[str], counters: Sequence[str]) -> Insert:
    """INSERT ... ON CONFLICT (key) DO UPDATE that adds each counter to the stored one."""
    table = table_of(model)
    statement = insert(table)
    return statement.on_conflict_do_update(
        index_elements=list(key),
        set_={name: table.c[name] + statement.excluded[name] for name in counters},
    )


_ADD_TO_PRODUCTS = _adding(SellerMonthlyStat, _PRODUCT_KEY, _COUNTERS)
# Grouped and inserted in key order (month and currency are one per call), like `_adding`'s.
_ADD_TO_CATEGORIES = text(
    """
    INSERT INTO seller_monthly_category_stats AS t
      (seller_id, month, category_id, currency, units_sold, gross_cents, refunded_cents)
    SELECT s.seller_id, CAST(:month AS date), pc.category_id, CAST(:currency AS varchar),
           sum(s.units_sold), sum(s.gross_cents), sum(s.refunded_cents)
      FROM unnest(CAST(:sellers AS uuid[]), CAST(:products AS uuid[]),
                  CAST(:units_sold AS bigint[]), CAST(:gross_cents AS bigint[]),
                  CAST(:refunded_cents AS bigint[]))
           AS s (seller_id, product_id, units_sold, gross_cents, refunded_cents)
      JOIN product_categories pc ON pc.product_id = s.product_id
     GROUP BY s.seller_id, pc.category_id
     ORDER BY s.seller_id, pc.category_id
    ON CONFLICT (seller_id, month, category_id, currency) DO UPDATE SET
      units_sold = t.units_sold + excluded.units_sold,
      gross_cents = t.gross_cents + excluded.gross_cents,
      refunded_cents = t.refunded_cents + excluded.refunded_cents
    """
)
_ADD_TO_TOTALS = _adding(SellerMonthlyTotal, _TOTAL_KEY, (*_COUNTERS, "orders"))


class StatsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # Writing ------------------------------------------------------------------------------

    async def order_sales(self, order_id: uuid.UUID) -> list[Sale]:
        """The order's lines summed per seller and product (`sales_of`)."""
        return sales_of(
            await self.session.scalars(select(OrderItem).where(OrderItem.order_id == order_id))
        )

    async def add_to_products(self, rows: Sequence[dict[str, Any]]) -> None:
        await self._add(_ADD_TO_PRODUCTS, _PRODUCT_KEY, rows)

    async def add_to_categories(self, product_rows: Sequence[dict[str, Any]]) -> None:
        """Each product row (one month and currency) again under every category the product
        is in, summed per category: the categories are joined in the same statement."""
        if not product_rows:
            return
        first = product_rows[0]
        await self.session.execute(
            _ADD_TO_CATEGORIES,
            {
                "month": first["month"],
                "currency": first["currency"],
                "sellers": [row["seller_id"] for row in product_rows],
                "products": [row["product_id"] for row in product_rows],
                **{name: [row[name] for row in product_rows] for name in _COUNTERS},
            },
        )

    async def add_to_totals(self, rows: Sequence[dict[str, Any]]) -> None:
        await self._add(_ADD_TO_TOTALS, _TOTAL_KEY, rows)

    async def _add(
        self, statement: Insert, key: Sequence[str], rows: Sequence[dict[str, Any]]
    ) -> None:
        """Upsert that adds to the counters; rows with the same key are summed first (one
        statement may touch a row once). Rows go in key order, so two payments touching the
        same rows lock them in the same order and never deadlock."""
        merged: dict[tuple[Any, ...], dict[str, Any]] = {}
        for row in rows:
            found = merged.get(row_key := tuple(row[k] for k in key))
            if found is None:
                merged[row_key] = dict(row)
            else:
                for name, value in row.items():
                    if name not in key:
                        found[name] += value
        if merged:
            # executemany of one prepared statement: compiled once per container.
            await self.session.execute(
                statement, [merged[k] for k in sorted(merged, key=lambda k: tuple(map(str, k)))]
            )

    async def add_refund(self, refund: OrderRefund) -> None:
        self.session.add(refund)
        await self.session.flush()

    # Rebuilding ---------------------------------------------------------------------------

    async def clear_rollups(self) -> None:
        """Empty the rollups, locked against concurrent payments until the rebuild commits
        (readers are not blocked). A rebuild reads every order line: the request statement
        timeout (DB_STATEMENT_TIMEOUT_MS) does not apply to it, and it may sort in memory."""
        await self.session.execute(text("SET LOCAL statement_timeout = 0"))
        await self.session.execute(text(f"SET LOCAL work_mem = '{_REBUILD_WORK_MEM}'"))
        await self.session.execute(
            text(
                "LOCK TABLE seller_monthly_stats, seller_monthly_category_stats,"
                " seller_monthly_totals IN EXCLUSIVE MODE"
            )
        )
        for model in (SellerMonthlyStat, SellerMonthlyCategoryStat, SellerMonthlyTotal):
            await self.session.execute(delete(model))

    async def rebuild_sales(self, timezone: str) -> None:
        """Every rollup's sales (units, gross, orders) recomputed from the lines of paid orders;
        refunds are replayed afterwards."""
        month = cast(func.date_trunc("month", func.timezone(timezone, Order.paid_at)), Date)
        paid = (
            select(
                OrderItem.seller_id,
                month.label("month"),
                OrderItem.product_id,
                Order.currency,
                OrderItem.order_id,
                OrderItem.quantity,
                (OrderItem.quantity * OrderItem.unit_price_cents).label("cents"),
            )
            .join(Order, Order.id == OrderItem.order_id)
            .where(Order.paid_at.is_not(None))
            .cte("paid")
        )
        # Inserted in key order: the rollups' indexes then fill page after page (about twice as
        # fast as in hash order at a million lines).
        by_product = (paid.c.seller_id, paid.c.month, paid.c.product_id, paid.c.currency)
        by_category = (
            paid.c.seller_id,
            paid.c.month,
            ProductCategory.category_id,
            paid.c.currency,
        )
        by_total = (paid.c.seller_id, paid.c.month, paid.c.currency)
        await self.session.execute(
            insert(SellerMonthlyStat).from_select(
                [*_PRODUCT_KEY, "units_sold", "gross_cents"],
                select(
                    paid.c.seller_id,
                    paid.c.month,
                    paid.c.product_id,
                    paid.c.currency,
                    func.sum(paid.c.quantity),
                    func.sum(paid.c.cents),
                )
                .group_by(*by_product)
                .order_by(*by_product),
            )
        )
        await self.session.execute(
            insert(SellerMonthlyCategoryStat).from_select(
                [*_CATEGORY_KEY, "units_sold", "gross_cents"],
                select(
                    paid.c.seller_id,
                    paid.c.month,
                    ProductCategory.category_id,
                    paid.c.currency,
                    func.sum(paid.c.quantity),
                    func.sum(paid.c.cents),
                )
                .join(ProductCategory, ProductCategory.product_id == paid.c.product_id)
                .group_by(*by_category)
                .order_by(*by_category),
            )
        )
        await self.session.execute(
            insert(SellerMonthlyTotal).from_select(
                [*_TOTAL_KEY, "orders", "units_sold", "gross_cents"],
                select(
                    paid.c.seller_id,
                    paid.c.month,
                    paid.c.currency,
                    func.count(paid.c.order_id.distinct()),
                    func.sum(paid.c.quantity),
                    func.sum(paid.c.cents),
                )
                .group_by(*by_total)
                .order_by(*by_total),
            )
        )

    async def refunds(self) -> list[tuple[OrderRefund, str]]:
        """Every refund with its order's currency, oldest first."""
        rows = await self.session.execute(
            select(OrderRefund, Order.currency)
            .join(Order, Order.id == OrderRefund.order_id)
            .order_by(OrderRefund.refunded_at, OrderRefund.id)
        )
        return [(refund, currency) for refund, currency in rows]

    # Reading ------------------------------------------------------------------------------

    async def series(
        self, seller_id: uuid.UUID, first: date, last: date
    ) -> list[SellerMonthlyTotal]:
        rows = await self.session.execute(
            select(SellerMonthlyTotal)
            .where(
                SellerMonthlyTotal.seller_id == seller_id,
                SellerMonthlyTotal.month.between(first, last),
            )
            .order_by(SellerMonthlyTotal.month, SellerMonthlyTotal.currency)
        )
        return list(rows.scalars())

    async def month(self, seller_id: uuid.UUID, month: date, best: int) -> Month:
        """A seller's month in one round trip: totals per currency, category rows, and the
        first `best` product rows by units and (per currency) by net income."""
        row = (
            await self.session.execute(_MONTH, {"seller": seller_id, "month": month, "best": best})
        ).one()
        return Month(
            totals=[SellerMonthlyTotal(seller_id=seller_id, month=month, **t) for t in row[0]],
            categories=[
                CategoryMonth(**c | {"category_id": uuid.UUID(c["category_id"])}) for c in row[1]
            ],
            by_units=[_product(p) for p in row[2]],
            by_net=[_product(p) for p in row[3]],
        )


def _product(fields: dict[str, Any]) -> ProductMonth:
    return ProductMonth(**fields | {"product_id": uuid.UUID(fields["product_id"])})


@dataclass(frozen=True, slots=True)
class Month:
    totals: list[SellerMonthlyTotal]
    categories: list[CategoryMonth]
    by_units: list[ProductMonth]
    by_net: list[ProductMonth]


# The best-seller subqueries read the first rows of ix_seller_monthly_stats_by_units and
# ix_seller_monthly_stats_by_net (an incremental sort settles ties), whatever the seller sold.
_PRODUCT_FIELDS = """json_build_object('product_id', s.product_id, 'name', p.name,
    'currency', s.currency, 'units_sold', s.units_sold, 'gross_cents', s.gross_cents,
    'refunded_cents', s.refunded_cents)"""
_MONTH = text(
    f"""
    SELECT
      (SELECT coalesce(json_agg(json_build_object('currency', t.currency, 'orders', t.orders,
                'units_sold', t.units_sold, 'gross_cents', t.gross_cents,
                'refunded_cents', t.refunded_cents) ORDER BY t.currency), '[]')
         FROM seller_monthly_totals t
         WHERE t.seller_id = :seller AND t.month = :month) AS totals,
      (SELECT coalesce(json_agg(json_build_object('category_id', c.id, 'slug', c.slug,
                'name', c.name, 'currency', s.currency, 'units_sold', s.units_sold,
                'gross_cents', s.gross_cents, 'refunded_cents', s.refunded_cents)), '[]')
         FROM seller_monthly_category_stats s JOIN categories c ON c.id = s.category_id
         WHERE s.seller_id = :seller AND s.month = :month) AS categories,
      (SELECT coalesce(json_agg(b.row ORDER BY b.units_sold DESC, b.name, b.product_id), '[]')
         FROM (SELECT {_PRODUCT_FIELDS} AS row, s.units_sold, p.name, s.product_id
               FROM seller_monthly_stats s JOIN products p ON p.id = s.product_id
               WHERE s.seller_id = :seller AND s.month = :month
               ORDER BY s.units_sold DESC, p.name, s.product_id LIMIT :best) b) AS by_units,
      (SELECT coalesce(json_agg(b.row ORDER BY t.currency, b.net DESC, b.name, b.product_id),
                       '[]')
         FROM seller_monthly_totals t CROSS JOIN LATERAL (
               SELECT {_PRODUCT_FIELDS} AS row, s.gross_cents - s.refunded_cents AS net,
                      p.name, s.product_id
               FROM seller_monthly_stats s JOIN products p ON p.id = s.product_id
               WHERE s.seller_id = :seller AND s.month = :month AND s.currency = t.currency
               ORDER BY s.gross_cents - s.refunded_cents DESC, p.name, s.product_id
               LIMIT :best) b
         WHERE t.seller_id = :seller AND t.month = :month) AS by_net
    """
).columns(
    column("totals", JSON),
    column("categories", JSON),
    column("by_units", JSON),
    column("by_net", JSON),
)
