from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.dialects.postgresql import CITEXT, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from shop.db.base import Base, Timestamps, UUIDPrimaryKey

STATUSES = (
    "pending",
    "awaiting_payment",
    "paid",
    "payment_failed",
    "expired",
    "needs_review",
    "refund_pending",
    "partially_refunded",
    "refunded",
)


class Order(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES}", name="status"),
        CheckConstraint("amount_total >= 0", name="amount_total_non_negative"),
        CheckConstraint(
            "amount_refunded >= 0 AND amount_refunded <= amount_total", name="amount_refunded"
        ),
        CheckConstraint("currency ~ '^[A-Z]{3}$'", name="currency_iso"),
        Index(None, "customer_id", "created_at"),
        # The sweeper's scan: live holds past their time.
        Index("ix_orders_held_reserved_until", "reserved_until", postgresql_where="stock_held"),
        Index(None, "stripe_payment_intent_id"),
    )

    customer_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    # A guest's address is known only once Stripe's Checkout collected it (at payment).
    email: Mapped[str | None] = mapped_column(CITEXT)
    status: Mapped[str] = mapped_column(String(20), default="pending", server_default="pending")
    amount_total: Mapped[int] = mapped_column(BigInteger)
    amount_refunded: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    currency: Mapped[str] = mapped_column(String(3))
    stripe_session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    stripe_payment_intent_id: Mapped[str | None] = mapped_column(String(255))
    shipping_name: Mapped[str | None] = mapped_column(String(200))
    shipping_address: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    reserved_until: Mapped[datetime | None]
    # True while the order's lines are subtracted from stock as a hold (not yet sold): set at
    # checkout, cleared exactly once by payment (sold), expiry, failure or the sweeper.
    stock_held: Mapped[bool] = mapped_column(default=False, server_default="false")
    checkout_url: Mapped[str | None] = mapped_column(String(2048))
    paid_at: Mapped[datetime | None]
