"""Outbox queries: insert with the change, claim with a lease (SKIP LOCKED), then delete or
reschedule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db.base import table_of
from shop.models import MailOutbox

_INSERT = insert(table_of(MailOutbox))


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    to: str
    subject: str
    text: str
    html: str
    attempts: int  # including this one


class MailRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, mails: Sequence[tuple[str, str, str, str]]) -> None:
        """(recipient, subject, text, html) rows, one statement for all."""
        if mails:
            await self.session.execute(
                _INSERT,
                [
                    {"recipient": to, "subject": subject, "text_body": text, "html_body": html}
                    for to, subject, text, html in mails
                ],
            )

    async def claim(self, now: datetime, *, lease_until: datetime, limit: int) -> list[Claimed]:
        """Up to `limit` due mails, oldest first, each counted as tried and hidden from other
        claimers until `lease_until`; rows another claimer holds locked are skipped."""
        due = (
            select(MailOutbox.id)
            .where(MailOutbox.failed_at.is_(None), MailOutbox.next_attempt_at <= now)
            .order_by(MailOutbox.next_attempt_at, MailOutbox.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .cte("due")  # a CTE runs once: the LIMIT and the locks apply to one set of rows
        )
        rows = await self.session.execute(
            update(MailOutbox)
            .where(MailOutbox.id == due.c.id)
            .values(attempts=MailOutbox.attempts + 1, next_attempt_at=lease_until)
            .returning(
                MailOutbox.id,
                MailOutbox.recipient,
                MailOutbox.subject,
                MailOutbox.text_body,
                MailOutbox.html_body,
                MailOutbox.attempts,
            )
            .execution_options(synchronize_session=False)
        )
        return sorted((Claimed(*row) for row in rows), key=lambda mail: mail.id)

    async def delete(self, ids: Sequence[int]) -> None:
        if ids:
            await self.session.execute(
                delete(MailOutbox)
                .where(MailOutbox.id.in_(ids))
                .execution_options(synchronize_session=False)
            )

    async def retry_at(self, mail_id: int, at: datetime) -> None:
        await self._set(mail_id, next_attempt_at=at)

    async def give_up(self, mail_id: int, at: datetime) -> None:
        await self._set(mail_id, failed_at=at)

    async def _set(self, mail_id: int, **values: datetime) -> None:
        await self.session.execute(
            update(MailOutbox)
            .where(MailOutbox.id == mail_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )

    async def purge_failed(self, *, before: datetime) -> None:
        await self.session.execute(
            delete(MailOutbox)
            .where(MailOutbox.failed_at < before)
            .execution_options(synchronize_session=False)
        )
