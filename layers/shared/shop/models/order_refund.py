from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from shop.db.base import Base, UUIDPrimaryKey


class OrderRefund(UUIDPrimaryKey, Base):
    """Money given back on an order: how much, and when (the month it lowers income in).
    The ledger the statistics are rebuilt from; `orders.amount_refunded` is its sum."""

    __tablename__ = "order_refunds"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        Index(None, "order_id"),
    )

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    refunded_at: Mapped[datetime]
