"""The reservation sweeper: holds of abandoned checkouts go back to stock (INV-04)."""

from __future__ import annotations

from datetime import datetime, timedelta

from shop.clock import utcnow
from shop.config import Settings
from shop.db.engine import Database
from shop.db.session import unit_of_work
from shop.observability import get_logger
from shop.orders import service
from shop.orders.repository import OrderRepository
from shop.payments.stripe_api import PaymentProviderError, get_gateway


async def sweep(
    settings: Settings, *, database: Database | None = None, now: datetime | None = None
) -> int:
    """Release every pending hold past `reserved_until`, batch by batch, and ask Stripe to end
    their sessions; also forget Idempotency-Keys past their lifetime. The number released."""
    now = now or utcnow()
    released = 0
    while True:
        sessions: list[str] = []
        async with unit_of_work(database) as session:
            repo = OrderRepository(session)
            orders = await repo.lock_expired_holds(now, settings.sweeper_batch_size)
            for order in orders:
                if await service.release_hold(session, order, "expired", now):
                    released += 1
                    if order.stripe_session_id:
                        sessions.append(order.stripe_session_id)
            if len(orders) < settings.sweeper_batch_size:
                ttl = timedelta(seconds=settings.checkout_idempotency_ttl_seconds)
                await repo.forget_checkout_requests(now - ttl)
        await _expire_sessions(settings, sessions)
        if len(orders) < settings.sweeper_batch_size:
            break
    get_logger().info("holds swept", extra={"event": "holds_swept", "released": released})
    return released


async def _expire_sessions(settings: Settings, session_ids: list[str]) -> None:
    gateway = get_gateway(settings)
    for session_id in session_ids:
        try:
            await gateway.expire_session(session_id)
        except PaymentProviderError:
            # Stripe ends the session itself at its expires_at, before the hold ran out.
            get_logger().warning("session not expired", extra={"event": "sweeper_expire_failed"})
