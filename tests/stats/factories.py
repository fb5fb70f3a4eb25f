"""Paid orders and refunds as the payment webhook records them, for statistics tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shop.config import Settings
from shop.models import Order, OrderItem, Product
from shop.stats import service as stats_service
from tests.factories import unique_email


async def pay_order(
    session: AsyncSession,
    settings: Settings,
    lines: Sequence[tuple[Product, int]],
    paid_at: datetime,
) -> Order:
    """An order of (product, quantity) lines at the products' prices, paid at `paid_at`."""
    order = Order(
        email=unique_email("buyer"),
        amount_total=sum(product.price_cents * quantity for product, quantity in lines),
        currency=lines[0][0].currency,
        status="paid",
        paid_at=paid_at,
    )
    session.add(order)
    await session.flush()
    items = [
        OrderItem(
            order_id=order.id,
            product_id=product.id,
            seller_id=product.seller_id,
            product_name=product.name,
            unit_price_cents=product.price_cents,
            quantity=quantity,
        )
        for product, quantity in lines
    ]
    session.add_all(items)
    await session.flush()
    await stats_service.record_order_paid(session, order, items, settings)
    return order


async def refund(
    session: AsyncSession, settings: Settings, order: Order, cents: int, at: datetime
) -> None:
    order.amount_refunded += cents
    order.status = (
        "refunded" if order.amount_refunded == order.amount_total else "partially_refunded"
    )
    await session.flush()
    await stats_service.record_order_refund(session, order, cents, at, settings)
