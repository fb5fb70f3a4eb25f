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


# ALTER CONSTRAINT changes only when the check runs: instant, no re-validation of the rows and
# no long lock on orders (dropping and re-adding the key would check every row).
def upgrade() -> None:
    op.execute(f"ALTER TABLE checkout_requests ALTER CONSTRAINT {FK} DEFERRABLE INITIALLY DEFERRED")


def downgrade() -> None:
    op.execute(f"ALTER TABLE checkout_requests ALTER CONSTRAINT {FK} NOT DEFERRABLE")
