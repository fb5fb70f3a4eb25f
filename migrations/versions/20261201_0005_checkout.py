"""checkout: order statuses for delayed and failed payments, stock-hold flag, checkout URL,
Idempotency-Key store, sweeper and refund lookups

Revision ID: 20261201_0005
Revises: 20261201_0006
Create Date: 2026-12-01 18:50:00.000000+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "20261201_0005"
down_revision: str | None = "20261201_0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_STATUSES = (
    "'pending', 'paid', 'expired', 'needs_review', 'refund_pending', 'partially_refunded', "
    "'refunded'"
)
NEW_STATUSES = (
    "'pending', 'awaiting_payment', 'paid', 'payment_failed', 'expired', 'needs_review', "
    "'refund_pending', 'partially_refunded', 'refunded'"
)


def upgrade() -> None:
    op.alter_column("orders", "email", existing_type=postgresql.CITEXT(), nullable=True)
    op.add_column(
        "orders", sa.Column("stock_held", sa.Boolean(), server_default="false", nullable=False)
    )
    op.add_column("orders", sa.Column("checkout_url", sa.String(length=2048), nullable=True))
    op.drop_constraint(op.f("ck_orders_status"), "orders", type_="check")
    op.create_check_constraint(op.f("ck_orders_status"), "orders", f"status IN ({NEW_STATUSES})")
    op.drop_index(
        "ix_orders_pending_reserved_until",
        table_name="orders",
        postgresql_where="status = 'pending'",
    )
    op.create_index(
        "ix_orders_held_reserved_until",
        "orders",
        ["reserved_until"],
        unique=False,
        postgresql_where="stock_held",
    )
    op.create_index(
        op.f("ix_orders_stripe_payment_intent_id"),
        "orders",
        ["stripe_payment_intent_id"],
        unique=False,
    )
    op.create_table(
        "checkout_requests",
        sa.Column("scope", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("order_id", sa.UUID(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_checkout_requests_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_checkout_requests")),
    )
    op.create_index(
        op.f("ix_checkout_requests_created_at"), "checkout_requests", ["created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_checkout_requests_created_at"), table_name="checkout_requests")
    op.drop_table("checkout_requests")
    op.drop_index(op.f("ix_orders_stripe_payment_intent_id"), table_name="orders")
    op.drop_index(
        "ix_orders_held_reserved_until", table_name="orders", postgresql_where="stock_held"
    )
    op.create_index(
        "ix_orders_pending_reserved_until",
        "orders",
        ["reserved_until"],
        unique=False,
        postgresql_where="status = 'pending'",
    )
    op.drop_constraint(op.f("ck_orders_status"), "orders", type_="check")
    op.execute("UPDATE orders SET status = 'pending' WHERE status = 'awaiting_payment'")
    op.execute("UPDATE orders SET status = 'expired' WHERE status = 'payment_failed'")
    op.create_check_constraint(op.f("ck_orders_status"), "orders", f"status IN ({OLD_STATUSES})")
    op.drop_column("orders", "checkout_url")
    op.drop_column("orders", "stock_held")
    op.execute("UPDATE orders SET email = '' WHERE email IS NULL")
    op.alter_column("orders", "email", existing_type=postgresql.CITEXT(), nullable=False)
