"""CloudFormation custom resources: run the change, then answer the stack's presigned response
URL exactly once, SUCCESS or FAILED. A stack that gets no answer waits for its timeout, so every
failure is answered too, and a run about to hit the function's timeout answers FAILED first.
The Reason names the error class and the log stream, never the error text (a database error
can quote its connection string)."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any, Literal

from shop.observability import get_logger

Status = Literal["SUCCESS", "FAILED"]
RESPONSE_TIMEOUT_SECONDS = 10.0
# Answer FAILED this long before the function's own timeout.
TIMEOUT_MARGIN_SECONDS = 10.0


class _Responder:
    """Sends at most one response for one request."""

    def __init__(self, event: Mapping[str, Any], physical_resource_id: str) -> None:
        self._event = event
        self._physical_resource_id = physical_resource_id
        self._lock = threading.Lock()
        self.sent: dict[str, Any] | None = None

    def send(
        self, status: Status, reason: str, data: Mapping[str, str] | None = None
    ) -> dict[str, Any] | None:
        with self._lock:
            if self.sent is not None:
                return None
            body = {
                "Status": status,
                "Reason": reason,
                "PhysicalResourceId": self._physical_resource_id,
                "StackId": self._event["StackId"],
                "RequestId": self._event["RequestId"],
                "LogicalResourceId": self._event["LogicalResourceId"],
                "Data": dict(data or {}),
            }
            payload = json.dumps(body).encode()
            # The presigned URL is signed without a content type: send an empty one.
            request = urllib.request.Request(
                self._event["ResponseURL"],
                data=payload,
                method="PUT",
                headers={"Content-Type": "", "Content-Length": str(len(payload))},
            )
            with urllib.request.urlopen(request, timeout=RESPONSE_TIMEOUT_SECONDS) as response:
                response.read()
            self.sent = body
            return body


def handle(
    event: Mapping[str, Any],
    context: Any,
    change: Callable[[], Mapping[str, str]],
    *,
    physical_resource_id: str,
) -> dict[str, Any]:
    """Create and Update run `change` (its result becomes the resource's attributes); Delete
    does nothing. The physical id never changes, so an update never replaces the resource."""
    log = get_logger()
    request_type = event["RequestType"]
    responder = _Responder(event, event.get("PhysicalResourceId") or physical_resource_id)
    stream = getattr(context, "log_stream_name", "the function's log group")

    def on_timeout() -> None:
        log.error("custom resource timed out", extra={"event": "custom_resource_timeout"})
        responder.send("FAILED", f"Timed out; see CloudWatch log stream {stream}")

    seconds_left = context.get_remaining_time_in_millis() / 1000 - TIMEOUT_MARGIN_SECONDS
    timer = threading.Timer(max(seconds_left, 0.0), on_timeout)
    timer.daemon = True
    timer.start()
    try:
        if request_type == "Delete":
            data: Mapping[str, str] = {}
        else:
            data = change()
        status: Status = "SUCCESS"
        reason = f"{request_type} done"
    # Any failure must reach CloudFormation, or the stack waits for its timeout; the
    # traceback goes to the log.
    except Exception as exc:
        log.exception(
            "custom resource failed",
            extra={"event": "custom_resource_failed", "request_type": request_type},
        )
        status, data = "FAILED", {}
        reason = (
            f"{request_type} failed with {type(exc).__name__}; see CloudWatch log stream {stream}"
        )
    finally:
        timer.cancel()
    sent = responder.send(status, reason, data)
    return sent if sent is not None else responder.sent or {}
