"""Asking for an upload (UP-01..05): one presigned POST per image, for one server-made key, one
exact content type, 1 B-10 MiB and five minutes, only for the seller's own product."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shop.api.app import create_app
from shop.config import Settings
from shop.db.engine import Database
from shop.images.storage import ImageStorage
from shop.models import Product, ProductImage, User
from tests.catalog.factories import log_in, make_account, make_image, make_product
from tests.conftest import api_client
from tests.images import corpus
from tests.images.conftest import images_url

if TYPE_CHECKING:
    from fastapi import FastAPI
    from mypy_boto3_s3 import S3Client


def policy(upload: dict[str, Any]) -> dict[str, Any]:
    decoded: dict[str, Any] = json.loads(base64.b64decode(upload["fields"]["policy"]))
    return decoded


async def ask(
    client: httpx.AsyncClient,
    product_id: uuid.UUID,
    content_type: str = "image/jpeg",
    size: int = 1000,
) -> httpx.Response:
    return await client.post(
        images_url(product_id), json={"content_type": content_type, "size": size}
    )


async def test_up_01_the_key_is_uploads_seller_image_id_and_nothing_the_client_sent(
    as_seller: httpx.AsyncClient, seller: User, product: Product, images_settings: Settings
) -> None:
    response = await ask(as_seller, product.id)

    assert response.status_code == 201, response.text
    body = response.json()
    image_id = body["image"]["id"]
    key = f"uploads/{seller.id}/{image_id}"
    assert uuid.UUID(image_id).version == 4
    assert body["upload"]["fields"]["key"] == key
    conditions = policy(body["upload"])["conditions"]
    assert {"key": key} in conditions
    assert {"bucket": images_settings.images_bucket} in conditions
    assert body["image"] == {
        "id": image_id,
        "position": 0,
        "status": "pending",
        "rejection_reason": None,
        "urls": {},
    }


async def test_the_post_is_signed_with_sigv4(
    as_seller: httpx.AsyncClient, product: Product
) -> None:
    fields = (await ask(as_seller, product.id)).json()["upload"]["fields"]

    assert fields["x-amz-algorithm"] == "AWS4-HMAC-SHA256"
    assert "AWSAccessKeyId" not in fields  # SigV2, which newer regions refuse


def test_deployed_the_browser_posts_to_the_regional_bucket_host(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_ENDPOINT_URL")  # boto3 reads it too; Lambda does not set it
    deployed = settings.model_copy(
        update={"aws_endpoint_url": None, "aws_region": "eu-west-1", "images_bucket": "shop-img"}
    )

    post = ImageStorage(deployed).presigned_post("uploads/a/b", "image/png")

    assert post.url == "https://shop-img.s3.eu-west-1.amazonaws.com/"
    assert post.fields["x-amz-credential"].endswith("/eu-west-1/s3/aws4_request")


async def test_up_02_the_policy_limits_the_size_to_1_byte_through_10_mib(
    as_seller: httpx.AsyncClient, product: Product
) -> None:
    conditions = policy((await ask(as_seller, product.id)).json()["upload"])["conditions"]

    assert ["content-length-range", 1, 10_485_760] in conditions


@pytest.mark.parametrize("content_type", ["image/jpeg", "image/png", "image/webp"])
async def test_up_03_the_content_type_is_one_exact_condition_and_field(
    as_seller: httpx.AsyncClient, product: Product, content_type: str
) -> None:
    upload = (await ask(as_seller, product.id, content_type)).json()["upload"]
    conditions = policy(upload)["conditions"]

    assert upload["fields"]["Content-Type"] == content_type
    assert {"Content-Type": content_type} in conditions
    assert not [c for c in conditions if isinstance(c, list) and c[0] == "starts-with"]


@pytest.mark.parametrize(
    "content_type", ["image/svg+xml", "image/gif", "text/html", "image/*", "image/jpeg; x=1"]
)
async def test_up_03_svg_gif_and_anything_else_is_422_and_creates_nothing(
    as_seller: httpx.AsyncClient, session: AsyncSession, product: Product, content_type: str
) -> None:
    response = await ask(as_seller, product.id, content_type)

    assert response.status_code == 422
    assert content_type not in response.text  # the submitted value is not echoed
    assert await _count(session, product) == 0


async def test_up_04_the_policy_expires_within_300_seconds(
    as_seller: httpx.AsyncClient, product: Product
) -> None:
    before = datetime.now(UTC)
    upload = (await ask(as_seller, product.id)).json()["upload"]

    expiration = datetime.fromisoformat(policy(upload)["expiration"].replace("Z", "+00:00"))
    assert 0 < (expiration - before).total_seconds() <= 300 + 1
    assert datetime.fromisoformat(upload["expires_at"]) <= expiration


@pytest.mark.parametrize("size", [0, -1])
async def test_an_empty_file_is_422(
    as_seller: httpx.AsyncClient, product: Product, size: int
) -> None:
    assert (await ask(as_seller, product.id, size=size)).status_code == 422


async def test_a_file_over_10_mib_is_refused_before_any_upload(
    as_seller: httpx.AsyncClient, session: AsyncSession, product: Product
) -> None:
    response = await ask(as_seller, product.id, size=10_485_761)

    assert response.status_code == 422
    assert response.json()["error"] == "image_too_large"
    assert await _count(session, product) == 0


async def test_up_05_the_21st_image_of_a_product_is_409(
    as_seller: httpx.AsyncClient, session: AsyncSession, product: Product
) -> None:
    for position in range(20):
        await make_image(session, product, status="ready", position=position)

    response = await ask(as_seller, product.id)

    assert response.status_code == 409
    assert response.json()["error"] == "image_limit_reached"
    assert await _count(session, product) == 20


async def test_up_05_a_seller_past_the_quota_gets_409_on_any_product(
    images_settings: Settings, db: Database, session: AsyncSession, seller: User, product: Product
) -> None:
    app = create_app(images_settings.model_copy(update={"images_per_seller": 3}), db)
    other = await make_product(session, seller, name="Second ring")
    for position in range(3):
        await make_image(session, other, position=position)
    async with api_client(app) as client:
        await log_in(client, seller)
        response = await ask(client, product.id)

    assert response.status_code == 409
    assert response.json()["error"] == "image_quota_reached"


async def test_new_images_go_after_the_existing_ones(
    as_seller: httpx.AsyncClient, session: AsyncSession, product: Product
) -> None:
    await make_image(session, product, position=4)

    assert (await ask(as_seller, product.id)).json()["image"]["position"] == 5


async def test_up_05_another_seller_gets_404_as_for_a_missing_product(
    images_app: FastAPI, session: AsyncSession, settings: Settings, product: Product
) -> None:
    async with api_client(images_app) as intruder:
        await log_in(intruder, await make_account(session, settings, display_name="B"))
        theirs = await ask(intruder, product.id)
        missing = await ask(intruder, uuid.uuid4())

    assert theirs.status_code == 404
    assert theirs.json()["detail"] == missing.json()["detail"]
    assert await _count(session, product) == 0


async def test_up_05_customers_and_visitors_get_no_upload(
    images_app: FastAPI, session: AsyncSession, settings: Settings, product: Product
) -> None:
    async with api_client(images_app) as customer, api_client(images_app) as visitor:
        await log_in(customer, await make_account(session, settings, role="customer"))
        assert (await ask(customer, product.id)).status_code == 403
        assert (await ask(visitor, product.id)).status_code == 401
    assert await _count(session, product) == 0


async def test_unknown_fields_are_422(as_seller: httpx.AsyncClient, product: Product) -> None:
    response = await as_seller.post(
        images_url(product.id),
        json={"content_type": "image/png", "size": 10, "key": "uploads/x/../../public/evil"},
    )

    assert response.status_code == 422


async def test_the_presigned_post_uploads_the_file_to_its_key(
    as_seller: httpx.AsyncClient,
    seller: User,
    product: Product,
    s3: S3Client,
    images_settings: Settings,
) -> None:
    data = corpus.photo()
    upload = (await ask(as_seller, product.id, size=len(data))).json()

    # What a browser does with the form: the fields first, the file last.
    async with httpx.AsyncClient() as browser:
        posted = await browser.post(
            upload["upload"]["url"],
            data=upload["upload"]["fields"],
            files={"file": ("ring.jpg", data, "image/jpeg")},
        )

    assert posted.status_code == 204, posted.text
    key = f"uploads/{seller.id}/{upload['image']['id']}"
    stored = s3.get_object(Bucket=images_settings.images_bucket, Key=key)
    assert stored["Body"].read() == data


async def _count(session: AsyncSession, product: Product) -> int:
    statement = select(func.count()).where(ProductImage.product_id == product.id)
    return int(await session.scalar(statement) or 0)
