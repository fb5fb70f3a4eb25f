"""Who may use the seller routes: the owner succeeds; another seller never learns of nor
touches the product (404, as for a product that does not exist); a customer is refused (403);
an anonymous visitor must sign in (401). Every principal has its own client and cookie jar."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from shop.config import Settings
from shop.models import Product, ProductCategory, User
from tests.catalog.factories import log_in, make_account, make_category, make_product
from tests.conftest import api_client


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # "{id}" stands for seller A's product

    @property
    def names_the_product(self) -> bool:
        return "{id}" in self.path

    def body(self) -> dict[str, Any] | None:
        bodies: dict[tuple[str, str], dict[str, Any]] = {
            ("POST", "/api/v1/seller/products"): {
                "name": "Another ring",
                "material": "silver",
                "price_cents": 5_000,
                "currency": "EUR",
            },
            ("PATCH", "/api/v1/seller/products/{id}"): {
                "name": "Taken over",
                "price_cents": 1,
                "status": "archived",
            },
            ("PUT", "/api/v1/seller/products/{id}/categories"): {"category_ids": []},
            ("POST", "/api/v1/categories"): {"name": f"Category {uuid.uuid4().hex[:8]}"},
            ("POST", "/api/v1/seller/products/{id}/images"): {
                "content_type": "image/jpeg",
                "size": 1000,
            },
        }
        return bodies.get((self.method, self.path))

    async def call(self, client: httpx.AsyncClient, product_id: uuid.UUID) -> httpx.Response:
        return await client.request(self.method, self.path.format(id=product_id), json=self.body())


ROUTES = [
    Route("GET", "/api/v1/seller/products"),
    Route("POST", "/api/v1/seller/products"),
    Route("GET", "/api/v1/seller/products/{id}"),
    Route("PATCH", "/api/v1/seller/products/{id}"),
    Route("DELETE", "/api/v1/seller/products/{id}"),
    Route("PUT", "/api/v1/seller/products/{id}/categories"),
    Route("POST", "/api/v1/categories"),
    Route("POST", "/api/v1/seller/products/{id}/images"),
]
PRODUCT_ROUTES = [r for r in ROUTES if r.names_the_product]


def route_id(route: Route) -> str:
    return f"{route.method} {route.path.removeprefix('/api/v1')}"


@dataclass
class World:
    a: User
    product: Product


@pytest.fixture
async def world(session: AsyncSession, settings: Settings) -> World:
    a = await make_account(session, settings, display_name="Seller A")
    product = await make_product(
        session, a, categories=[await make_category(session)], name="A's ring"
    )
    return World(a, product)


@pytest.fixture
async def as_role(
    request: pytest.FixtureRequest, app: FastAPI, session: AsyncSession, settings: Settings
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of its own, signed in as a new user of the parametrized role (or nobody)."""
    role: str = request.param
    async with api_client(app) as client:
        if role != "anonymous":
            await log_in(client, await make_account(session, settings, role=role))
        yield client


@pytest.fixture
async def as_a(app: FastAPI, world: World) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(app) as client:
        await log_in(client, world.a)
        yield client


async def snapshot(session: AsyncSession, product_id: uuid.UUID) -> tuple[Any, ...]:
    """The product as stored now: its row and its categories (None when it is gone)."""
    row = (
        await session.execute(
            select(
                Product.seller_id,
                Product.name,
                Product.price_cents,
                Product.stock,
                Product.status,
                Product.updated_at,
            ).where(Product.id == product_id)
        )
    ).one_or_none()
    categories = await session.scalars(
        select(ProductCategory.category_id).where(ProductCategory.product_id == product_id)
    )
    return (None if row is None else tuple(row), sorted(categories))


@pytest.mark.parametrize("route", ROUTES, ids=route_id)
async def test_the_owner_can_use_every_seller_route(
    as_a: httpx.AsyncClient, world: World, route: Route
) -> None:
    response = await route.call(as_a, world.product.id)

    assert response.status_code in (200, 201, 204), response.text


@pytest.mark.parametrize("as_role", ["seller"], indirect=True)
@pytest.mark.parametrize("route", PRODUCT_ROUTES, ids=route_id)
async def test_another_seller_gets_404_and_the_product_is_unchanged(
    as_role: httpx.AsyncClient, session: AsyncSession, world: World, route: Route
) -> None:
    before = await snapshot(session, world.product.id)
    missing = await route.call(as_role, uuid.uuid4())

    response = await route.call(as_role, world.product.id)

    assert response.status_code == 404
    # Exactly what a product that does not exist gets: nothing tells B that A's exists.
    assert {k: v for k, v in response.json().items() if k != "request_id"} == {
        k: v for k, v in missing.json().items() if k != "request_id"
    }
    assert await snapshot(session, world.product.id) == before


@pytest.mark.parametrize("as_role", ["seller"], indirect=True)
async def test_another_sellers_own_list_does_not_show_the_product(
    as_role: httpx.AsyncClient, world: World
) -> None:
    created = await as_role.post(
        "/api/v1/seller/products",
        json={"name": "B's ring", "material": "gold", "price_cents": 900, "currency": "EUR"},
    )

    listed = await as_role.get("/api/v1/seller/products")

    assert [p["id"] for p in listed.json()["items"]] == [created.json()["id"]]


@pytest.mark.parametrize("as_role", ["customer"], indirect=True)
@pytest.mark.parametrize("route", ROUTES, ids=route_id)
async def test_a_customer_is_refused_every_seller_route_with_403(
    as_role: httpx.AsyncClient, session: AsyncSession, world: World, route: Route
) -> None:
    before = await snapshot(session, world.product.id)

    response = await route.call(as_role, world.product.id)

    assert response.status_code == 403
    assert response.json()["error"] == "seller_only"
    assert await snapshot(session, world.product.id) == before


@pytest.mark.parametrize("as_role", ["anonymous"], indirect=True)
@pytest.mark.parametrize("route", ROUTES, ids=route_id)
async def test_an_anonymous_visitor_must_sign_in_for_every_seller_route(
    as_role: httpx.AsyncClient, session: AsyncSession, world: World, route: Route
) -> None:
    before = await snapshot(session, world.product.id)

    response = await route.call(as_role, world.product.id)

    assert response.status_code == 401
    assert response.json()["error"] == "not_authenticated"
    assert await snapshot(session, world.product.id) == before
