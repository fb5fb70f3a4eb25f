"""Errors that carry their own HTTP status; one handler renders them as the JSON envelope."""

from __future__ import annotations

from collections.abc import Mapping


class ShopError(Exception):
    """Base of every expected failure. `code` is stable and machine-readable; `message` is safe
    to show to the client."""

    status_code: int = 400
    code: str = "bad_request"
    # True when what the request wrote before failing must still be committed, e.g. the failed
    # login counter: the error response is the point, the counter is the defence.
    keeps_changes: bool = False

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code
        if code is not None:
            self.code = code
        self.headers = dict(headers or {})


class NotFound(ShopError):
    status_code = 404
    code = "not_found"


class Conflict(ShopError):
    status_code = 409
    code = "conflict"


class Unauthorized(ShopError):
    status_code = 401
    code = "unauthorized"


class Forbidden(ShopError):
    status_code = 403
    code = "forbidden"


class TooManyRequests(ShopError):
    status_code = 429
    code = "too_many_requests"

    def __init__(self, message: str, *, retry_after_seconds: int, code: str | None = None) -> None:
        super().__init__(message, code=code, headers={"Retry-After": str(retry_after_seconds)})


class ServiceUnavailable(ShopError):
    status_code = 503
    code = "service_unavailable"

    def __init__(self, message: str, *, retry_after_seconds: int, code: str | None = None) -> None:
        super().__init__(message, code=code, headers={"Retry-After": str(retry_after_seconds)})
