"""The mails an order change sends, decided in the transaction and sent after it commits."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shop.mail import messages
from shop.mail.outbox import Outgoing
from shop.models import Order, OrderItem
from shop.orders.repository import OrderRepository

ADDRESS_FIELDS = ("line1", "line2")


def order_reference(order: Order) -> str:
    """Short enough to read out on the phone; the full id is in the API."""
    return str(order.id)[:8].upper()


def shipping_lines(order: Order) -> list[str]:
    address: dict[str, Any] = order.shipping_address or {}
    city = " ".join(str(address[k]) for k in ("postal_code", "city") if address.get(k))
    lines = [order.shipping_name, *(address.get(k) for k in ADDRESS_FIELDS), city]
    lines += [address.get("state"), address.get("country")]
    return [str(line) for line in lines if line] or ["(no shipping address given)"]


async def paid(session: AsyncSession, order: Order, items: list[OrderItem]) -> list[Outgoing]:
    """The buyer's confirmation and one mail per seller with only their own lines."""
    ref, shipping = order_reference(order), shipping_lines(order)
    mails: list[Outgoing] = []
    if order.email:
        lines = [(i.product_name, i.quantity, i.unit_price_cents) for i in items]
        message = messages.order_confirmation(
            ref, lines, order.amount_total, order.currency, shipping
        )
        mails.append(Outgoing(order.email, message))
    return mails + await _to_sellers(
        session,
        items,
        lambda own: messages.seller_new_order(ref, own, order.currency, shipping),
    )


async def refunded_unavailable(
    session: AsyncSession, order: Order, items: list[OrderItem]
) -> list[Outgoing]:
    """A payment that came too late for sold-out stock (INV-05): the buyer learns of the refund,
    each seller that nothing is to be shipped."""
    ref = order_reference(order)
    mails: list[Outgoing] = []
    if order.email:
        message = messages.order_refunded_unavailable(ref, order.amount_total, order.currency)
        mails.append(Outgoing(order.email, message))
    return mails + await _to_sellers(
        session, items, lambda own: messages.seller_order_unfilled(ref, own, order.currency)
    )


async def _to_sellers(
    session: AsyncSession,
    items: list[OrderItem],
    compose: Callable[[list[messages.OrderLine]], messages.Message],
) -> list[Outgoing]:
    """One mail per seller of the order, composed from only that seller's lines."""
    by_seller: dict[uuid.UUID, list[messages.OrderLine]] = defaultdict(list)
    for item in items:
        by_seller[item.seller_id].append((item.product_name, item.quantity, item.unit_price_cents))
    return [
        Outgoing(email, compose(by_seller[seller_id]))
        for seller_id, email in await OrderRepository(session).seller_emails(list(by_seller))
    ]


def payment_failed(order: Order) -> list[Outgoing]:
    if not order.email:
        return []
    return [Outgoing(order.email, messages.order_payment_failed(order_reference(order)))]
