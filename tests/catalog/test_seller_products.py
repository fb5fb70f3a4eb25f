"""A seller managing their own products through the API: create, list, edit, publish,
archive, delete, and the validation that keeps the catalog sound."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shop.config import Settings
from shop.models import Product, ProductCategory, User
from tests.catalog.factories import (
    log_in,
    make_account,
    make_category,
    make_order_line,
    make_product,
)
from tests.conftest import Clock, api_client
from tests.helpers.accounts import signed_in
from tests.helpers.mailbox import fresh_address

MINE = "/api/v1/seller/products"
PUBLIC = "/api/v1/products"
NEW_PRODUCT: dict[str, Any] = {
    "name": "Hammered gold band",
    "description": "Hand-forged, 4 mm wide.",
    "material": "gold",
    "price_cents": 32_000,
    "currency": "EUR",
    "stock": 3,
}


@dataclass
class Seller:
    user: User
    client: httpx.AsyncClient


@pytest.fixture
async def seller(app: FastAPI, session: AsyncSession, settings: Settings) -> AsyncIterator[Seller]:
    user = await make_account(session, settings, display_name="Mira Goldsmith")
    async with api_client(app) as client:
        await log_in(client, user)
        yield Seller(user, client)


async def create(seller: Seller, **changes: Any) -> dict[str, Any]:
    response = await seller.client.post(MINE, json={**NEW_PRODUCT, **changes})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def stored(session: AsyncSession, product_id: uuid.UUID | str) -> Any:
    """The row as the database has it now (never the session's cached object)."""
    return (
        await session.execute(
            select(
                Product.seller_id,
                Product.name,
                Product.description,
                Product.material,
                Product.price_cents,
                Product.currency,
                Product.stock,
                Product.status,
                Product.units_sold,
            ).where(Product.id == uuid.UUID(str(product_id)))
        )
    ).one_or_none()


async def count_of(session: AsyncSession, seller: User) -> int:
    query = select(func.count()).select_from(Product).where(Product.seller_id == seller.id)
    return int(await session.scalar(query) or 0)


async def test_a_new_seller_signs_up_and_creates_a_draft_that_shoppers_do_not_see(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    async with api_client(app) as seller_client:
        await signed_in(seller_client, fresh_address("seller"), role="seller")

        response = await seller_client.post(MINE, json=NEW_PRODUCT)

    product = response.json()
    assert response.status_code == 201
    assert {k: product[k] for k in NEW_PRODUCT} == NEW_PRODUCT
    assert product["status"] == "draft"
    assert product["units_sold"] == 0
    assert product["in_stock"] is True
    assert product["seller"]["display_name"] == "Grace Hopper"
    assert (await client.get(f"{PUBLIC}/{product['id']}")).status_code == 404


async def test_a_product_is_created_in_the_chosen_categories(
    seller: Seller, session: AsyncSession
) -> None:
    rings, men = await make_category(session), await make_category(session)

    product = await create(seller, category_ids=[str(rings.id), str(men.id), str(rings.id)])

    assert sorted(c["slug"] for c in product["categories"]) == sorted([rings.slug, men.slug])


async def test_own_list_shows_every_status_newest_first(seller: Seller, clock: Clock) -> None:
    names = []
    for name, status in [("first", "active"), ("second", "draft"), ("third", "archived")]:
        product = await create(seller, name=name)
        edited = await seller.client.patch(f"{MINE}/{product['id']}", json={"status": status})
        assert edited.status_code == 200, edited.text
        names.append(name)
        clock.advance(minutes=1)

    response = await seller.client.get(MINE)

    assert [p["name"] for p in response.json()["items"]] == ["third", "second", "first"]
    assert [p["status"] for p in response.json()["items"]] == ["archived", "draft", "active"]
    assert response.json()["next_cursor"] is None


async def test_own_list_filters_by_status(seller: Seller) -> None:
    await create(seller, name="still a draft")
    published = await create(seller, name="on sale")
    await seller.client.patch(f"{MINE}/{published['id']}", json={"status": "active"})

    drafts = await seller.client.get(MINE, params={"status": "draft"})
    active = await seller.client.get(MINE, params={"status": "active"})
    unknown = await seller.client.get(MINE, params={"status": "deleted"})

    assert [p["name"] for p in drafts.json()["items"]] == ["still a draft"]
    assert [p["name"] for p in active.json()["items"]] == ["on sale"]
    assert unknown.status_code == 422


async def test_own_list_pages_with_the_cursor(seller: Seller, clock: Clock) -> None:
    for i in range(5):
        await create(seller, name=f"p{i}")
        if i != 2:  # two products made in the same instant: the id breaks the tie
            clock.advance(seconds=1)

    pages: list[list[str]] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = (await seller.client.get(MINE, params=params)).json()
        pages.append([p["name"] for p in body["items"]])
        cursor = body["next_cursor"]
        if cursor is None:
            break

    assert [len(page) for page in pages] == [2, 2, 1]
    assert sorted(name for page in pages for name in page) == [f"p{i}" for i in range(5)]
    assert pages[0][0] == "p4"
    assert pages[-1] == ["p0"]


async def test_a_tampered_own_list_cursor_is_refused(seller: Seller) -> None:
    response = await seller.client.get(MINE, params={"cursor": "garbage"})

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_cursor"


async def test_a_seller_reads_one_of_their_products(seller: Seller) -> None:
    created = await create(seller)

    response = await seller.client.get(f"{MINE}/{created['id']}")

    assert response.status_code == 200
    assert response.json() == created


async def test_patch_changes_only_the_given_fields(seller: Seller, clock: Clock) -> None:
    created = await create(seller)
    clock.advance(minutes=5)

    response = await seller.client.patch(
        f"{MINE}/{created['id']}", json={"price_cents": 29_500, "description": "Now 5 mm wide."}
    )

    updated = response.json()
    assert response.status_code == 200
    assert updated["price_cents"] == 29_500
    assert updated["description"] == "Now 5 mm wide."
    assert updated["name"] == created["name"]
    assert updated["stock"] == created["stock"]
    assert updated["status"] == "draft"
    assert updated["updated_at"] > created["updated_at"]
    assert updated["created_at"] == created["created_at"]


async def test_publishing_puts_the_product_on_sale(
    seller: Seller, client: httpx.AsyncClient
) -> None:
    created = await create(seller)

    published = await seller.client.patch(f"{MINE}/{created['id']}", json={"status": "active"})
    listed = await client.get(PUBLIC, params={"seller_id": str(seller.user.id)})
    detail = await client.get(f"{PUBLIC}/{created['id']}")

    assert published.json()["status"] == "active"
    assert [p["id"] for p in listed.json()["items"]] == [created["id"]]
    assert detail.status_code == 200


async def test_archiving_takes_the_product_off_sale(
    seller: Seller, client: httpx.AsyncClient
) -> None:
    created = await create(seller)
    await seller.client.patch(f"{MINE}/{created['id']}", json={"status": "active"})

    archived = await seller.client.patch(f"{MINE}/{created['id']}", json={"status": "archived"})
    listed = await client.get(PUBLIC, params={"seller_id": str(seller.user.id)})
    detail = await client.get(f"{PUBLIC}/{created['id']}")

    assert archived.json()["status"] == "archived"
    assert listed.json()["items"] == []
    assert detail.status_code == 404


async def test_deleting_a_product_never_ordered_removes_it(
    seller: Seller, session: AsyncSession
) -> None:
    created = await create(seller, category_ids=[str((await make_category(session)).id)])

    response = await seller.client.delete(f"{MINE}/{created['id']}")

    assert response.status_code == 204
    assert response.content == b""
    assert (await seller.client.get(f"{MINE}/{created['id']}")).status_code == 404
    assert await stored(session, created["id"]) is None


async def test_deleting_an_ordered_product_archives_it_to_keep_order_history(
    seller: Seller, session: AsyncSession, client: httpx.AsyncClient
) -> None:
    product = await make_product(session, seller.user, status="active")
    await make_order_line(session, product, quantity=2)

    response = await seller.client.delete(f"{MINE}/{product.id}")

    assert response.status_code == 200
    assert response.json()["id"] == str(product.id)
    assert response.json()["status"] == "archived"
    row = await stored(session, product.id)
    assert row is not None
    assert row.status == "archived"
    assert (await client.get(f"{PUBLIC}/{product.id}")).status_code == 404


@pytest.mark.parametrize(
    "changes",
    [
        {"price_cents": 0},
        {"price_cents": -100},
        {"price_cents": 10_000_000_001},
        {"stock": -1},
        {"material": "unobtainium"},
        {"material": "Gold"},
        {"currency": "USD"},
        {"currency": "eur"},
        {"name": "x" * 201},
        {"name": "   "},
        {"description": "x" * 5001},
        {"category_ids": ["not-an-id"]},
    ],
    ids=lambda c: "-".join(f"{k}={str(v)[:10]}" for k, v in c.items()),
)
async def test_an_invalid_new_product_is_rejected_with_422_and_not_stored(
    seller: Seller, session: AsyncSession, changes: dict[str, Any]
) -> None:
    response = await seller.client.post(MINE, json={**NEW_PRODUCT, **changes})

    assert response.status_code == 422, response.text
    assert await count_of(session, seller.user) == 0


async def test_a_product_without_a_required_field_is_rejected(seller: Seller) -> None:
    body = {k: v for k, v in NEW_PRODUCT.items() if k != "price_cents"}

    response = await seller.client.post(MINE, json=body)

    assert response.status_code == 422


@pytest.mark.parametrize(
    "field", ["seller_id", "units_sold", "status", "id", "created_at", "search_vector"]
)
async def test_fields_a_seller_may_not_set_are_refused_on_create(
    seller: Seller, session: AsyncSession, settings: Settings, field: str
) -> None:
    other = await make_account(session, settings)
    value = {"seller_id": str(other.id), "units_sold": 1_000, "status": "active"}.get(
        field, "2020-01-01T00:00:00Z"
    )

    response = await seller.client.post(MINE, json={**NEW_PRODUCT, field: value})

    assert response.status_code == 422
    assert response.json()["fields"][0]["type"] == "extra_forbidden"
    assert await count_of(session, seller.user) == 0
    assert await count_of(session, other) == 0


@pytest.mark.parametrize(
    "changes",
    [
        {"seller_id": None},
        {"units_sold": 1_000},
        {"created_at": "2020-01-01T00:00:00Z"},
        {"price_cents": 0},
        {"stock": -1},
        {"material": "unobtainium"},
        {"currency": "USD"},
        {"name": "x" * 201},
        {"status": "deleted"},
        {"name": None},
        {"price_cents": None},
        {"name": "Renamed", "units_sold": 1_000},  # one bad field spoils the whole edit
    ],
    ids=lambda c: "-".join(f"{k}={str(v)[:10]}" for k, v in c.items()),
)
async def test_an_invalid_edit_is_rejected_with_422_and_changes_nothing(
    seller: Seller, session: AsyncSession, settings: Settings, changes: dict[str, Any]
) -> None:
    created = await create(seller)
    before = await stored(session, created["id"])
    if "seller_id" in changes:
        changes = {"seller_id": str((await make_account(session, settings)).id)}

    response = await seller.client.patch(f"{MINE}/{created['id']}", json=changes)

    assert response.status_code == 422, response.text
    assert await stored(session, created["id"]) == before


async def test_the_database_refuses_negative_stock(
    session: AsyncSession, settings: Settings
) -> None:
    product = await make_product(session, await make_account(session, settings))

    with pytest.raises(IntegrityError, match="stock_non_negative"):
        async with session.begin_nested():
            await session.execute(update(Product).where(Product.id == product.id).values(stock=-1))


async def test_putting_categories_replaces_them(seller: Seller, session: AsyncSession) -> None:
    rings, men, bridal = [await make_category(session) for _ in range(3)]
    created = await create(seller, category_ids=[str(rings.id), str(men.id)])

    response = await seller.client.put(
        f"{MINE}/{created['id']}/categories", json={"category_ids": [str(bridal.id)]}
    )
    cleared = await seller.client.put(
        f"{MINE}/{created['id']}/categories", json={"category_ids": []}
    )

    assert [c["slug"] for c in response.json()["categories"]] == [bridal.slug]
    assert cleared.json()["categories"] == []


async def test_an_unknown_category_is_refused_and_the_categories_stay(
    seller: Seller, session: AsyncSession
) -> None:
    rings = await make_category(session)
    created = await create(seller, category_ids=[str(rings.id)])

    put = await seller.client.put(
        f"{MINE}/{created['id']}/categories",
        json={"category_ids": [str(rings.id), str(uuid.uuid4())]},
    )
    post = await seller.client.post(MINE, json={**NEW_PRODUCT, "category_ids": [str(uuid.uuid4())]})

    assert (put.status_code, put.json()["error"]) == (422, "unknown_category")
    assert (post.status_code, post.json()["error"]) == (422, "unknown_category")
    kept = await session.scalars(
        select(ProductCategory.category_id).where(
            ProductCategory.product_id == uuid.UUID(created["id"])
        )
    )
    assert list(kept) == [rings.id]
    assert await count_of(session, seller.user) == 1


async def test_more_than_ten_categories_are_refused(seller: Seller, session: AsyncSession) -> None:
    created = await create(seller)
    many = [str((await make_category(session)).id) for _ in range(11)]

    response = await seller.client.put(
        f"{MINE}/{created['id']}/categories", json={"category_ids": many}
    )

    assert response.status_code == 422


@pytest.mark.parametrize("edit", ["patch", "put categories", "delete ordered"])
async def test_a_product_can_be_edited_in_the_same_instant_it_was_created(
    seller: Seller, session: AsyncSession, clock: Clock, edit: str
) -> None:
    # The clock stands still: the edit's time equals the stored updated_at.
    created = await create(seller)
    url = f"{MINE}/{created['id']}"
    if edit == "patch":
        response = await seller.client.patch(url, json={"status": "active"})
    elif edit == "put categories":
        category = await make_category(session)
        response = await seller.client.put(
            f"{url}/categories", json={"category_ids": [str(category.id)]}
        )
    else:
        product = await session.get(Product, uuid.UUID(created["id"]))
        assert product is not None
        await make_order_line(session, product)
        response = await seller.client.delete(url)

    assert response.status_code == 200, response.text
    assert response.json()["updated_at"] == created["updated_at"]
