from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from shop.db.base import Base, Timestamps, UUIDPrimaryKey

STATUSES = ("pending", "ready", "rejected")


class ProductImage(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "product_images"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES}", name="status"),
        CheckConstraint("position >= 0", name="position_non_negative"),
        Index(None, "product_id", "position"),
    )

    product_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    seller_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    s3_key: Mapped[str] = mapped_column(String(300), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16), default="pending", server_default="pending")
    rejection_reason: Mapped[str | None] = mapped_column(String(200))
    variants: Mapped[dict[str, Any]] = mapped_column(JSONB, default=dict, server_default="{}")
    position: Mapped[int] = mapped_column(default=0, server_default="0")
