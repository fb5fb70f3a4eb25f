"""Run a Lambda handler the way AWS does: one long-lived "container" per function.

Each container is a single worker thread that imports the handler module once and serves one
invocation at a time, so the module-level app, engine and event loop live as long as the
container, as they do in a warm Lambda execution environment.
"""

from __future__ import annotations

import importlib
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

Handler = Callable[[dict[str, Any], Any], Any]
# What an EventBridge schedule sends the functions it runs (they read none of it).
SCHEDULED_EVENT: dict[str, Any] = {"source": "aws.scheduler", "detail-type": "Scheduled Event"}


@dataclass(frozen=True, slots=True)
class LambdaContext:
    """The attributes of the Lambda context object that Mangum and Powertools read."""

    function_name: str
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:000000000000:function:local"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


class FunctionContainer:
    """One warm execution environment for the handler at `module:attribute`."""

    def __init__(self, handler_path: str) -> None:
        module_name, _, attribute = handler_path.partition(":")
        self.name = module_name
        self._module_name = module_name
        self._attribute = attribute or "handler"
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=module_name)
        self._handler: Handler | None = None

    def _load(self) -> Handler:
        if self._handler is None:
            module = importlib.import_module(self._module_name)
            self._handler = getattr(module, self._attribute)
        return self._handler

    def invoke(self, event: dict[str, Any]) -> Any:
        """Invoke synchronously (RequestResponse) and return the handler's result."""

        def call() -> Any:
            return self._load()(event, LambdaContext(function_name=self.name))

        return self._executor.submit(call).result()

    def close(self) -> None:
        self._executor.shutdown(wait=True)
