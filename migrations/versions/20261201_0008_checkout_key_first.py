"""checkout claims its Idempotency-Key before placing the order: the key's foreign key to the
order is checked at commit

Revision ID: 20261201_0008
Revises: 20261201_0007
Create Date: 2026-12-01 22:10:00.000000+00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "20261201_0008"
down_revision: str | None = "20261201_0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK = "fk_checkout_requests_order_id_orders"


def _foreign_key(deferred: bool) -> None:
    op.drop_constraint(FK, "checkout_requests", type_="foreignkey")
    op.create_foreign_key(
        FK,
        "checkout_requests",
        "orders",
        ["order_id"],
        ["id"],
        ondelete="CASCADE",
        deferrable=deferred or None,
        initially="DEFERRED" if deferred else None,
    )


def upgrade() -> None:
    _foreign_key(deferred=True)


def downgrade() -> None:
    _foreign_key(deferred=False)
