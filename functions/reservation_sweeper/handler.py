"""Reservation sweeper Lambda (EventBridge schedule): releases stock holds past their time, and
applies the Stripe events the webhook did not receive (WH-09)."""

from __future__ import annotations

from typing import Any

from shop import runtime
from shop.config import get_settings
from shop.orders import sweeper
from shop.payments import reconcile

runtime.event_loop()
settings = get_settings()


def handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    runtime.event_loop()
    # Replayed first: a payment that never reached the webhook must not lose its hold. The
    # holds are released even if the replay failed (it is logged; the next run asks again).
    try:
        replayed = runtime.run(reconcile.replay_undelivered(settings))
    finally:
        released = runtime.run(sweeper.sweep(settings))
    return {"replayed": replayed, "released": released}
