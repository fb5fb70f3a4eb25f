"""Reservation sweeper Lambda (EventBridge schedule): releases stock holds past their time."""

from __future__ import annotations

from typing import Any

from shop import runtime
from shop.config import get_settings
from shop.orders import sweeper

runtime.event_loop()
settings = get_settings()


def handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    runtime.event_loop()
    released = runtime.run(sweeper.sweep(settings))
    return {"released": released}
