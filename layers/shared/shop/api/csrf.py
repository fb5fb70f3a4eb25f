"""Cross-site request forgery defence for a cookie-authenticated JSON API.

On every unsafe method: the Origin must be one of the configured frontends (exact match;
missing or "null" is refused), Fetch Metadata must not say cross-site, and a body must be JSON,
so a cross-origin write always needs a CORS preflight that the allowlist then refuses.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from shop.api.middleware import send_error
from shop.observability import get_logger

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class CsrfMiddleware:
    def __init__(self, app: ASGIApp, allowed_origins: list[str]) -> None:
        self.app = app
        self.allowed = frozenset(origin.encode() for origin in allowed_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE_METHODS:
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        refusal = self._refusal(headers)
        if refusal is None:
            await self.app(scope, receive, send)
            return
        status, code, detail = refusal
        get_logger().warning("request refused", extra={"event": "malicious_csrf", "reason": code})
        await send_error(scope, send, status, code, detail)

    def _refusal(self, headers: dict[bytes, bytes]) -> tuple[int, str, str] | None:
        if headers.get(b"sec-fetch-site") == b"cross-site":
            return 403, "cross_site_request", "Cross-site requests are not accepted"
        if headers.get(b"origin") not in self.allowed:
            return 403, "origin_not_allowed", "The request's Origin is not allowed"
        content_type = headers.get(b"content-type")
        has_body = headers.get(b"content-length", b"0") != b"0" or b"transfer-encoding" in headers
        if (has_body or content_type is not None) and not _is_json(content_type):
            return 415, "unsupported_media_type", "Send the request body as application/json"
        return None


def _is_json(content_type: bytes | None) -> bool:
    if content_type is None:
        return False
    media_type = content_type.split(b";", 1)[0].strip().lower()
    return media_type == b"application/json" or media_type.endswith(b"+json")
