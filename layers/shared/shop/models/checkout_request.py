from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from shop.db.base import Base


class CheckoutRequest(Base):
    """A `POST /checkout` Idempotency-Key: the same key in the same scope (a user, or guests)
    always answers with the same order; kept for CHECKOUT_IDEMPOTENCY_TTL_SECONDS."""

    __tablename__ = "checkout_requests"
    __table_args__ = (Index(None, "created_at"),)

    scope: Mapped[str] = mapped_column(String(64), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    # SHA-256 of the normalised cart: a reused key with another cart is refused.
    request_hash: Mapped[str] = mapped_column(String(64))
    # Checked at commit: checkout claims the key before it places the order (one round trip
    # for a new request, no stock taken for a repeat).
    order_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("orders.id", ondelete="CASCADE", deferrable=True, initially="DEFERRED")
    )
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
