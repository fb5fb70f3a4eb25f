"""A seller's images after the upload: seen with their state, reordered, deleted (objects
too), and gone with their product; another seller can touch none of it."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shop.config import Settings
from shop.images.storage import ImageStorage
from shop.models import Product, ProductImage, User
from tests.catalog.factories import (
    log_in,
    make_account,
    make_image,
    make_order_line,
    make_product,
)
from tests.conftest import api_client
from tests.images.conftest import images_url

if TYPE_CHECKING:
    from fastapi import FastAPI
    from mypy_boto3_s3 import S3Client


Store = Callable[..., Awaitable[ProductImage]]
Keys = Callable[[], set[str]]


@pytest.fixture
def store(session: AsyncSession, product: Product, s3: S3Client, storage: ImageStorage) -> Store:
    """A ready image whose original and variants are in the bucket."""

    async def make(position: int = 0) -> ProductImage:
        image_id = uuid.uuid4()
        variants = {size: f"public/{image_id}/{size}.webp" for size in ("200", "600")}
        image = await make_image(session, product, position=position, variants=variants)
        for key in [image.s3_key, *variants.values()]:
            s3.put_object(Bucket=storage.bucket, Key=key, Body=b"x")
        return image

    return make


@pytest.fixture
def bucket_keys(s3: S3Client, storage: ImageStorage) -> Keys:
    def listed() -> set[str]:
        contents = s3.list_objects_v2(Bucket=storage.bucket).get("Contents", [])
        return {item["Key"] for item in contents}

    return listed


async def test_the_seller_sees_every_image_with_its_state_and_reason(
    as_seller: httpx.AsyncClient, session: AsyncSession, product: Product, images_settings: Settings
) -> None:
    ready = await make_image(
        session, product, position=0, variants={"200": f"public/{product.id}/200.webp"}
    )
    pending = await make_image(session, product, status="pending", position=1)
    rejected = await make_image(session, product, status="rejected", position=2)
    rejected.rejection_reason = "Animated or multi-frame images are not accepted"
    await session.flush()

    images = (await as_seller.get(f"/api/v1/seller/products/{product.id}")).json()["images"]

    media = images_settings.media_base_url
    assert images == [
        {
            "id": str(ready.id),
            "position": 0,
            "status": "ready",
            "rejection_reason": None,
            "urls": {"200": f"{media}/public/{product.id}/200.webp"},
        },
        {
            "id": str(pending.id),
            "position": 1,
            "status": "pending",
            "rejection_reason": None,
            "urls": {},
        },
        {
            "id": str(rejected.id),
            "position": 2,
            "status": "rejected",
            "rejection_reason": "Animated or multi-frame images are not accepted",
            "urls": {},
        },
    ]
    listed = (await as_seller.get("/api/v1/seller/products")).json()["items"]
    assert [i["status"] for i in listed[0]["images"]] == ["ready", "pending", "rejected"]


async def test_deleting_an_image_removes_its_row_original_and_variants(
    as_seller: httpx.AsyncClient,
    session: AsyncSession,
    product: Product,
    store: Store,
    bucket_keys: Keys,
) -> None:
    kept = await store()
    gone = await store(position=1)

    response = await as_seller.delete(images_url(product.id, str(gone.id)))

    assert response.status_code == 204
    assert await session.get(ProductImage, gone.id, populate_existing=True) is None
    assert bucket_keys() == {kept.s3_key, *kept.variants.values()}


async def test_deleting_an_unknown_image_is_404(
    as_seller: httpx.AsyncClient, product: Product
) -> None:
    response = await as_seller.delete(images_url(product.id, str(uuid.uuid4())))

    assert response.status_code == 404


async def test_reordering_sets_positions_in_the_given_order(
    as_seller: httpx.AsyncClient, session: AsyncSession, product: Product
) -> None:
    a, b, c = [await make_image(session, product, position=n) for n in range(3)]

    response = await as_seller.put(
        images_url(product.id, "order"), json={"image_ids": [str(c.id), str(a.id), str(b.id)]}
    )

    assert response.status_code == 200, response.text
    assert [(i["id"], i["position"]) for i in response.json()] == [
        (str(c.id), 0),
        (str(a.id), 1),
        (str(b.id), 2),
    ]
    public = (await as_seller.get(f"/api/v1/products/{product.id}")).json()["images"]
    assert [i["id"] for i in public] == [str(c.id), str(a.id), str(b.id)]


async def test_an_order_that_leaves_out_or_invents_an_image_is_422_and_changes_nothing(
    as_seller: httpx.AsyncClient, session: AsyncSession, product: Product
) -> None:
    a, b = [await make_image(session, product, position=n) for n in range(2)]

    for ids in ([str(b.id)], [str(b.id), str(a.id), str(uuid.uuid4())], [str(a.id)] * 2):
        response = await as_seller.put(images_url(product.id, "order"), json={"image_ids": ids})
        assert response.status_code == 422, ids

    positions = await session.execute(
        select(ProductImage.id, ProductImage.position).where(ProductImage.product_id == product.id)
    )
    assert {row[0]: row[1] for row in positions} == {a.id: 0, b.id: 1}


async def test_deleting_a_product_removes_its_image_objects(
    as_seller: httpx.AsyncClient,
    session: AsyncSession,
    product: Product,
    store: Store,
    bucket_keys: Keys,
) -> None:
    await store()

    response = await as_seller.delete(f"/api/v1/seller/products/{product.id}")

    assert response.status_code == 204
    assert bucket_keys() == set()


async def test_an_archived_product_keeps_its_images(
    as_seller: httpx.AsyncClient,
    session: AsyncSession,
    product: Product,
    store: Store,
    bucket_keys: Keys,
) -> None:
    image = await store()
    await make_order_line(session, product)

    response = await as_seller.delete(f"/api/v1/seller/products/{product.id}")

    assert response.json()["status"] == "archived"
    assert bucket_keys() == {
        image.s3_key,
        *image.variants.values(),
    }


async def test_another_seller_can_neither_delete_nor_reorder_and_gets_404(
    images_app: FastAPI,
    session: AsyncSession,
    settings: Settings,
    product: Product,
    store: Store,
    bucket_keys: Keys,
) -> None:
    image = await store()
    async with api_client(images_app) as intruder:
        await log_in(intruder, await make_account(session, settings, display_name="B"))
        deleted = await intruder.delete(images_url(product.id, str(image.id)))
        reordered = await intruder.put(
            images_url(product.id, "order"), json={"image_ids": [str(image.id)]}
        )

    assert (deleted.status_code, reordered.status_code) == (404, 404)
    assert await session.get(ProductImage, image.id) is not None
    assert len(bucket_keys()) == 3


async def test_an_image_of_another_product_cannot_be_deleted_through_this_one(
    as_seller: httpx.AsyncClient, session: AsyncSession, seller: User, product: Product
) -> None:
    other = await make_product(session, seller, name="Other")
    image = await make_image(session, other)

    response = await as_seller.delete(images_url(product.id, str(image.id)))

    assert response.status_code == 404
    assert await session.get(ProductImage, image.id) is not None
