"""Order rules: the payment state machine (monotonic: a late or repeated event never moves an
order back), the stock hold's release, and the buyer's and seller's views."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog import cursor
from shop.config import Settings
from shop.exceptions import NotFound
from shop.models import Order, OrderItem, User
from shop.observability import get_logger
from shop.orders.repository import OrderRepository
from shop.orders.schemas import (
    OrderPage,
    OrderRead,
    PageQuery,
    SellerOrderLineRead,
    SellerOrderPage,
)
from shop.stats import service as stats_service

# The hold is live and nothing was paid yet.
UNPAID = ("pending", "awaiting_payment")
# A payment may still be turned into a sale (a released hold is taken again, INV-05).
PAYABLE = (*UNPAID, "expired", "payment_failed", "partially_refunded")
PAGE_CURSOR = "newest"  # keyset on (created_at, id), like the catalog's newest-first lists


class Fulfilment(Enum):
    PAID = "paid"
    NEEDS_REFUND = "needs_refund"
    NOTHING = "nothing"


async def lock_order(session: AsyncSession, order_id: uuid.UUID) -> Order | None:
    return await OrderRepository(session).lock(order_id)


async def order_id_for_payment_intent(
    session: AsyncSession, payment_intent: str
) -> uuid.UUID | None:
    return await OrderRepository(session).order_id_by_payment_intent(payment_intent)


async def items(session: AsyncSession, order: Order) -> list[OrderItem]:
    return await OrderRepository(session).items(order.id)


def attach_checkout(order: Order, checkout_session: dict[str, Any], now: datetime) -> None:
    """Remember what Stripe's page collected: buyer email, shipping name and address, and the
    PaymentIntent (refund events name only that)."""
    details = checkout_session.get("customer_details") or {}
    if order.email is None and details.get("email"):
        order.email = str(details["email"])
    shipping = (checkout_session.get("collected_information") or {}).get(
        "shipping_details"
    ) or checkout_session.get("shipping_details")
    if shipping and order.shipping_address is None:
        order.shipping_name = str(shipping.get("name") or "")[:200] or None
        order.shipping_address = dict(shipping.get("address") or {})
    if checkout_session.get("payment_intent") and order.stripe_payment_intent_id is None:
        order.stripe_payment_intent_id = str(checkout_session["payment_intent"])
    if order.stripe_session_id is None and checkout_session.get("id"):
        order.stripe_session_id = str(checkout_session["id"])
    order.updated_at = now


def mark_awaiting_payment(order: Order, now: datetime) -> bool:
    """Completed with a delayed method (payment_status unpaid): the hold stays."""
    if order.status != "pending":
        return False
    order.status, order.updated_at = "awaiting_payment", now
    return True


def mark_needs_review(order: Order, now: datetime) -> bool:
    """The paid amount or currency differs from the order (WH-10): nothing is fulfilled."""
    if order.status not in UNPAID:
        return False
    order.status, order.updated_at = "needs_review", now
    _log("order_needs_review", order)
    return True


async def release_hold(session: AsyncSession, order: Order, status: str, now: datetime) -> bool:
    """Give the held stock back, once: False when there was no live hold (already released by
    the sweeper, the expired event, or converted by a payment)."""
    if not order.stock_held:
        return False
    repo = OrderRepository(session)
    for item in await repo.items(order.id):  # product-id order (INV-02)
        await repo.return_stock(item.product_id, item.quantity)
    order.stock_held = False
    if order.status in UNPAID:
        order.status = status
    order.updated_at = now
    _log("order_hold_released", order, status=status)
    return True


async def fulfil(
    session: AsyncSession,
    order: Order,
    lines: Sequence[OrderItem],
    settings: Settings,
    now: datetime,
    *,
    refunded: Callable[[], Awaitable[bool]],
) -> Fulfilment:
    """Turn a paid order (with its `lines`) into a sale, once per order (WH-06). A hold that was
    released meanwhile is taken again, unless `refunded()` says the payment was refunded
    already (by an earlier attempt whose transaction then failed); if it cannot be, the caller
    refunds (INV-05)."""
    if order.paid_at is not None or order.status not in PAYABLE:
        return Fulfilment.NOTHING
    if not order.stock_held and (await refunded() or not await _retake(session, lines)):
        order.status, order.updated_at = "refund_pending", now
        _log("order_refund_pending", order)
        return Fulfilment.NEEDS_REFUND
    order.stock_held = False
    if order.status != "partially_refunded":
        order.status = "paid"
    order.paid_at = order.updated_at = now
    await stats_service.record_order_paid(session, order, lines, settings)
    if order.amount_refunded:
        # A partial refund arrived before the payment event: the rollup learns it now.
        await stats_service.record_order_refund(
            session, order, order.amount_refunded, now, settings
        )
    _log("order_paid", order)
    return Fulfilment.PAID


async def _retake(session: AsyncSession, lines: Sequence[OrderItem]) -> bool:
    """Take every line's stock again, or none of it (a savepoint)."""
    repo = OrderRepository(session)
    savepoint = await session.begin_nested()
    for item in lines:
        if not await repo.retake_stock(item.product_id, item.quantity):
            await savepoint.rollback()
            return False
    await savepoint.commit()
    return True


