"""Stripe webhook Lambda: API Gateway HTTP API v2 event → shop.payments (no FastAPI here)."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from shop import runtime
from shop.config import get_settings
from shop.payments import service

runtime.event_loop()
settings = get_settings()


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    # The signature covers the exact bytes Stripe sent: never re-encode the parsed JSON.
    body = event.get("body") or ""
    try:
        payload = base64.b64decode(body, validate=True) if event.get("isBase64Encoded") else body
    except binascii.Error:
        payload = b""
    raw = payload.encode() if isinstance(payload, str) else payload
    headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    runtime.event_loop()  # the local server runs each function on its own worker thread
    result = runtime.run(service.handle(raw, headers.get("stripe-signature"), settings=settings))
    return {
        "statusCode": result.status_code,
        "headers": {"content-type": "application/json", "cache-control": "no-store"},
        "body": json.dumps(result.body),
    }
