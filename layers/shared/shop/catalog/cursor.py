"""Opaque keyset cursors: the sort they belong to and the last row's sort key and id.

A cursor is base64url JSON. It is not secret (it only repeats values of a public row); a
tampered or foreign cursor is refused with 400 rather than silently giving another page.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import uuid
from datetime import UTC, datetime
from typing import Any

from shop.exceptions import ShopError

SortKey = int | float | datetime

# Keys are bound as PostgreSQL bigint; a larger number cannot be sent (asyncpg refuses it).
_BIGINT = range(-(2**63), 2**63)


class InvalidCursor(ShopError):
    code = "invalid_cursor"


# How each sort's key is written into and read back from JSON.
_KINDS: dict[str, str] = {
    "newest": "datetime",
    "price_asc": "int",
    "price_desc": "int",
    "best_selling": "int",
    "relevance": "float",
}


def encode(sort: str, key: SortKey, row_id: uuid.UUID) -> str:
    value: Any = key.isoformat() if isinstance(key, datetime) else key
    raw = json.dumps([sort, value, str(row_id)], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def decode(cursor: str, sort: str) -> tuple[SortKey, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        cursor_sort, value, row_id = json.loads(raw)
        if cursor_sort != sort:
            raise ValueError("cursor of another sort")
        if not isinstance(row_id, str):
            raise TypeError("id is not a string")
        return _key(_KINDS[sort], value), uuid.UUID(row_id)
    except (ValueError, TypeError, KeyError, OverflowError, binascii.Error) as exc:
        raise InvalidCursor(
            "The cursor is not valid for this list; start from the first page"
        ) from exc


def _key(kind: str, value: Any) -> SortKey:
    if kind == "datetime" and isinstance(value, str):
        moment = datetime.fromisoformat(value)
        if moment.tzinfo is None:
            raise ValueError("naive timestamp")
        # asyncpg sends UTC: a moment outside datetime's range in UTC raises OverflowError here.
        return moment.astimezone(UTC)
    if kind == "int" and type(value) is int and value in _BIGINT:
        return value
    if kind == "float" and type(value) in (int, float) and math.isfinite(key := float(value)):
        return key
    raise ValueError(f"not a {kind}")
