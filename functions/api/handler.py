"""API Lambda: API Gateway HTTP API v2 events → FastAPI through Mangum."""

from __future__ import annotations

from typing import Any

from mangum import Mangum

from shop import runtime
from shop.api.app import create_app

runtime.event_loop()
app = create_app()
_adapter = Mangum(app, lifespan="off")


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    runtime.event_loop()  # the local server runs each function on its own worker thread
    response: dict[str, Any] = _adapter(event, context)
    return response
