"""One JSON envelope for every non-2xx answer: {"error", "detail", "request_id"}."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shop.exceptions import ShopError
from shop.observability import get_logger

# Pydantic messages for these types quote part of the submitted input.
_GENERIC_MESSAGES = {
    "uuid_parsing": "Input should be a valid UUID",
    "json_invalid": "Body is not valid JSON",
}

# Stable codes where the HTTP reason phrase differs between Python versions.
_CODES = {413: "payload_too_large"}


def request_id_of(request: Request) -> str:
    return str(request.scope.get("state", {}).get("request_id", ""))


def envelope(
    status_code: int,
    code: str,
    detail: str,
    request_id: str,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    body = {"error": code, "detail": detail, "request_id": request_id, **extra}
    return JSONResponse(body, status_code=status_code, headers=headers)


async def _shop_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ShopError)
    return envelope(exc.status_code, exc.code, exc.message, request_id_of(request), exc.headers)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    phrase = HTTPStatus(exc.status_code).phrase
    code = _CODES.get(exc.status_code) or phrase.lower().replace(" ", "_").replace("-", "_")
    return envelope(exc.status_code, code, phrase, request_id_of(request), exc.headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    """422 naming each bad field without echoing what was submitted (passwords, codes)."""
    assert isinstance(exc, RequestValidationError)
    fields = [
        {
            "loc": list(error["loc"]),
            "type": error["type"],
            "msg": _GENERIC_MESSAGES.get(error["type"], error["msg"]),
        }
        for error in exc.errors()
    ]
    get_logger().info(
        "request validation failed",
        extra={"event": "input_validation_fail", "fields": [f["loc"] for f in fields]},
    )
    return envelope(
        422, "validation_error", "The request is invalid", request_id_of(request), fields=fields
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ShopError, _shop_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
