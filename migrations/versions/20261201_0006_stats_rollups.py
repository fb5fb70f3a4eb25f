"""stats: rollups per seller-month by category and in total (with the order count), best-seller
indexes, the refund ledger (order_refunds)

Revision ID: 20261201_0006
Revises: 20261125_0003
Create Date: 2026-12-01 18:49:36.631870+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "20261201_0006"
down_revision: str | None = "20261125_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "seller_monthly_category_stats",
        sa.Column("seller_id", sa.UUID(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("category_id", sa.UUID(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("units_sold", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("gross_cents", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("refunded_cents", sa.BigInteger(), server_default="0", nullable=False),
        sa.CheckConstraint(
            "extract(day from month) = 1",
            name=op.f("ck_seller_monthly_category_stats_month_first_day"),
        ),
        sa.CheckConstraint(
            "units_sold >= 0", name=op.f("ck_seller_monthly_category_stats_units_sold_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["category_id"],
            ["categories.id"],
            name=op.f("fk_seller_monthly_category_stats_category_id_categories"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"],
            ["users.id"],
            name=op.f("fk_seller_monthly_category_stats_seller_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "seller_id",
            "month",
            "category_id",
            "currency",
            name=op.f("pk_seller_monthly_category_stats"),
        ),
    )
    op.create_table(
        "seller_monthly_totals",
        sa.Column("seller_id", sa.UUID(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("orders", sa.Integer(), server_default="0", nullable=False),
        sa.Column("units_sold", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("gross_cents", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("refunded_cents", sa.BigInteger(), server_default="0", nullable=False),
        sa.CheckConstraint(
            "extract(day from month) = 1", name=op.f("ck_seller_monthly_totals_month_first_day")
        ),
        sa.CheckConstraint(
            "orders >= 0 AND units_sold >= 0",
            name=op.f("ck_seller_monthly_totals_counts_non_negative"),
        ),
        sa.ForeignKeyConstraint(
            ["seller_id"],
            ["users.id"],
            name=op.f("fk_seller_monthly_totals_seller_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint(
            "seller_id", "month", "currency", name=op.f("pk_seller_monthly_totals")
        ),
    )
    op.create_table(
        "order_refunds",
        sa.Column("order_id", sa.UUID(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("refunded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.UUID(), nullable=False),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_order_refunds_amount_positive")),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_refunds_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_refunds")),
    )
    op.create_index(op.f("ix_order_refunds_order_id"), "order_refunds", ["order_id"], unique=False)
    op.create_index(
        "ix_seller_monthly_stats_by_net",
        "seller_monthly_stats",
        [
            "seller_id",
            "month",
            "currency",
            sa.literal_column("(gross_cents - refunded_cents) DESC"),
        ],
        unique=False,
    )
    op.create_index(
        "ix_seller_monthly_stats_by_units",
        "seller_monthly_stats",
        ["seller_id", "month", sa.literal_column("units_sold DESC")],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_seller_monthly_stats_by_units", table_name="seller_monthly_stats")
    op.drop_index("ix_seller_monthly_stats_by_net", table_name="seller_monthly_stats")
    op.drop_index(op.f("ix_order_refunds_order_id"), table_name="order_refunds")
    op.drop_table("order_refunds")
    op.drop_table("seller_monthly_totals")
    op.drop_table("seller_monthly_category_stats")
