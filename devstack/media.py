"""Locally, what CloudFront's `/media/` behaviour does in AWS: `GET /media/{key}` answers with
the images bucket's `public/` objects, with their Content-Type and Cache-Control, and nothing
else (`uploads/` stays private). The bucket itself refuses anonymous reads, as in AWS, so a
browser could not show the variants from the emulator's URL."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from devstack.server import Route
from shop.config import Settings, get_settings
from shop.images.storage import PUBLIC_PREFIX, get_storage

PATH = "/media"
HANDLER = "devstack.media:MediaOrigin"
ROUTE = Route("GET", f"{PATH}/{{proxy+}}", HANDLER)


def media_base_url(host: str, port: int) -> str:
    return f"http://{host}:{port}{PATH}"


class MediaOrigin:
    """A gateway function: the event's path names the object key. Settings are read on the
    first request: the gateway exists before the emulator's address is known."""

    def __init__(self, settings: Callable[[], Settings] = get_settings) -> None:
        self._settings = settings

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        from botocore.exceptions import ClientError

        storage = get_storage(self._settings())
        key = event.get("pathParameters", {}).get("proxy", "")
        if not key.startswith(PUBLIC_PREFIX) or ".." in key.split("/"):
            return _not_found()
        try:
            found = storage.client().get_object(Bucket=storage.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return _not_found()
            raise
        with found["Body"] as body:
            data = body.read()
        return {
            "statusCode": 200,
            "headers": {
                "content-type": found.get("ContentType", "application/octet-stream"),
                "cache-control": found.get("CacheControl", "no-cache"),
                # What the distribution's response headers policy adds (BKT-06).
                "x-content-type-options": "nosniff",
            },
            "body": base64.b64encode(data).decode(),
            "isBase64Encoded": True,
        }


def _not_found() -> dict[str, Any]:
    return {"statusCode": 404, "headers": {"content-type": "text/plain"}, "body": "Not Found"}
