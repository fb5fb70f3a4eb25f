"""SQS batches of S3 notifications: each record on its own, failures reported per message so
SQS retries only those (partial batch response), and nothing a retry cannot fix retried."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from shop.config import Settings
from shop.db.engine import Database
from shop.images.events import handle_batch
from shop.images.storage import ImageStorage
from shop.models import Product, ProductImage
from tests.catalog.factories import make_image
from tests.images import corpus
from tests.images.events import notification, sqs_event

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


Handle = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]
Pending = Callable[..., Awaitable[ProductImage]]


@pytest.fixture
def handle(db: Database, images_settings: Settings, storage: ImageStorage) -> Handle:
    return lambda event: handle_batch(event, images_settings, db, storage)


@pytest.fixture
def pending(
    session: AsyncSession, product: Product, s3: S3Client, storage: ImageStorage
) -> Pending:
    """A pending image row and a photo under its upload key (`put` goes to PutObject)."""

    async def make(**put: Any) -> ProductImage:
        image = await make_image(session, product, status="pending")
        s3.put_object(Bucket=storage.bucket, Key=image.s3_key, Body=corpus.photo(), **put)
        return image

    return make


async def test_one_failing_record_is_reported_and_the_others_are_processed(
    handle: Handle, pending: Pending, session: AsyncSession, s3: S3Client, storage: ImageStorage
) -> None:
    good = await pending()
    # S3 lists and heads an archived object but refuses to read it: an S3 error mid-batch.
    archived = await pending(StorageClass="GLACIER")
    event = sqs_event(
        notification(storage.bucket, archived.s3_key),
        notification(storage.bucket, good.s3_key),
        json.dumps({"Service": "Amazon S3", "Event": "s3:TestEvent"}),
        "not json at all",
    )

    response = await handle(event)

    assert response == {"batchItemFailures": [{"itemIdentifier": "m0"}]}
    await session.refresh(good)
    await session.refresh(archived)
    assert (good.status, archived.status) == ("ready", "pending")


async def test_a_refused_image_is_an_outcome_not_a_failure(
    handle: Handle, pending: Pending, session: AsyncSession, s3: S3Client, storage: ImageStorage
) -> None:
    image = await pending()
    s3.put_object(Bucket=storage.bucket, Key=image.s3_key, Body=corpus.gif())

    response = await handle(sqs_event(notification(storage.bucket, image.s3_key)))

    assert response == {"batchItemFailures": []}
    await session.refresh(image)
    assert image.status == "rejected"
