"""Order, stock-hold and Idempotency-Key queries."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, delete, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db.base import table_of
from shop.models import CheckoutRequest, Order, OrderItem, Product, User

# Statuses a seller ships (or has shipped) from: the buyer paid and no full refund happened.
SHIPPABLE = ("paid", "partially_refunded")

# The checkout's statements, built once (composing them cost about as much as running them).
_requests, _products, _orders = (table_of(m) for m in (CheckoutRequest, Product, Order))
_new_request = insert(_requests).values(
    scope=bindparam("b_scope"),
    key=bindparam("b_key"),
    request_hash=bindparam("b_hash"),
    order_id=bindparam("b_order"),
    created_at=bindparam("b_now"),
)
_CLAIM_KEY = _new_request.on_conflict_do_update(
    index_elements=[_requests.c.scope, _requests.c.key],
    set_={name: _new_request.excluded[name] for name in ("request_hash", "order_id", "created_at")},
    where=_requests.c.created_at <= bindparam("b_fresh_after"),
).returning(_requests.c.order_id)
_TAKE_STOCK = (
    update(_products)
    .where(
        _products.c.id == bindparam("b_product"),
        _products.c.status == "active",
        _products.c.stock >= bindparam("b_quantity"),
    )
    .values(stock=_products.c.stock - bindparam("b_quantity"))
    .returning(
        _products.c.id,
        _products.c.seller_id,
        _products.c.name,
        _products.c.price_cents,
        _products.c.currency,
    )
)
_SET_CHECKOUT_SESSION = (
    update(_orders)
    .where(_orders.c.id == bindparam("b_order"))
    .values(stripe_session_id=bindparam("b_session"), checkout_url=bindparam("b_url"))
)


@dataclass(frozen=True, slots=True)
class HeldLine:
    product_id: uuid.UUID
    seller_id: uuid.UUID
    name: str
    price_cents: int
    currency: str


@dataclass(frozen=True, slots=True)
class SellerLine:
    item: OrderItem
    order: Order


class OrderRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- Idempotency-Key store (PAY-04)

    async def checkout_request(self, scope: str, key: str) -> CheckoutRequest | None:
        return await self.session.get(CheckoutRequest, (scope, key))

    async def claim_checkout_request(
        self,
        scope: str,
        key: str,
        request_hash: str,
        order_id: uuid.UUID,
        now: datetime,
        fresh_after: datetime,
    ) -> bool:
        """Store the key for the order about to be placed (`order_id`; the foreign key is checked
        at commit), replacing a row of this key created at or before `fresh_after`. False when
        the key belongs to a live request: a concurrent one's insert waits for its commit."""
        claimed = await self.session.scalar(
            _CLAIM_KEY,
            {
                "b_scope": scope,
                "b_key": key,
                "b_hash": request_hash,
                "b_order": order_id,
                "b_now": now,
                "b_fresh_after": fresh_after,
            },
        )
        return claimed is not None

    async def forget_checkout_requests(self, before: datetime) -> int:
        result = await self.session.execute(
            delete(CheckoutRequest).where(CheckoutRequest.created_at <= before)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]

    # --- stock (INV-01, INV-02): conditional updates, callers go in product-id order

    async def take_stock(self, product_id: uuid.UUID, quantity: int) -> HeldLine | None:
        """Subtract `quantity` from an active product's stock if it has that many; the row
        stays locked until commit. None when it cannot be served."""
        row = (
            await self.session.execute(
                _TAKE_STOCK, {"b_product": product_id, "b_quantity": quantity}
            )
        ).one_or_none()
        if row is None:
            return None
        return HeldLine(*row)

    async def retake_stock(self, product_id: uuid.UUID, quantity: int) -> bool:
        """Take stock again for a paid order whose hold was released (any product status: the
        buyer paid the snapshot price)."""
        taken = await self.session.scalar(
            update(Product)
            .where(Product.id == product_id, Product.stock >= quantity)
            .values(stock=Product.stock - quantity)
            .returning(Product.id)
        )
        return taken is not None

    async def return_stock(self, product_id: uuid.UUID, quantity: int) -> None:
        await self.session.execute(
            update(Product).where(Product.id == product_id).values(stock=Product.stock + quantity)
        )

    # --- orders

    def add(self, order: Order, items: Sequence[OrderItem]) -> None:
        self.session.add(order)
        self.session.add_all(items)

    async def set_checkout_session(self, order_id: uuid.UUID, session_id: str, url: str) -> None:
        await self.session.execute(
            _SET_CHECKOUT_SESSION, {"b_order": order_id, "b_session": session_id, "b_url": url}
        )

    async def get(self, order_id: uuid.UUID) -> Order | None:
        return await self.session.get(Order, order_id)

    async def lock(self, order_id: uuid.UUID) -> Order | None:
        """The order, row-locked: every event for one order is applied one at a time."""
        return await self.session.scalar(
            select(Order)
            .where(Order.id == order_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )

    async def order_id_by_payment_intent(self, payment_intent: str) -> uuid.UUID | None:
        return await self.session.scalar(
            select(Order.id).where(Order.stripe_payment_intent_id == payment_intent)
        )

    async def items(self, order_id: uuid.UUID) -> list[OrderItem]:
        rows = await self.session.scalars(
            select(OrderItem).where(OrderItem.order_id == order_id).order_by(OrderItem.product_id)
        )
        return list(rows)

    async def items_of(self, order_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[OrderItem]]:
        grouped: dict[uuid.UUID, list[OrderItem]] = {order_id: [] for order_id in order_ids}
        if order_ids:
            rows = await self.session.scalars(
                select(OrderItem)
                .where(OrderItem.order_id.in_(order_ids))
                .order_by(OrderItem.order_id, OrderItem.product_id)
            )
            for item in rows:
                grouped[item.order_id].append(item)
        return grouped

    async def lock_expired_holds(self, now: datetime, limit: int) -> list[Order]:
        """Unpaid orders whose hold outlived `reserved_until`, locked; rows another sweeper
        (or a webhook) holds are skipped, so two sweepers never release the same hold. Orders
        awaiting a delayed payment keep their hold until Stripe says how it ended."""
        rows = await self.session.scalars(
            select(Order)
            .where(Order.stock_held, Order.status == "pending", Order.reserved_until < now)
            .order_by(Order.reserved_until)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .execution_options(populate_existing=True)
        )
        return list(rows)

    async def customer_orders(
        self, customer_id: uuid.UUID, after: tuple[datetime, uuid.UUID] | None, limit: int
    ) -> list[Order]:
        query = select(Order).where(Order.customer_id == customer_id)
        if after is not None:
            query = query.where(tuple_(Order.created_at, Order.id) < tuple_(*after))
        rows = await self.session.scalars(
            query.order_by(Order.created_at.desc(), Order.id.desc()).limit(limit)
        )
        return list(rows)

    async def seller_lines(
        self, seller_id: uuid.UUID, after: tuple[datetime, uuid.UUID] | None, limit: int
    ) -> list[SellerLine]:
        """The seller's lines of paid orders, newest order first (keyset on order time, line)."""
        query = (
            select(OrderItem, Order)
            .join(Order, Order.id == OrderItem.order_id)
            .where(OrderItem.seller_id == seller_id, Order.status.in_(SHIPPABLE))
        )
        if after is not None:
            query = query.where(tuple_(Order.created_at, OrderItem.id) < tuple_(*after))
        rows = await self.session.execute(
            query.order_by(Order.created_at.desc(), OrderItem.id.desc()).limit(limit)
        )
        return [SellerLine(item, order) for item, order in rows]

    async def seller_emails(self, seller_ids: Sequence[uuid.UUID]) -> list[tuple[uuid.UUID, str]]:
        rows = await self.session.execute(
            select(User.id, User.email).where(User.id.in_(seller_ids), User.deleted_at.is_(None))
        )
        return [(seller_id, email) for seller_id, email in rows]
