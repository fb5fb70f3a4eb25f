"""Stripe's form encoding (`line_items[0][price_data][currency]=eur`) back into JSON values."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


def decode_form(body: str) -> dict[str, Any]:
    """Nested dicts from bracketed keys; a dict whose keys are 0..n-1 becomes a list."""
    root: dict[str, Any] = {}
    for raw_key, value in parse_qsl(body, keep_blank_values=True):
        match = _KEY.match(raw_key)
        if match is None:
            continue
        path = [match.group(1), *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
        node = root
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    decoded: dict[str, Any] = _lists(root)
    return decoded


def _lists(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    converted = {key: _lists(item) for key, item in value.items()}
    if converted and all(key.isdigit() for key in converted):
        indexes = sorted(converted, key=int)
        if [int(i) for i in indexes] == list(range(len(indexes))):
            return [converted[i] for i in indexes]
    return converted
