"""SQS batches of S3 notifications: each record on its own, failures reported per message so
SQS retries only those (partial batch response), and nothing a retry cannot fix retried."""

from __future__ import annotations

import json
import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from shop.config import Settings
from shop.db.engine import Database
from shop.images.events import handle_batch
from shop.images.storage import ImageStorage
from shop.models import Product, ProductImage
from tests.images import corpus

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


def notification(bucket: str, key: str) -> str:
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
    return {
        "Records": [
            {
                "messageId": f"m{n}",
                "receiptHandle": f"r{n}",
                "body": body,
                "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {},
                "md5OfBody": "",
                "eventSource": "aws:sqs",
                "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:facet-image-events",
                "awsRegion": "us-east-1",
            }
            for n, body in enumerate(bodies)
        ]
    }


async def pending_image(
    session: AsyncSession, product: Product, s3: S3Client, bucket: str, **put: Any
) -> ProductImage:
    image_id = uuid.uuid4()
    image = ProductImage(
        id=image_id,
        product_id=product.id,
        seller_id=product.seller_id,
        s3_key=f"uploads/{product.seller_id}/{image_id}",
        content_type="image/jpeg",
        status="pending",
        variants={},
        position=0,
    )
    session.add(image)
    await session.flush()
    s3.put_object(Bucket=bucket, Key=image.s3_key, Body=corpus.photo(), **put)
    return image


async def test_one_failing_record_is_reported_and_the_others_are_processed(
    db: Database,
    images_settings: Settings,
    storage: ImageStorage,
    session: AsyncSession,
    product: Product,
    s3: S3Client,
) -> None:
    good = await pending_image(session, product, s3, storage.bucket)
    # S3 lists and heads an archived object but refuses to read it: an S3 error mid-batch.
    archived = await pending_image(session, product, s3, storage.bucket, StorageClass="GLACIER")
    event = sqs_event(
        notification(storage.bucket, archived.s3_key),
        notification(storage.bucket, good.s3_key),
        json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent"}),
        "not json at all",
    )

    response = await handle_batch(event, images_settings, db, storage)

    assert response == {"batchItemFailures": [{"itemIdentifier": "m0"}]}
    await session.refresh(good)
    await session.refresh(archived)
    assert (good.status, archived.status) == ("ready", "pending")


async def test_a_refused_image_is_an_outcome_not_a_failure(
    db: Database,
    images_settings: Settings,
    storage: ImageStorage,
    session: AsyncSession,
    product: Product,
    s3: S3Client,
) -> None:
    image = await pending_image(session, product, s3, storage.bucket)
    s3.put_object(Bucket=storage.bucket, Key=image.s3_key, Body=corpus.gif())

    response = await handle_batch(
        sqs_event(notification(storage.bucket, image.s3_key)), images_settings, db, storage
    )

    assert response == {"batchItemFailures": []}
    await session.refresh(image)
    assert image.status == "rejected"
