"""SQS batches of S3 notifications → the thumbnailer, with partial batch failure reports.

S3 sends ObjectCreated for `uploads/` to a queue that feeds the function (infra/template.yaml;
locally devstack's poller does the same). A record whose handling raised (S3 or the database
unreachable) is reported in `batchItemFailures`, so SQS redelivers that one alone and, after
its last try, moves it to the dead-letter queue; the others are not held back. A refused image
is an outcome, not a failure: no retry could change it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from shop.config import Settings
from shop.db.engine import Database
from shop.images.storage import ImageStorage
from shop.images.thumbnailer import process_object
from shop.observability import get_logger


def s3_objects(body: str) -> Iterator[tuple[str, str]]:
    """(bucket, URL-encoded key) of each ObjectCreated record in an S3 notification. A message
    that is no notification (S3's s3:TestEvent, anything malformed) yields nothing: a retry
    could not make it one."""
    try:
        message = json.loads(body)
        records = message.get("Records", []) if isinstance(message, dict) else []
        found = [
            (record["s3"]["bucket"]["name"], record["s3"]["object"]["key"])
            for record in records
            if str(record.get("eventName", "")).startswith("ObjectCreated:")
        ]
    except (ValueError, TypeError, KeyError, AttributeError):
        get_logger().warning("not an S3 notification", extra={"event": "image_event_malformed"})
        return
    yield from found


async def handle_batch(
    event: dict[str, Any], settings: Settings, database: Database, storage: ImageStorage
) -> dict[str, Any]:
    """Process every record of an SQS event, one after another (one decoded image in memory at
    a time); the failed ones come back in `batchItemFailures` for another try."""
    failures: list[dict[str, str]] = []
    for record in event.get("Records", []):
        try:
            for bucket, key in s3_objects(record.get("body", "")):
                await process_object(database, settings, storage, bucket, key)
        # Any error, on purpose: the message goes back to SQS for a retry and, after the last,
        # to the dead-letter queue, and the traceback to the log; the rest of the batch is not
        # held hostage by one record.
        except Exception:
            get_logger().exception(
                "image event failed; SQS will deliver it again",
                extra={"event": "image_event_failed", "message_id": record.get("messageId")},
            )
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