async def record_refund(
    session: AsyncSession, order: Order, amount_refunded: int, settings: Settings, now: datetime
) -> int:
    """Stripe's cumulative refunded amount for the order's charge; the increase (0 for a
    repeated or older event). A full refund of an order that still holds stock releases it."""
    amount = min(max(amount_refunded, 0), order.amount_total)
    increase = amount - order.amount_refunded
    if increase <= 0:
        return 0
    order.amount_refunded = amount
    order.status = "refunded" if amount == order.amount_total else "partially_refunded"
    order.updated_at = now
    if amount == order.amount_total:
        await release_hold(session, order, "refunded", now)
    if order.paid_at is not None:
        await stats_service.record_order_refund(session, order, increase, now, settings)
    _log("order_refunded", order, amount_refunded=amount)
    return increase


async def list_for_customer(
    session: AsyncSession, settings: Settings, customer: User, query: PageQuery
) -> OrderPage:
    repo = OrderRepository(session)
    after = _after(query)
    limit = query.limit or settings.order_page_size
    rows = await repo.customer_orders(customer.id, after, limit + 1)
    page = rows[:limit]
    lines = await repo.items_of([order.id for order in page])
    next_cursor = None
    if len(rows) > limit:
        next_cursor = cursor.encode(PAGE_CURSOR, page[-1].created_at, page[-1].id)
    return OrderPage(items=[_read(o, lines[o.id]) for o in page], next_cursor=next_cursor)


async def customer_order(session: AsyncSession, customer: User, order_id: uuid.UUID) -> OrderRead:
    """The buyer's own order; anyone else's is 'not found' (no hint that it exists)."""
    repo = OrderRepository(session)
    order = await repo.get(order_id)
    if order is None or order.customer_id != customer.id:
        raise NotFound("Order not found")
    return _read(order, await repo.items(order.id))


async def list_for_seller(
    session: AsyncSession, settings: Settings, seller: User, query: PageQuery
) -> SellerOrderPage:
    repo = OrderRepository(session)
    limit = query.limit or settings.order_page_size
    rows = await repo.seller_lines(seller.id, _after(query), limit + 1)
    page = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        next_cursor = cursor.encode(PAGE_CURSOR, page[-1].order.created_at, page[-1].item.id)
    items = [
        SellerOrderLineRead(
            order_id=row.order.id,
            order_status=row.order.status,
            ordered_at=row.order.created_at,
            paid_at=row.order.paid_at,
            product_id=row.item.product_id,
            product_name=row.item.product_name,
            unit_price_cents=row.item.unit_price_cents,
            quantity=row.item.quantity,
            currency=row.order.currency,
            shipping_name=row.order.shipping_name,
            shipping_address=row.order.shipping_address,
        )
        for row in page
    ]
    return SellerOrderPage(items=items, next_cursor=next_cursor)


def _after(query: PageQuery) -> tuple[datetime, uuid.UUID] | None:
    if query.cursor is None:
        return None
    key, row_id = cursor.decode(query.cursor, PAGE_CURSOR)
    assert isinstance(key, datetime)
    return key, row_id


def _read(order: Order, lines: list[OrderItem]) -> OrderRead:
    fields = {name: getattr(order, name) for name in OrderRead.model_fields if name != "items"}
    return OrderRead.model_validate({**fields, "items": lines})


def _log(event: str, order: Order, **extra: Any) -> None:
    get_logger().info(
        event.replace("_", " "),
        extra={"event": event, "order_id": str(order.id), "status": order.status, **extra},
    )
