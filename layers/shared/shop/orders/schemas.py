from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from shop.auth.schemas import Input

# PAY-02 [DECISION]: 1..100 per line (the order_items CHECK says the same), at most 50 lines.
MAX_QUANTITY = 100
MAX_LINES = 50

# A client-made key: long enough to be unguessable (guests share one scope), short enough for
# Stripe's 255-character idempotency keys.
IdempotencyKey = Annotated[
    str, StringConstraints(min_length=16, max_length=200, pattern=r"^[A-Za-z0-9_\-:.]+$")
]


class Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class CartLine(Input):
    product_id: uuid.UUID
    quantity: Annotated[int, Field(ge=1, le=MAX_QUANTITY, strict=True)]


class CheckoutCreate(Input):
    """Only products and quantities: prices, currency and totals come from the database."""

    items: Annotated[list[CartLine], Field(min_length=1, max_length=MAX_LINES)]

    @field_validator("items")
    @classmethod
    def _one_line_per_product(cls, items: list[CartLine]) -> list[CartLine]:
        if len({line.product_id for line in items}) != len(items):
            raise ValueError("each product may appear on one line only")
        return items


class CheckoutRead(BaseModel):
    order_id: uuid.UUID
    checkout_url: str


class OrderLineRead(Read):
    product_id: uuid.UUID
    seller_id: uuid.UUID
    product_name: str
    unit_price_cents: int
    quantity: int


class OrderRead(Read):
    id: uuid.UUID
    status: str
    amount_total: int
    amount_refunded: int
    currency: str
    email: str | None
    shipping_name: str | None
    shipping_address: dict[str, Any] | None
    created_at: datetime
    paid_at: datetime | None
    items: list[OrderLineRead]


class OrderPage(BaseModel):
    items: list[OrderRead]
    next_cursor: str | None


class SellerOrderLineRead(BaseModel):
    """What a seller needs to ship one of their lines."""

    order_id: uuid.UUID
    order_status: str
    ordered_at: datetime
    paid_at: datetime | None
    product_id: uuid.UUID
    product_name: str
    unit_price_cents: int
    quantity: int
    currency: str
    shipping_name: str | None
    shipping_address: dict[str, Any] | None


class SellerOrderPage(BaseModel):
    items: list[SellerOrderLineRead]
    next_cursor: str | None


class PageQuery(Input):
    cursor: Annotated[str, StringConstraints(max_length=512)] | None = None
    limit: Annotated[int, Field(ge=1, le=100)] | None = None
