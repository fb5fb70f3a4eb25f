"""accounts: login throttles per email, reset-token lookup by hash

Revision ID: 20261125_0002
Revises: 20261125_0001
Create Date: 2026-11-25 13:57:06.799442+00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "20261125_0002"
down_revision: str | None = "20261125_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_throttles",
        sa.Column("email", postgresql.CITEXT(), nullable=False),
        sa.Column("failures", sa.Integer(), server_default="0", nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("failures >= 0", name=op.f("ck_login_throttles_failures_non_negative")),
        sa.PrimaryKeyConstraint("email", name=op.f("pk_login_throttles")),
    )
    op.create_index(
        "ix_one_time_codes_reset_hash",
        "one_time_codes",
        ["code_hash"],
        unique=True,
        postgresql_where="purpose = 'reset'",
    )


def downgrade() -> None:
    op.drop_index(
        "ix_one_time_codes_reset_hash",
        table_name="one_time_codes",
        postgresql_where="purpose = 'reset'",
    )
    op.drop_table("login_throttles")
