"""Mailer Lambda: SQS batches of queued mail → the configured sender (no FastAPI, no database)."""

from __future__ import annotations

from typing import Any

from shop import runtime
from shop.config import get_settings
from shop.mail import queue
from shop.mail.sender import get_mail_sender

runtime.event_loop()
sender = get_mail_sender(get_settings())


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    runtime.event_loop()  # the local stack runs each function on its own worker thread
    return runtime.run(queue.handle_batch(event, sender))
