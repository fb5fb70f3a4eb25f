"""Mailer Lambda (EventBridge schedule): sends the mail outbox's due rows (no FastAPI)."""

from __future__ import annotations

from typing import Any

from shop import runtime
from shop.config import get_settings
from shop.mail import outbox
from shop.mail.sender import get_mail_sender

runtime.event_loop()
settings = get_settings()
sender = get_mail_sender(settings)
# Sends stop this long before the function's timeout: room to record how they ended.
MARGIN_SECONDS = 10.0


def handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    loop = runtime.event_loop()  # the local stack runs each function on its own worker thread
    stop_after = loop.time() + context.get_remaining_time_in_millis() / 1000 - MARGIN_SECONDS
    drained = runtime.run(outbox.drain(settings, sender, stop_after=stop_after))
    return {"sent": drained.sent, "retried": drained.retried, "failed": drained.failed}
