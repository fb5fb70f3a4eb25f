"""One event loop per container (per thread, for the local server's per-function workers).

Pooled asyncpg connections are bound to the loop that opened them, so a Lambda container must
reuse one loop for every invocation instead of `asyncio.run()` per event.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any

_local = threading.local()


def event_loop() -> asyncio.AbstractEventLoop:
    """Return this thread's loop, creating and installing it on first use."""
    loop: asyncio.AbstractEventLoop | None = getattr(_local, "loop", None)
    if loop is None or loop.is_closed():
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        _local.loop = loop
    return loop


def run[T](coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion on the container's loop (for non-ASGI handlers)."""
    return event_loop().run_until_complete(coro)
