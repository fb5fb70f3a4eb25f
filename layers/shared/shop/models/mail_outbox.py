from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Identity, Index, SmallInteger, String, Text, func, text
from sqlalchemy.orm import Mapped, mapped_column

from shop.db.base import Base


class MailOutbox(Base):
    """Mail written in the transaction whose change it reports and sent after that commits, by
    the mailer (`shop.mail.outbox.drain`): a rolled-back change sends nothing, a committed one
    is never lost. A row is deleted once the mail is sent; one that failed every try keeps
    `failed_at` until someone requeues or it ages out."""

    __tablename__ = "mail_outbox"
    __table_args__ = (
        # The mailer's claim: due rows that have not given up, oldest first.
        Index("ix_mail_outbox_due", "next_attempt_at", postgresql_where=text("failed_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(), primary_key=True)
    recipient: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(998))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    next_attempt_at: Mapped[datetime] = mapped_column(server_default=func.now())
    attempts: Mapped[int] = mapped_column(SmallInteger, server_default="0")
    failed_at: Mapped[datetime | None]
