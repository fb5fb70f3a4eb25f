"""Locally, what CloudFront's default and `/seller/` behaviours do in AWS: the two single-page
apps' built files (frontends/*/dist) from the same origin as `/api/v1`, so the session cookie is
first-party. A path with no file falls back to the app's index.html (client-side routes); a
missing file with an extension is a 404, so a stale script never comes back as HTML."""

from __future__ import annotations

import base64
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import Any

from devstack.server import ROOT, Route
from shop.config import Settings, get_settings

FRONTENDS = ROOT / "frontends"
# Vite puts content-hashed files under assets/: cached for good. Everything else revalidates.
HASHED_DIR = "assets"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# What the distribution's response headers policy adds to the apps' responses.
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "strict-transport-security": "max-age=31536000; includeSubDomains",
}


@dataclass(frozen=True, slots=True)
class App:
    name: str  # the folder under frontends/
    prefix: str  # the URL path it is served at, ending in /
    uploads: bool = False  # posts files straight to the images bucket (presigned POST)
    root: Path = FRONTENDS

    @property
    def dist(self) -> Path:
        return self.root / self.name / "dist"

    @property
    def handler(self) -> str:
        return f"devstack.assets:{self.name}"


CUSTOMER = App("customer", "/")
SELLER = App("seller", "/seller/", uploads=True)
APPS = (CUSTOMER, SELLER)


def routes(app: App) -> list[Route]:
    root = app.prefix.rstrip("/")
    found = [Route("GET", app.prefix, app.handler), Route("GET", f"{root}/{{proxy+}}", app.handler)]
    if root:  # /seller without its slash: the same app
        found.append(Route("GET", root, app.handler))
    return found


def content_security_policy(connect_src: str) -> str:
    """The apps' CSP: their own scripts and styles only; images from /media/ (same origin) and
    data: URLs; fetches to the API and, for uploads, the images bucket; no framing."""
    return "; ".join(
        [
            "default-src 'self'",
            "img-src 'self' data: blob:",
            "style-src 'self'",
            "script-src 'self'",
            f"connect-src 'self' {connect_src}".strip(),
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "object-src 'none'",
        ]
    )


class StaticApp:
    """A gateway function serving one app's dist folder. Settings are read on the first
    request: the gateway exists before the emulator's address is known."""

    def __init__(self, app: App, settings: Callable[[], Settings] = get_settings) -> None:
        self.app = app
        self._settings = settings

    @cached_property
    def csp(self) -> str:
        endpoint = self._settings().aws_endpoint_url if self.app.uploads else None
        return content_security_policy(endpoint or "")

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        relative = event.get("pathParameters", {}).get("proxy", "")
        parts = PurePosixPath(relative).parts
        if ".." in parts or relative.startswith("/"):
            return self._respond(404, b"Not Found", "text/plain", REVALIDATE)
        path = self.app.dist.joinpath(*parts) if parts else self.app.dist / "index.html"
        if path.is_file():
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            cache = IMMUTABLE if parts and parts[0] == HASHED_DIR else REVALIDATE
            return self._respond(200, path.read_bytes(), kind, cache)
        if PurePosixPath(relative).suffix:
            return self._respond(404, b"Not Found", "text/plain", REVALIDATE)
        index = self.app.dist / "index.html"
        if not index.is_file():
            message = f"{self.app.name} is not built: run `make run` (or `make frontends`)"
            return self._respond(503, message.encode(), "text/plain", REVALIDATE)
        return self._respond(200, index.read_bytes(), "text/html", REVALIDATE)

    def _respond(self, status: int, body: bytes, kind: str, cache: str) -> dict[str, Any]:
        if kind.startswith("text/") or kind in ("application/javascript", "image/svg+xml"):
            kind = f"{kind}; charset=utf-8"
        return {
            "statusCode": status,
            "headers": {
                "content-type": kind,
                "cache-control": cache,
                "content-security-policy": self.csp,
                **SECURITY_HEADERS,
            },
            "body": base64.b64encode(body).decode(),
            "isBase64Encoded": True,
        }
