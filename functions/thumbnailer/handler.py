"""Thumbnailer Lambda: SQS batches of S3 upload notifications → shop.images (no FastAPI)."""

from __future__ import annotations

from typing import Any

from shop import runtime
from shop.config import get_settings
from shop.db.engine import Database, build_engine
from shop.images import events
from shop.images.storage import get_storage

runtime.event_loop()
settings = get_settings()
# This function's own engine, not the process-wide get_database(): locally several function
# containers share one process, and pooled asyncpg connections belong to the loop (the
# container thread) that opened them. In AWS the two are the same thing.
database = Database.from_engine(build_engine(settings))
storage = get_storage(settings)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    runtime.event_loop()  # the local stack runs each function on its own worker thread
    return runtime.run(events.handle_batch(event, settings, database, storage))
