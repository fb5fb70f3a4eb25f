from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from shop.db.base import Base


class SellerMonthlyStat(Base):
    """Rollup per seller, month (store timezone), product and currency, kept in the transaction
    that records a payment or a refund (shop.stats.service)."""

    __tablename__ = "seller_monthly_stats"
    __table_args__ = (
        CheckConstraint("units_sold >= 0", name="units_sold_non_negative"),
        CheckConstraint("extract(day from month) = 1", name="month_first_day"),
        # A month's best sellers read the first rows of these, whatever the seller sold.
        Index("ix_seller_monthly_stats_by_units", "seller_id", "month", text("units_sold DESC")),
        Index(
            "ix_seller_monthly_stats_by_net",
            "seller_id",
            "month",
            "currency",
            text("(gross_cents - refunded_cents) DESC"),
        ),
    )

    seller_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), primary_key=True
    )
    month: Mapped[date] = mapped_column(primary_key=True)
    product_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("products.id", ondelete="RESTRICT"), primary_key=True
    )
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    units_sold: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    gross_cents: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    refunded_cents: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
