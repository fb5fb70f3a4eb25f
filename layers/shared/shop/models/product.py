from __future__ import annotations

import uuid

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Computed,
    ForeignKey,
    Index,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column

from shop.db.base import Base, Timestamps, UUIDPrimaryKey

STATUSES = ("draft", "active", "archived")

SEARCH_VECTOR = (
    "setweight(to_tsvector('simple'::regconfig, coalesce(name, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(description, '')), 'B')"
)


class Product(UUIDPrimaryKey, Timestamps, Base):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint(f"status IN {STATUSES}", name="status"),
        CheckConstraint("price_cents > 0", name="price_positive"),
        CheckConstraint("stock >= 0", name="stock_non_negative"),
        CheckConstraint("units_sold >= 0", name="units_sold_non_negative"),
        CheckConstraint("currency ~ '^[A-Z]{3}$'", name="currency_iso"),
        # Seller's own list (every status), newest first.
        Index("ix_products_seller_newest", "seller_id", text("created_at DESC"), text("id DESC")),
        # The public list reads active products only; one ordered index per sort, so a page is
        # an index range scan that stops after `limit` rows (keyset: constant cost at any depth).
        Index(
            "ix_products_active_newest",
            text("created_at DESC"),
            text("id DESC"),
            postgresql_where=text("status = 'active'"),
        ),
        Index(
            "ix_products_active_price",
            "price_cents",
            "id",
            postgresql_where=text("status = 'active'"),
        ),
        Index(
            "ix_products_active_best_selling",
            text("units_sold DESC"),
            text("id DESC"),
            postgresql_where=text("status = 'active'"),
        ),
        Index(
            "ix_products_active_seller",
            "seller_id",
            text("created_at DESC"),
            text("id DESC"),
            postgresql_where=text("status = 'active'"),
        ),
        Index(
            "ix_products_active_material_price",
            "material",
            "price_cents",
            "id",
            postgresql_where=text("status = 'active'"),
        ),
        Index(
            "ix_products_search_vector",
            "search_vector",
            postgresql_using="gin",
            postgresql_where=text("status = 'active'"),
        ),
    )

    seller_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    material: Mapped[str] = mapped_column(String(60))
    price_cents: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    stock: Mapped[int] = mapped_column(default=0, server_default="0")
    status: Mapped[str] = mapped_column(String(16), default="draft", server_default="draft")
    units_sold: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # Only ever read by PostgreSQL (the GIN index); deferred so loading a product skips it.
    search_vector: Mapped[str] = mapped_column(
        TSVECTOR, Computed(SEARCH_VECTOR, persisted=True), deferred=True
    )
