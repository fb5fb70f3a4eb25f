"""API Gateway HTTP API (payload v2) events, as API Gateway would send them to a function."""

from __future__ import annotations

import base64
import json
import time
import uuid
from typing import Any
from urllib.parse import urlencode


def http_api_event(
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
    body: bytes | str | dict[str, Any] | None = None,
    cookies: list[str] | None = None,
    source_ip: str = "203.0.113.10",
    base64_body: bool = False,
) -> dict[str, Any]:
    raw_headers = {"host": "api.facet.test", "user-agent": "pytest"}
    raw_headers.update({name.lower(): value for name, value in (headers or {}).items()})
    if isinstance(body, dict):
        body = json.dumps(body)
        raw_headers.setdefault("content-type", "application/json")
    body_bytes = body.encode() if isinstance(body, str) else body
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": urlencode(query or {}),
        "headers": raw_headers,
        "requestContext": {
            "accountId": "000000000000",
            "apiId": "local",
            "domainName": raw_headers["host"],
            "domainPrefix": raw_headers["host"].split(".")[0],
            "http": {
                "method": method.upper(),
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": raw_headers["user-agent"],
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime()),
            "timeEpoch": int(time.time() * 1000),
        },
        "isBase64Encoded": False,
    }
    if query:
        event["queryStringParameters"] = dict(query)
    if cookies:
        event["cookies"] = list(cookies)
    if body_bytes is not None:
        if base64_body:
            event["body"] = base64.b64encode(body_bytes).decode()
            event["isBase64Encoded"] = True
        else:
            event["body"] = body_bytes.decode()
    return event


def json_body(response: dict[str, Any]) -> Any:
    body = response.get("body") or ""
    if response.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    return json.loads(body)
