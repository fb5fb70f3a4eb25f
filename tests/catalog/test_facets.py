"""Facets: the counts a shopper sees beside the list, each group ignoring its own filter so
the shopper can see what widening it would add."""

from __future__ import annotations

import dataclasses
from collections import Counter
from typing import Any

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession

from shop.config import Settings
from shop.models import Category, User
from tests.catalog.factories import make_account, make_category, make_product
from tests.catalog.test_list_properties import (
    Filters,
    catalogs,
    create,
    examples,
    filters,
    is_listed,
    rolled_back,
)

FACETS = "/api/v1/products/facets"


@dataclasses.dataclass
class Shop:
    aurum: User
    bright: User
    scope: Category  # every product of this test is in it; other tests' rows are not
    rings: Category
    men: Category


@pytest.fixture
async def shop(session: AsyncSession, settings: Settings) -> Shop:
    aurum = await make_account(session, settings, display_name="Aurum Atelier")
    bright = await make_account(session, settings, display_name="Bright Silver")
    scope, rings, men = [await make_category(session) for _ in range(3)]
    for seller, material, price, stock, status, categories, name in [
        (aurum, "gold", 1_000, 1, "active", [scope, rings], "Gold ring"),
        (aurum, "gold", 3_000, 2, "active", [scope, men], "Gold signet"),
        (aurum, "silver", 2_000, 0, "active", [scope, rings, men], "Silver band"),
        (aurum, "platinum", 9_000, 1, "draft", [scope, rings], "Platinum draft"),
        (aurum, "silver", 500, 1, "archived", [scope], "Old silver"),
        (bright, "silver", 1_500, 0, "active", [scope, rings], "Silver hoop"),
        (bright, "gold", 4_000, 3, "active", [scope], "Gold chain"),
    ]:
        await make_product(
            session,
            seller,
            categories=categories,
            name=name,
            material=material,
            price_cents=price,
            stock=stock,
            status=status,
        )
    return Shop(aurum, bright, scope, rings, men)


