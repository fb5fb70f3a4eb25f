from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from shop.db.base import Base


class SellerMonthlyCategoryStat(Base):
    """Rollup per seller, month (store timezone), category and currency: a product in several
    categories counts in each, under the categories it had when the payment was recorded."""

    __tablename__ = "seller_monthly_category_stats"
    __table_args__ = (
        CheckConstraint("units_sold >= 0", name="units_sold_non_negative"),
        CheckConstraint("extract(day from month) = 1", name="month_first_day"),
    )

    seller_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT"), primary_key=True
    )
    month: Mapped[date] = mapped_column(primary_key=True)
    category_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True
    )
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    units_sold: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    gross_cents: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    refunded_cents: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
