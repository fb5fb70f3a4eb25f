"""Public catalog answers: a strong ETag over the body and a short shared-cache lifetime, so
CloudFront and browsers can keep them and revalidate with If-None-Match (304, no body)."""

from __future__ import annotations

import hashlib

from fastapi import Request, Response
from pydantic import BaseModel, TypeAdapter

from shop.config import Settings

_LIST = TypeAdapter(list[BaseModel])  # built once: an adapter compiles a serializer


def _etag(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def cacheable_json(
    request: Request, settings: Settings, content: BaseModel | list[BaseModel]
) -> Response:
    if isinstance(content, BaseModel):
        body = content.model_dump_json().encode()
    else:
        body = _LIST.dump_json(content, serialize_as_any=True)
    etag = _etag(body)
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={settings.catalog_cache_max_age_seconds}",
    }
    candidates = {tag.strip() for tag in request.headers.get("if-none-match", "").split(",")}
    if etag in candidates or f"W/{etag}" in candidates:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)
