from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint
from sqlalchemy.dialects.postgresql import CITEXT
from sqlalchemy.orm import Mapped, mapped_column

from shop.db.base import Base


class LoginThrottle(Base):
    """Consecutive failed logins per email address, known account or not, so the lockout
    behaves the same for both and reveals nothing about which emails exist."""

    __tablename__ = "login_throttles"
    __table_args__ = (CheckConstraint("failures >= 0", name="failures_non_negative"),)

    email: Mapped[str] = mapped_column(CITEXT, primary_key=True)
    failures: Mapped[int] = mapped_column(default=0, server_default="0")
    locked_until: Mapped[datetime | None]
    last_failure_at: Mapped[datetime]