async def facets(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await client.get(FACETS, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def materials(body: dict[str, Any]) -> dict[str, int]:
    return {m["value"]: m["count"] for m in body["materials"]}


def categories(body: dict[str, Any]) -> dict[str, int]:
    return {c["slug"]: c["count"] for c in body["categories"]}


def sellers(body: dict[str, Any]) -> dict[str, int]:
    return {s["id"]: s["count"] for s in body["sellers"]}


async def test_facets_count_the_active_products_by_material_category_and_seller(
    client: httpx.AsyncClient, shop: Shop
) -> None:
    # Aurum's products in the scope category: drafts and archived ones are not on sale.
    body = await facets(client, seller_id=str(shop.aurum.id), category=shop.scope.slug)

    assert body["total"] == 3
    assert body["price"] == {"min_cents": 1_000, "max_cents": 3_000}
    assert body["materials"] == [{"value": "gold", "count": 2}, {"value": "silver", "count": 1}]
    assert categories(body) == {shop.scope.slug: 3, shop.rings.slug: 2, shop.men.slug: 2}
    assert body["sellers"] == [
        {"id": str(shop.aurum.id), "display_name": "Aurum Atelier", "count": 3},
        {"id": str(shop.bright.id), "display_name": "Bright Silver", "count": 2},
    ]


async def test_material_counts_ignore_the_material_filter(
    client: httpx.AsyncClient, shop: Shop
) -> None:
    body = await facets(client, category=shop.scope.slug, material="gold")

    assert body["total"] == 3
    assert materials(body) == {"gold": 3, "silver": 2}


async def test_category_counts_ignore_the_category_filter(
    client: httpx.AsyncClient, shop: Shop
) -> None:
    body = await facets(client, seller_id=str(shop.aurum.id), category=shop.men.slug)

    assert body["total"] == 2
    assert categories(body) == {shop.scope.slug: 3, shop.rings.slug: 2, shop.men.slug: 2}


async def test_seller_counts_ignore_the_seller_filter(
    client: httpx.AsyncClient, shop: Shop
) -> None:
    body = await facets(client, category=shop.rings.slug, seller_id=str(shop.bright.id))

    assert body["total"] == 1
    assert sellers(body) == {str(shop.aurum.id): 2, str(shop.bright.id): 1}


async def test_each_group_still_honours_the_other_filters(
    client: httpx.AsyncClient, shop: Shop
) -> None:
    body = await facets(
        client,
        seller_id=str(shop.aurum.id),
        category=shop.scope.slug,
        material="silver",
        in_stock=True,
    )

    assert body["total"] == 0
    # Aurum's ring and signet are gold and in stock; every silver piece is sold out.
    assert materials(body) == {"gold": 2}
    assert sellers(body) == {}
    assert categories(body) == {}


async def test_total_and_price_range_honour_every_filter(
    client: httpx.AsyncClient, shop: Shop
) -> None:
    body = await facets(
        client,
        category=[shop.rings.slug, shop.men.slug],
        material=["gold", "silver"],
        min_price=1_500,
        max_price=3_000,
        q="s",  # Signet, Silver band, Silver hoop
    )

    assert body["total"] == 3
    assert body["price"] == {"min_cents": 1_500, "max_cents": 3_000}


async def test_no_matching_product_gives_total_zero_and_no_price_range(
    client: httpx.AsyncClient, shop: Shop
) -> None:
    body = await facets(client, category=shop.scope.slug, min_price=50_000)

    assert body["total"] == 0
    assert body["price"] is None
    assert body["materials"] == []


async def test_facets_are_publicly_cacheable_and_revalidate(
    client: httpx.AsyncClient, shop: Shop
) -> None:
    params = {"category": shop.scope.slug}
    first = await client.get(FACETS, params=params)

    again = await client.get(
        FACETS, params=params, headers={"If-None-Match": first.headers["etag"]}
    )

    assert first.headers["cache-control"] == "public, max-age=30"
    assert again.status_code == 304


async def test_facets_refuse_list_only_parameters(client: httpx.AsyncClient) -> None:
    response = await client.get(FACETS, params={"sort": "newest"})

    assert response.status_code == 422


def drop(f: Filters, group: str) -> Filters:
    """The filters without one group's own: what that group's counts are taken over."""
    if group == "seller":
        return dataclasses.replace(f, seller=None)
    return (
        dataclasses.replace(f, materials=())
        if group == "materials"
        else (dataclasses.replace(f, categories=()))
    )


@examples
@given(data=st.data())
async def test_facets_of_random_catalogs_match_a_reference(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, data: st.DataObject
) -> None:
    materials_ = settings.catalog_materials
    catalog = data.draw(catalogs(materials_), label="catalog")
    # Both a seller and categories: each group ignores one of them, the other keeps it ours.
    chosen = data.draw(
        filters(catalog, materials_).filter(lambda f: f.seller is not None and f.categories),
        label="filters",
    )

    async with rolled_back(session):
        seller_rows, category_rows, _ = await create(session, settings, catalog)
        params: dict[str, Any] = {
            "seller_id": str(seller_rows[chosen.seller or 0].id),
            "category": [category_rows[i].slug for i in chosen.categories],
            "material": list(chosen.materials),
            "in_stock": chosen.in_stock,
        }
        optional = {"min_price": chosen.min_price, "max_price": chosen.max_price, "q": chosen.q}
        params.update({k: v for k, v in optional.items() if v is not None})
        body = await facets(client, **params)

    def matching(f: Filters) -> list[Any]:
        return [spec for spec in catalog.products if is_listed(spec, f)]

    listed = matching(chosen)
    prices = [spec.price_cents for spec in listed]
    assert body["total"] == len(listed)
    assert body["price"] == (
        {"min_cents": min(prices), "max_cents": max(prices)} if prices else None
    )
    assert materials(body) == Counter(s.material for s in matching(drop(chosen, "materials")))
    assert categories(body) == Counter(
        category_rows[i].slug for s in matching(drop(chosen, "categories")) for i in s.categories
    )
    assert sellers(body) == Counter(
        str(seller_rows[s.seller].id) for s in matching(drop(chosen, "seller"))
    )
