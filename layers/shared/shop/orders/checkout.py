"""Checkout: a pending order with price snapshots and stock held in one transaction, then (after
the router commits it) a Stripe Checkout Session built from those snapshots."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from shop.config import Settings
from shop.exceptions import Conflict, ShopError
from shop.models import Order, OrderItem, User
from shop.observability import get_logger
from shop.orders.repository import HeldLine, OrderRepository
from shop.orders.schemas import CheckoutCreate, CheckoutRead
from shop.payments.stripe_api import StripeGateway

GUEST_SCOPE = "guest"


class CartUnavailable(Conflict):
    code = "cart_unavailable"


class MixedCurrencies(ShopError):
    status_code = 409
    code = "mixed_currencies"


class IdempotencyKeyReused(ShopError):
    status_code = 422
    code = "idempotency_key_reused"


class CheckoutClosed(Conflict):
    code = "checkout_closed"


@dataclass(frozen=True, slots=True)
class PendingCheckout:
    order: Order
    items: list[OrderItem]
    customer_email: str | None


def request_hash(cart: CheckoutCreate) -> str:
    lines = sorted((str(line.product_id), line.quantity) for line in cart.items)
    return hashlib.sha256(json.dumps(lines).encode()).hexdigest()


async def start(
    session: AsyncSession,
    settings: Settings,
    buyer: User | None,
    key: str,
    cart: CheckoutCreate,
    now: datetime,
) -> PendingCheckout:
    """The order this Idempotency-Key stands for: placed now, or the one placed before. The key
    is claimed before anything else, so a repeat never touches stock and a new request needs
    no savepoint to give its hold back to a concurrent twin."""
    repo = OrderRepository(session)
    scope = f"user:{buyer.id}" if buyer else GUEST_SCOPE
    digest = request_hash(cart)
    email = buyer.email if buyer else None
    order_id = uuid.uuid4()
    # Past its lifetime a key starts a new order (its row is taken over).
    fresh_after = now - timedelta(seconds=settings.checkout_idempotency_ttl_seconds)
    if await repo.claim_checkout_request(scope, key, digest, order_id, now, fresh_after):
        # A line that cannot be served raises: the request's rollback undoes the key too.
        order, items = await _place(repo, settings, buyer, cart, now, order_id)
        return PendingCheckout(order, items, email)
    existing = await repo.checkout_request(scope, key)
    assert existing is not None  # the claim's conflict locked this row until our commit
    if existing.request_hash != digest:
        raise IdempotencyKeyReused("This Idempotency-Key was used for another cart")
    placed = await repo.get(existing.order_id)
    assert placed is not None  # the key row cascades with its order
    return PendingCheckout(placed, await repo.items(placed.id), email)


async def _place(
    repo: OrderRepository,
    settings: Settings,
    buyer: User | None,
    cart: CheckoutCreate,
    now: datetime,
    order_id: uuid.UUID,
) -> tuple[Order, list[OrderItem]]:
    # Product-id order: two carts sharing products lock their rows in the same order (INV-02).
    lines = sorted(cart.items, key=lambda line: line.product_id)
    held: list[tuple[HeldLine, int]] = []
    for line in lines:
        taken = await repo.take_stock(line.product_id, line.quantity)
        if taken is None:
            raise CartUnavailable(
                f"Product {line.product_id} is not available in the quantity asked for"
            )
        held.append((taken, line.quantity))
    currencies = {line.currency for line, _ in held}
    if len(currencies) != 1:
        raise MixedCurrencies("The cart holds products priced in different currencies")
    order = Order(
        id=order_id,
        customer_id=buyer.id if buyer else None,
        email=buyer.email if buyer else None,
        status="pending",
        amount_total=sum(line.price_cents * quantity for line, quantity in held),
        amount_refunded=0,
        currency=currencies.pop(),
        stock_held=True,
        reserved_until=now + timedelta(seconds=settings.reservation_ttl_seconds),
        created_at=now,
        updated_at=now,
    )
    items = [
        OrderItem(
            order_id=order.id,
            product_id=line.product_id,
            seller_id=line.seller_id,
            product_name=line.name,
            unit_price_cents=line.price_cents,
            quantity=quantity,
        )
        for line, quantity in held
    ]
    repo.add(order, items)
    await repo.session.flush()
    get_logger().info(
        "order placed",
        extra={"event": "order_placed", "order_id": str(order.id), "lines": len(items)},
    )
    return order, items


async def open_payment(
    session: AsyncSession, gateway: StripeGateway, pending: PendingCheckout
) -> CheckoutRead:
    """The Checkout Session URL of a committed pending order (created once per order)."""
    order = pending.order
    if order.checkout_url is not None:
        return CheckoutRead(order_id=order.id, checkout_url=order.checkout_url)
    if not order.stock_held:
        raise CheckoutClosed("This checkout has ended; please start a new one")
    created = await gateway.create_checkout_session(order, pending.items, pending.customer_email)
    # A concurrent twin got the same Session from Stripe (same idempotency key): same values.
    await OrderRepository(session).set_checkout_session(order.id, created.id, created.url)
    return CheckoutRead(order_id=order.id, checkout_url=created.url)
