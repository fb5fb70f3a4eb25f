"""S3 notifications wrapped in SQS events, as the thumbnailer receives them."""

from __future__ import annotations

import json
from typing import Any

from devstack import sqs_poller

QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:facet-image-events"


def notification(bucket: str, key: str) -> str:
    """The body S3 sends for one ObjectCreated (a browser's POST upload) of `key`."""
    return json.dumps(
        {
            "Records": [
                {
                    "eventName": "ObjectCreated:Post",
                    "s3": {"bucket": {"name": bucket}, "object": {"key": key, "size": 1}},
                }
            ]
        }
    )


def sqs_event(*bodies: str) -> dict[str, Any]:
    """One SQS record per body, message ids m0, m1, ..."""
    messages: list[Any] = [
        {"MessageId": f"m{n}", "ReceiptHandle": f"r{n}", "Body": body}
        for n, body in enumerate(bodies)
    ]
    return sqs_poller.sqs_event(messages, QUEUE_ARN, "us-east-1")
