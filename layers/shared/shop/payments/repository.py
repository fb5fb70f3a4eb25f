"""The webhook inbox (WH-05)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shop.models import StripeEvent


class PaymentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record_event(self, event_id: str, event_type: str) -> bool:
        """True the first time an event id is seen. A concurrent twin's insert waits for this
        transaction and then does nothing, so it sees False once this one committed."""
        inserted = await self.session.scalar(
            insert(StripeEvent)
            .values(id=event_id, type=event_type)
            .on_conflict_do_nothing()
            .returning(StripeEvent.id)
        )
        return inserted is not None

    async def known_events(self, event_ids: Sequence[str]) -> set[str]:
        """Which of these event ids the inbox has (applied, or seen and skipped)."""
        if not event_ids:
            return set()
        rows = await self.session.scalars(
            select(StripeEvent.id).where(StripeEvent.id.in_(event_ids))
        )
        return set(rows)
