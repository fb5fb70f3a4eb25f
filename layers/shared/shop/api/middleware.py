"""Pure ASGI middleware: request id and log context, security headers, catch-all 500, body cap."""

from __future__ import annotations

import json
import uuid

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shop.observability import get_logger


def _security_headers(hsts_max_age: int) -> list[tuple[bytes, bytes]]:
    return [
        (b"strict-transport-security", f"max-age={hsts_max_age}; includeSubDomains".encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"content-security-policy", b"default-src 'none'; frame-ancestors 'none'"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"no-referrer"),
    ]


def _lambda_request_id(scope: Scope) -> str | None:
    event = scope.get("aws.event")
    if isinstance(event, dict):
        context = event.get("requestContext")
        if isinstance(context, dict):
            request_id = context.get("requestId")
            if isinstance(request_id, str):
                return request_id
    return None


async def send_error(scope: Scope, send: Send, status: int, code: str, detail: str) -> None:
    """The JSON error envelope, for middleware that answers without reaching the app."""
    request_id = str(scope.get("state", {}).get("request_id", ""))
    payload = json.dumps({"error": code, "detail": detail, "request_id": request_id}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


class RequestContextMiddleware:
    """Outermost layer: every response, errors included, gets the id and the headers."""

    def __init__(self, app: ASGIApp, hsts_max_age: int) -> None:
        self.app = app
        self.headers = _security_headers(hsts_max_age)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _lambda_request_id(scope) or str(uuid.uuid4())
        scope.setdefault("state", {})["request_id"] = request_id
        logger = get_logger()
        logger.append_keys(request_id=request_id, route=scope["path"], method=scope["method"])
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                self._decorate(headers, request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            # Details go to the log only; the client gets the id to quote.
            logger.exception("unhandled error", extra={"event": "internal_error"})
            if started:
                raise
            await send_error(
                scope, send_with_headers, 500, "internal_error", "Internal server error"
            )
        finally:
            logger.remove_keys(["request_id", "route", "method"])

    def _decorate(self, headers: MutableHeaders, request_id: str) -> None:
        for name, value in self.headers:
            headers.raw.append((name, value))
        headers["x-request-id"] = request_id
        if "cache-control" not in headers:
            headers["cache-control"] = "no-store"
        if "server" in headers:
            del headers["server"]


class BodySizeLimitMiddleware:
    """413 in the JSON envelope before a handler reads a body over the cap.

    FastAPI's own `max_body_size` answers a declared oversize Content-Length with a plain-text
    413 from outside the app's middleware, without the envelope or the security headers.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _declared_length(scope) > self.max_bytes:
            await send_error(
                scope,
                send,
                413,
                "payload_too_large",
                f"The request body exceeds {self.max_bytes} bytes",
            )
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                # FastAPI re-raises HTTPException from body reading; the handlers render it.
                raise HTTPException(413, "The request body is too large")
            return message

        await self.app(scope, limited_receive, send)


def _declared_length(scope: Scope) -> int:
    for name, value in scope["headers"]:
        if name == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0
