"""A product's own page: everything a shopper needs to decide, for products on sale only."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from shop.config import Settings
from shop.models import User
from tests.catalog.factories import make_account, make_category, make_image, make_product


@pytest.fixture
async def seller(session: AsyncSession, settings: Settings) -> User:
    return await make_account(session, settings, display_name="Mira Goldsmith")


def url(product_id: uuid.UUID | str) -> str:
    return f"/api/v1/products/{product_id}"


async def test_detail_shows_description_stock_categories_and_seller(
    client: httpx.AsyncClient, session: AsyncSession, seller: User
) -> None:
    rings = await make_category(session, f"Rings {uuid.uuid4().hex[:6]}")
    bridal = await make_category(session, f"Bridal {uuid.uuid4().hex[:6]}")
    product = await make_product(
        session,
        seller,
        categories=[rings, bridal],
        name="Hammered gold band",
        description="Hand-forged 18k gold, 4 mm wide.",
        material="gold",
        price_cents=32_000,
        stock=2,
    )

    response = await client.get(url(product.id))

    assert response.status_code == 200
    assert response.json() == {
        "id": str(product.id),
        "name": "Hammered gold band",
        "description": "Hand-forged 18k gold, 4 mm wide.",
        "material": "gold",
        "price_cents": 32_000,
        "currency": "EUR",
        "stock": 2,
        "in_stock": True,
        "seller": {"id": str(seller.id), "display_name": "Mira Goldsmith"},
        "created_at": "2026-01-01T00:00:00Z",
        "image": None,
        # By name: Bridal before Rings.
        "categories": [
            {"id": str(bridal.id), "name": bridal.name, "slug": bridal.slug},
            {"id": str(rings.id), "name": rings.name, "slug": rings.slug},
        ],
        "images": [],
    }


async def test_ready_images_have_public_urls_and_pending_ones_are_not_shown(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, seller: User
) -> None:
    product = await make_product(session, seller)
    second = await make_image(
        session,
        product,
        position=1,
        variants={"200": f"public/{product.id}/b-200.webp"},
    )
    first = await make_image(
        session,
        product,
        position=0,
        variants={
            "200": f"public/{product.id}/200.webp",
            "600": f"public/{product.id}/600.webp",
        },
    )
    await make_image(session, product, status="pending", position=2)
    await make_image(session, product, status="rejected", position=3)
    media = settings.media_base_url.rstrip("/")

    images = (await client.get(url(product.id))).json()["images"]

    assert images == [
        {
            "id": str(first.id),
            "position": 0,
            "urls": {
                "200": f"{media}/public/{product.id}/200.webp",
                "600": f"{media}/public/{product.id}/600.webp",
            },
        },
        {
            "id": str(second.id),
            "position": 1,
            "urls": {"200": f"{media}/public/{product.id}/b-200.webp"},
        },
    ]


@pytest.mark.parametrize("status", ["draft", "archived"])
async def test_a_product_not_on_sale_is_not_found(
    client: httpx.AsyncClient, session: AsyncSession, seller: User, status: str
) -> None:
    product = await make_product(session, seller, status=status)

    response = await client.get(url(product.id))

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


async def test_an_unknown_product_is_not_found(client: httpx.AsyncClient) -> None:
    response = await client.get(url(uuid.uuid4()))

    assert response.status_code == 404


@pytest.mark.parametrize("product_id", ["42", "not-a-product", "0" * 33])
async def test_a_malformed_product_id_is_rejected_with_422(
    client: httpx.AsyncClient, product_id: str
) -> None:
    response = await client.get(url(product_id))

    assert response.status_code == 422
    assert response.json()["fields"][0]["loc"] == ["path", "product_id"]


async def test_detail_is_publicly_cacheable_and_revalidates(
    client: httpx.AsyncClient, session: AsyncSession, seller: User
) -> None:
    product = await make_product(session, seller)
    first = await client.get(url(product.id))

    again = await client.get(url(product.id), headers={"If-None-Match": first.headers["etag"]})
    product.stock = 0
    await session.flush()
    changed = await client.get(url(product.id), headers={"If-None-Match": first.headers["etag"]})

    assert first.headers["cache-control"] == "public, max-age=30"
    assert again.status_code == 304
    assert changed.status_code == 200
    assert changed.json()["in_stock"] is False
