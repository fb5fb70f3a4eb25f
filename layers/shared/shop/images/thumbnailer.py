"""The thumbnailer: an uploaded object in, WebP variants and a ready (or rejected) row out.

Idempotent on repeated and out-of-order events (IMG-02): the row, found by its object key, is
processed only while pending; variant keys are fixed per image id and size; whatever object
is under the key when the event is handled is the one checked. The first outcome wins, and
every later upload to the key is deleted unread.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote_plus

from shop.config import Settings
from shop.db.engine import Database
from shop.db.session import unit_of_work
from shop.images import processing
from shop.images.repository import ImageRepository
from shop.images.storage import ImageStorage, variant_key
from shop.observability import get_logger

# uploads/{seller_id}/{image_id}: what the API signs, nothing else (IMG-01).
_UPLOAD_KEY = re.compile(r"^uploads/[0-9a-f-]{36}/[0-9a-f-]{36}$")

Outcome = Literal["ready", "rejected", "ignored", "duplicate", "orphan", "gone"]


@dataclass(frozen=True, slots=True)
class _Claim:
    image_id: uuid.UUID
    content_type: str


async def process_object(
    database: Database, settings: Settings, storage: ImageStorage, bucket: str, raw_key: str
) -> Outcome:
    """Handle one S3 ObjectCreated record (its key as S3 sends it: URL-encoded, IMG-03)."""
    key = unquote_plus(raw_key)
    log = get_logger()
    if bucket != storage.bucket or not _UPLOAD_KEY.match(key):
        log.warning(
            "object ignored", extra={"event": "image_event_ignored", "bucket": bucket, "key": key}
        )
        return "ignored"
    async with unit_of_work(database) as session:
        image = await ImageRepository(session).by_key(key)
        claim = None if image is None else _Claim(image.id, image.content_type)
        status = None if image is None else image.status
    if claim is None:
        # Not an upload the API granted, or its image was deleted: nothing may keep it.
        storage.delete([key])
        return "orphan"
    if status != "pending":
        # Already processed (its original is no longer needed): a repeated event, or another
        # upload to the same key since.
        storage.delete([key])
        return "duplicate"
    try:
        variants = _render(settings, storage, key, claim)
    except processing.Rejected as refused:
        return await _reject(database, storage, key, claim, refused.reason)
    except _Gone:
        return "gone"
    return await _publish(database, storage, key, claim, variants)


class _Gone(Exception):
    """The object was deleted before it could be read (a parallel duplicate finished it)."""


def _render(
    settings: Settings, storage: ImageStorage, key: str, claim: _Claim
) -> dict[str, tuple[str, bytes]]:
    """{size: (variant key, WebP bytes)}, sizes with equal pixels sharing one object."""
    size = storage.size_of(key)
    if size is None:
        raise _Gone
    limit = settings.image_max_bytes
    if size > limit:  # IMG-04: before downloading anything
        raise processing.Rejected(f"The file is larger than {limit:,} bytes")
    data = storage.read(key, limit)
    if data is None:
        raise _Gone
    if len(data) > limit:  # replaced by a bigger object since HeadObject
        raise processing.Rejected(f"The file is larger than {limit:,} bytes")
    renditions = processing.render(
        data,
        claim.content_type,
        sizes=settings.image_variant_sizes,
        max_pixels=settings.image_max_pixels,
        quality=settings.image_webp_quality,
    )
    variants: dict[str, tuple[str, bytes]] = {}
    by_pixels: dict[tuple[int, int], str] = {}
    for rendition in renditions:
        pixels = (rendition.width, rendition.height)
        object_key = by_pixels.setdefault(pixels, variant_key(claim.image_id, rendition.size))
        variants[str(rendition.size)] = (object_key, rendition.data)
    return variants


async def _publish(
    database: Database,
    storage: ImageStorage,
    key: str,
    claim: _Claim,
    variants: dict[str, tuple[str, bytes]],
) -> Outcome:
    written = dict(variants.values())
    for object_key, data in written.items():
        storage.put_variant(object_key, data)
    async with unit_of_work(database) as session:
        image = await ImageRepository(session).by_key(key, for_update=True)
        if image is not None and image.status == "pending":
            image.status = "ready"
            image.variants = {size: object_key for size, (object_key, _) in variants.items()}
            image.rejection_reason = None
            outcome: Outcome = "ready"
        else:
            outcome = "orphan" if image is None else "duplicate"
    if outcome == "orphan":
        # Deleted while it was being processed: take back what was just written.
        storage.delete([key, *written])
    else:
        # The original may carry location data and is never served: nothing keeps it.
        storage.delete([key])
    get_logger().info(
        "image processed",
        extra={"event": "upload_validation", "outcome": outcome, "image_id": str(claim.image_id)},
    )
    return outcome


async def _reject(
    database: Database, storage: ImageStorage, key: str, claim: _Claim, reason: str
) -> Outcome:
    async with unit_of_work(database) as session:
        image = await ImageRepository(session).by_key(key, for_update=True)
        rejected = image is not None and image.status == "pending"
        if image is not None and rejected:
            image.status = "rejected"
            image.rejection_reason = reason
    storage.delete([key])
    get_logger().warning(
        "upload refused",
        extra={
            "event": "upload_validation",
            "outcome": "FAILED",
            "image_id": str(claim.image_id),
            "reason": reason,
        },
    )
    return "rejected" if rejected else "duplicate"
