"""WH-09: events Stripe could not deliver, applied from its API. Stripe retries a failed delivery
for up to three days, then gives up; the sweeper function runs this every five minutes, so an
outage of the webhook (or a bad signing secret) delays fulfilment by minutes and loses nothing.
Events read from Stripe's API over TLS with the secret key are authentic without a signature;
the inbox makes a replay and a late delivery of the same event one effect."""

from __future__ import annotations

from datetime import datetime, timedelta

from shop.clock import utcnow
from shop.config import Settings
from shop.db.engine import Database
from shop.db.session import unit_of_work
from shop.observability import get_logger
from shop.payments import service
from shop.payments.repository import PaymentRepository
from shop.payments.stripe_api import PaymentProviderError, get_gateway


async def replay_undelivered(
    settings: Settings, *, database: Database | None = None, now: datetime | None = None
) -> int:
    """Apply every undelivered event of the last STRIPE_RECONCILE_LOOKBACK_HOURS that the
    inbox does not have yet, oldest first; the number that changed an order. A Stripe or
    database failure is logged and left to the next run."""
    now = now or utcnow()
    since = now - timedelta(hours=settings.stripe_reconcile_lookback_hours)
    try:
        events = await get_gateway(settings).undelivered_events(since, service.HANDLED_TYPES)
    except PaymentProviderError:
        return 0  # logged by the gateway; the next run asks again
    async with unit_of_work(database) as session:
        known = await PaymentRepository(session).known_events([e["id"] for e in events])
    replayed = failed = 0
    for event in events:
        if event["id"] in known:
            continue
        try:
            result = await service.process(event, settings=settings, database=database, now=now)
        except Exception:
            # One event that cannot be applied (a bug, a malformed object) must not hold back
            # the others, nor the hold releases that run after this.
            get_logger().exception(
                "stripe event replay crashed",
                extra={"event": "stripe_event_replay_crashed", "stripe_event_id": event["id"]},
            )
            failed += 1
            continue
        replayed += result.body.get("applied") is True
        failed += result.status_code != 200
    if events:
        get_logger().info(
            "undelivered stripe events replayed",
            extra={
                "event": "stripe_events_replayed",
                "listed": len(events),
                "replayed": replayed,
                "failed": failed,
            },
        )
    return replayed
