"""The whole path as it runs locally and in AWS: a seller asks for an upload, the browser posts
the file to S3 (moto), S3 notifies the queue, the poller hands the SQS batch to the real
thumbnailer handler in its Lambda container, and the public product page shows the variants.

The thumbnailer commits through its own engine, so this test commits its data too and removes
it afterwards."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any

import boto3
import httpx
import pytest
from PIL import Image
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from devstack.aws import bootstrap
from devstack.lambda_runtime import FunctionContainer
from devstack.sqs_poller import THUMBNAILER, QueuePoller
from shop.api.app import create_app
from shop.config import Settings
from shop.db.engine import Database
from shop.models import Product, ProductImage, User
from tests.catalog.factories import log_in, make_account, make_image, make_product
from tests.conftest import api_client
from tests.images import corpus
from tests.images.events import notification, sqs_event

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sqs import SQSClient

POLLS = 10  # long-polls of at most 1 s each: the event is normally there on the first


@pytest.fixture(scope="module")
def thumbnailer(settings: Settings) -> Iterator[FunctionContainer]:
    # The function reads the process settings: their bucket and queue, on this run's moto.
    bootstrap(settings)
    container = FunctionContainer(THUMBNAILER)
    yield container
    container.close()


@pytest.fixture
def s3(settings: Settings) -> S3Client:
    return boto3.client(
        "s3", region_name=settings.aws_region, endpoint_url=settings.aws_endpoint_url
    )


@pytest.fixture
async def committed_seller(engine: AsyncEngine, settings: Settings) -> AsyncIterator[User]:
    database = Database.from_engine(engine)
    async with database.sessionmaker() as session:
        seller = await make_account(session, settings, display_name="Committed Seller")
        await session.commit()
    yield seller
    async with engine.begin() as conn:
        await conn.execute(delete(Product).where(Product.seller_id == seller.id))
        await conn.execute(delete(User).where(User.id == seller.id))


async def test_an_upload_reaches_the_product_page_in_three_sizes(
    engine: AsyncEngine,
    settings: Settings,
    committed_seller: User,
    thumbnailer: FunctionContainer,
    s3: S3Client,
) -> None:
    app = create_app(settings, Database.from_engine(engine))
    data = corpus.jpeg_with_gps_rotated(2400, 1800)
    async with api_client(app) as client:
        await log_in(client, committed_seller)
        created = await client.post(
            "/api/v1/seller/products",
            json={"name": "Signet", "material": "gold", "price_cents": 9900, "currency": "EUR"},
        )
        product_id = created.json()["id"]
        await client.patch(f"/api/v1/seller/products/{product_id}", json={"status": "active"})
        granted = await client.post(
            f"/api/v1/seller/products/{product_id}/images",
            json={"content_type": "image/jpeg", "size": len(data)},
        )
        upload = granted.json()["upload"]
        async with httpx.AsyncClient() as browser:
            posted = await browser.post(
                upload["url"],
                data=upload["fields"],
                files={"file": ("photo.jpg", data, "image/jpeg")},
            )
        assert posted.status_code == 204

        poller = QueuePoller(settings, settings.image_events_queue, thumbnailer)
        page: dict[str, object] = {}
        for _ in range(POLLS):
            await _poll(poller)
            page = (await client.get(f"/api/v1/products/{product_id}")).json()
            if page["images"]:
                break

        images: list[dict[str, Any]] = page["images"]  # type: ignore[assignment]
        [image] = images
        media = settings.media_base_url.rstrip("/")
        assert image["urls"] == {
            size: f"{media}/public/{image['id']}/{size}.webp" for size in ("200", "600", "1200")
        }
        variant = s3.get_object(
            Bucket=settings.images_bucket, Key=f"public/{image['id']}/1200.webp"
        )["Body"].read()
        published = Image.open(io.BytesIO(variant))
        assert (published.format, published.size) == ("WEBP", (900, 1200))
        assert published.getexif() == {}

        # The same notification again (SQS delivers at least once): the same page.
        key = upload["fields"]["key"]
        again = thumbnailer.invoke(sqs_event(notification(settings.images_bucket, key)))
        assert again == {"batchItemFailures": []}
        assert (await client.get(f"/api/v1/products/{product_id}")).json()["images"] == [image]

        # The seller deletes the product: its images leave the bucket.
        deleted = await client.delete(f"/api/v1/seller/products/{product_id}")
        assert deleted.status_code == 204
    listed = s3.list_objects_v2(Bucket=settings.images_bucket, Prefix=f"public/{image['id']}/")
    assert listed.get("KeyCount", 0) == 0


async def _poll(poller: QueuePoller) -> None:
    # The poller blocks on a long-poll and the container: off the test's event loop.
    await asyncio.to_thread(poller.poll_once)


async def test_the_poller_deletes_handled_messages_and_leaves_failed_ones_for_redelivery(
    engine: AsyncEngine,
    settings: Settings,
    committed_seller: User,
    thumbnailer: FunctionContainer,
    s3: S3Client,
) -> None:
    sqs: SQSClient = boto3.client(
        "sqs", region_name=settings.aws_region, endpoint_url=settings.aws_endpoint_url
    )
    queue_url = sqs.get_queue_url(QueueName=settings.image_events_queue)["QueueUrl"]
    database = Database.from_engine(engine)
    async with database.sessionmaker() as session:
        product = await make_product(session, committed_seller)
        good, archived = [await make_image(session, product, status="pending") for _ in "ab"]
        await session.commit()
    s3.put_object(Bucket=settings.images_bucket, Key=good.s3_key, Body=corpus.photo())
    # Readable by HeadObject, not by GetObject: the handler fails on this one.
    s3.put_object(
        Bucket=settings.images_bucket,
        Key=archived.s3_key,
        Body=corpus.photo(),
        StorageClass="GLACIER",
    )

    handled = 0
    for _ in range(POLLS):
        handled += await asyncio.to_thread(
            QueuePoller(settings, settings.image_events_queue, thumbnailer).poll_once
        )
        async with database.sessionmaker() as session:
            statuses = {
                image.id: image.status
                for image in [await session.get(ProductImage, i.id) for i in (good, archived)]
                if image is not None
            }
        if statuses[good.id] == "ready":
            break

    assert statuses == {good.id: "ready", archived.id: "pending"}
    assert handled == 1
    counts = sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    # The failed message is in flight until its visibility timeout, then delivered again.
    assert counts == {
        "ApproximateNumberOfMessages": "0",
        "ApproximateNumberOfMessagesNotVisible": "1",
    }
    s3.delete_object(Bucket=settings.images_bucket, Key=archived.s3_key)
