from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from shop.db.base import Base, UUIDPrimaryKey

PURPOSES = ("verify", "reset")


class OneTimeCode(UUIDPrimaryKey, Base):
    """An email verification code or a password-reset token; only its hash is stored."""

    __tablename__ = "one_time_codes"
    __table_args__ = (
        CheckConstraint(f"purpose IN {PURPOSES}", name="purpose"),
        CheckConstraint("attempts >= 0", name="attempts_non_negative"),
        Index(None, "user_id", "purpose"),
        # Reset tokens carry 256 bits, so they are looked up by their SHA-256 directly.
        Index(
            "ix_one_time_codes_reset_hash",
            "code_hash",
            unique=True,
            postgresql_where="purpose = 'reset'",
        ),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    purpose: Mapped[str] = mapped_column(String(16))
    code_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    expires_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    consumed_at: Mapped[datetime | None]
