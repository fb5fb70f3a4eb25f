"""A small per-container memo with a time limit, for answers that are public and cacheable
anyway (facet counts carry `Cache-Control: public, max-age=N`; a warm Lambda container keeps
them as long as CloudFront would, instead of recounting the catalog on every request)."""

from __future__ import annotations

import time
from collections import OrderedDict


class TtlMemo[V]:
    def __init__(self, ttl_seconds: float, max_entries: int) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._entries: OrderedDict[str, tuple[float, V]] = OrderedDict()

    def get(self, key: str) -> V | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        self._entries.move_to_end(key)
        return entry[1]

    def put(self, key: str, value: V) -> None:
        self._entries[key] = (time.monotonic() + self.ttl, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
