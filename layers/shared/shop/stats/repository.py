"""Statistics queries: the rollups, added to in the payment transaction and read per seller-month
through their primary keys, so a read costs the same at a thousand or a million order lines."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Date, cast, delete, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db.base import Base
from shop.models import (
    Category,
    Order,
    OrderItem,
    OrderRefund,
    Product,
    ProductCategory,
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


_PRODUCT_KEY = ("seller_id", "month", "product_id", "currency")
_TOTAL_KEY = ("seller_id", "month", "currency")


class StatsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # Writing ------------------------------------------------------------------------------

    async def order_sales(self, order_id: uuid.UUID) -> list[Sale]:
        """The order's lines summed per seller and product, in (seller, product) order."""
        rows = await self.session.execute(
            select(
                OrderItem.seller_id,
                OrderItem.product_id,
                func.sum(OrderItem.quantity),
                func.sum(OrderItem.quantity * OrderItem.unit_price_cents),
            )
            .where(OrderItem.order_id == order_id)
            .group_by(OrderItem.seller_id, OrderItem.product_id)
            .order_by(OrderItem.seller_id, OrderItem.product_id)
        )
        return [Sale(s, p, int(u), int(c)) for s, p, u, c in rows]

    async def add_to_products(self, rows: Sequence[dict[str, Any]]) -> None:
        await self._add(SellerMonthlyStat, _PRODUCT_KEY, rows)

    async def add_to_totals(self, rows: Sequence[dict[str, Any]]) -> None:
        await self._add(SellerMonthlyTotal, _TOTAL_KEY, rows)

    async def _add(
        self, model: type[Base], key: Sequence[str], rows: Sequence[dict[str, Any]]
    ) -> None:
        """Upsert that adds to the counters. Rows go in key order, so two payments touching the
        same rows lock them in the same order and never deadlock."""
        if not rows:
            return
        ordered = sorted(rows, key=lambda row: tuple(str(row[k]) for k in key))
        statement = insert(model).values(ordered)
        counters = [name for name in ordered[0] if name not in key]
        table = model.__table__
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=list(key),
                set_={name: table.c[name] + statement.excluded[name] for name in counters},
            )
        )

    async def add_refund(self, refund: OrderRefund) -> None:
        self.session.add(refund)
        await self.session.flush()

    # Rebuilding ---------------------------------------------------------------------------

    async def clear_rollups(self) -> None:
        """Empty both rollups, locked against concurrent payments until the rebuild commits
        (readers are not blocked)."""
        await self.session.execute(
            text("LOCK TABLE seller_monthly_stats, seller_monthly_totals IN EXCLUSIVE MODE")
        )
        await self.session.execute(delete(SellerMonthlyStat))
        await self.session.execute(delete(SellerMonthlyTotal))

    async def rebuild_sales(self, timezone: str) -> None:
        """Both rollups' sales (units, gross, orders) recomputed from the lines of paid orders."""
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
                ).group_by(paid.c.seller_id, paid.c.month, paid.c.product_id, paid.c.currency),
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
                ).group_by(paid.c.seller_id, paid.c.month, paid.c.currency),
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

    async def month_totals(self, seller_id: uuid.UUID, month: date) -> list[SellerMonthlyTotal]:
        return await self.series(seller_id, month, month)

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

    async def month_products(self, seller_id: uuid.UUID, month: date) -> list[ProductMonth]:
        stat = SellerMonthlyStat
        rows = await self.session.execute(
            select(
                stat.product_id,
                Product.name,
                stat.currency,
                stat.units_sold,
                stat.gross_cents,
                stat.refunded_cents,
            )
            .join(Product, Product.id == stat.product_id)
            .where(stat.seller_id == seller_id, stat.month == month)
        )
        return [ProductMonth(*row) for row in rows]

    async def month_categories(self, seller_id: uuid.UUID, month: date) -> list[CategoryMonth]:
        """Per category the product rows of its products: a product in several categories
        counts in each (its current categories: order lines keep no category snapshot)."""
        stat = SellerMonthlyStat
        rows = await self.session.execute(
            select(
                Category.id,
                Category.slug,
                Category.name,
                stat.currency,
                func.sum(stat.units_sold),
                func.sum(stat.gross_cents),
                func.sum(stat.refunded_cents),
            )
            .join(ProductCategory, ProductCategory.product_id == stat.product_id)
            .join(Category, Category.id == ProductCategory.category_id)
            .where(stat.seller_id == seller_id, stat.month == month)
            .group_by(Category.id, stat.currency)
            .order_by(func.sum(stat.units_sold).desc(), Category.name)
        )
        return [
            CategoryMonth(i, slug, name, currency, int(units), int(gross), int(refunded))
            for i, slug, name, currency, units, gross, refunded in rows
        ]
