"""catalog: one ordered partial index per public sort, seller and material lookups, default
categories from settings

Revision ID: 20261125_0003
Revises: 20261125_0002
Create Date: 2026-11-25 14:37:45.847648+00:00
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "20261125_0003"
down_revision: str | None = "20261125_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _default_categories() -> list[dict[str, object]]:
    # Data, not code: CATALOG_DEFAULT_CATEGORIES (jewelry defaults) decides what a new shop has.
    from shop.catalog.slugs import slugify
    from shop.config import get_settings

    return [
        {
            "id": uuid.uuid5(uuid.NAMESPACE_URL, f"facet:category:{slugify(name)}"),
            "name": name,
            "slug": slugify(name),
        }
        for name in get_settings().catalog_default_categories
    ]


def upgrade() -> None:
    op.drop_index("ix_products_search_vector", table_name="products")
    op.create_index(
        "ix_products_search_vector",
        "products",
        ["search_vector"],
        postgresql_using="gin",
        postgresql_where=sa.text("status = 'active'"),
    )
    op.drop_index(op.f("ix_products_seller_id"), table_name="products")
    op.create_index(
        "ix_products_active_best_selling",
        "products",
        [sa.literal_column("units_sold DESC"), sa.literal_column("id DESC")],
        unique=False,
        postgresql_where=sa.text("status = 'active'"),
    )
    op.create_index(
        "ix_products_active_material_price",
        "products",
        ["material", "price_cents", "id"],
        unique=False,
        postgresql_where=sa.text("status = 'active'"),
    )
    op.create_index(
        "ix_products_active_newest",
        "products",
        [sa.literal_column("created_at DESC"), sa.literal_column("id DESC")],
        unique=False,
        postgresql_where=sa.text("status = 'active'"),
    )
    op.create_index(
        "ix_products_active_price",
        "products",
        ["price_cents", "id"],
        unique=False,
        postgresql_where=sa.text("status = 'active'"),
    )
    op.create_index(
        "ix_products_active_seller",
        "products",
        ["seller_id", sa.literal_column("created_at DESC"), sa.literal_column("id DESC")],
        unique=False,
        postgresql_where=sa.text("status = 'active'"),
    )
    op.create_index(
        "ix_products_seller_newest",
        "products",
        ["seller_id", sa.literal_column("created_at DESC"), sa.literal_column("id DESC")],
        unique=False,
    )
    categories = sa.table(
        "categories",
        sa.column("id", sa.UUID()),
        sa.column("name", sa.Text()),
        sa.column("slug", sa.Text()),
    )
    rows = _default_categories()
    if rows:
        op.execute(postgresql.insert(categories).values(rows).on_conflict_do_nothing())


def downgrade() -> None:
    # Default categories stay: products may be filed under them.
    op.drop_index("ix_products_search_vector", table_name="products")
    op.create_index(
        "ix_products_search_vector", "products", ["search_vector"], postgresql_using="gin"
    )
    op.drop_index("ix_products_seller_newest", table_name="products")
    op.drop_index(
        "ix_products_active_seller",
        table_name="products",
        postgresql_where=sa.text("status = 'active'"),
    )
    op.drop_index(
        "ix_products_active_price",
        table_name="products",
        postgresql_where=sa.text("status = 'active'"),
    )
    op.drop_index(
        "ix_products_active_newest",
        table_name="products",
        postgresql_where=sa.text("status = 'active'"),
    )
    op.drop_index(
        "ix_products_active_material_price",
        table_name="products",
        postgresql_where=sa.text("status = 'active'"),
    )
    op.drop_index(
        "ix_products_active_best_selling",
        table_name="products",
        postgresql_where=sa.text("status = 'active'"),
    )
    op.create_index(op.f("ix_products_seller_id"), "products", ["seller_id"], unique=False)
