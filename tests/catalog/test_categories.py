"""Categories: the shop's shared vocabulary, listed for shoppers and extended by sellers."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from shop.api.app import create_app
from shop.config import Settings
from shop.db.engine import Database, build_engine
from shop.models import Category, LoginThrottle, RateLimit, User
from tests.catalog.factories import log_in, make_account, make_category
from tests.conftest import api_client

CATEGORIES = "/api/v1/categories"


@pytest.fixture
async def seller_client(
    app: FastAPI, session: AsyncSession, settings: Settings
) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(app) as client:
        await log_in(client, await make_account(session, settings))
        yield client


async def test_a_seller_creates_a_category_with_a_slug_from_its_name(
    seller_client: httpx.AsyncClient,
) -> None:
    response = await seller_client.post(CATEGORIES, json={"name": "  Rose Gold & Pearls "})

    assert response.status_code == 201
    assert response.json()["name"] == "Rose Gold & Pearls"
    assert response.json()["slug"] == "rose-gold-pearls"


async def test_accents_are_folded_into_an_ascii_slug(seller_client: httpx.AsyncClient) -> None:
    response = await seller_client.post(CATEGORIES, json={"name": "Boucles d'oreille élégantes"})

    assert response.json()["slug"] == "boucles-d-oreille-elegantes"


@pytest.mark.parametrize("again", ["rose gold & pearls", "ROSE GOLD & PEARLS", "Rose-Gold Pearls"])
async def test_a_name_taken_in_any_case_or_with_the_same_slug_is_a_conflict(
    seller_client: httpx.AsyncClient, again: str
) -> None:
    await seller_client.post(CATEGORIES, json={"name": "Rose Gold & Pearls"})

    response = await seller_client.post(CATEGORIES, json={"name": again})

    assert response.status_code == 409
    assert response.json()["error"] == "category_exists"


@pytest.mark.parametrize("name", ["", "   ", "&&&", "x" * 61])
async def test_a_name_without_letters_or_too_long_is_rejected(
    seller_client: httpx.AsyncClient, name: str
) -> None:
    response = await seller_client.post(CATEGORIES, json={"name": name})

    assert response.status_code == 422


async def test_the_default_categories_exist_after_migration(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    response = await client.get(CATEGORIES)

    listed = {c["name"]: c["slug"] for c in response.json()}
    assert settings.catalog_default_categories == [
        "Rings",
        "Earrings",
        "Necklaces",
        "Bracelets",
        "Men",
    ]
    assert {name: listed.get(name) for name in settings.catalog_default_categories} == {
        "Rings": "rings",
        "Earrings": "earrings",
        "Necklaces": "necklaces",
        "Bracelets": "bracelets",
        "Men": "men",
    }


async def test_categories_are_listed_by_name(
    client: httpx.AsyncClient, session: AsyncSession
) -> None:
    suffix = uuid.uuid4().hex[:6]
    for name in (f"Zircon {suffix}", f"anklets {suffix}", f"Lockets {suffix}"):
        await make_category(session, name)

    response = await client.get(CATEGORIES)

    names = [c["name"] for c in response.json()]
    assert response.status_code == 200
    assert names == sorted(names, key=str.casefold)
    assert {f"Zircon {suffix}", f"anklets {suffix}", f"Lockets {suffix}"} <= set(names)


async def test_a_new_category_is_listed_and_gets_a_new_etag(
    client: httpx.AsyncClient, seller_client: httpx.AsyncClient
) -> None:
    before = await client.get(CATEGORIES)

    created = await seller_client.post(CATEGORIES, json={"name": "Toe rings"})
    after = await client.get(CATEGORIES, headers={"If-None-Match": before.headers["etag"]})

    assert after.status_code == 200
    assert created.json() in after.json()
    assert before.headers["cache-control"] == "public, max-age=30"


PARALLEL = 5
PARALLEL_IP = "10.77.0.1"


@pytest.fixture
async def parallel_seller(
    engine: AsyncEngine, settings: Settings
) -> AsyncIterator[tuple[FastAPI, User, str]]:
    """An app on an engine of its own (real commits, connections of its own), a committed
    seller and a category name; every row made is removed afterwards."""
    name = f"Parallel {uuid.uuid4().hex[:8]}"
    own_engine = build_engine(settings.model_copy(update={"db_pool_size": PARALLEL}))
    async with Database.from_engine(engine).sessionmaker() as session:
        seller = await make_account(session, settings)
        await session.commit()
    yield create_app(settings, Database.from_engine(own_engine)), seller, name
    await own_engine.dispose()
    async with engine.begin() as conn:
        await conn.execute(delete(Category).where(Category.name == name))
        await conn.execute(delete(User).where(User.id == seller.id))  # sessions cascade
        await conn.execute(delete(LoginThrottle).where(LoginThrottle.email == seller.email))
        await conn.execute(delete(RateLimit).where(RateLimit.key == f"auth-ip:{PARALLEL_IP}"))


async def test_parallel_creates_of_one_name_make_one_category_and_conflicts(
    parallel_seller: tuple[FastAPI, User, str],
) -> None:
    app, seller, name = parallel_seller
    async with api_client(app, client=(PARALLEL_IP, 4000)) as client:
        await log_in(client, seller)
        # Open every pooled connection first, so the creates below really overlap.
        await asyncio.gather(*(client.get("/api/v1/seller/products") for _ in range(PARALLEL)))

        responses = await asyncio.gather(
            *(client.post(CATEGORIES, json={"name": name}) for _ in range(PARALLEL))
        )

    assert sorted(r.status_code for r in responses) == [201] + [409] * (PARALLEL - 1)
    assert {r.json()["error"] for r in responses if r.status_code == 409} == {"category_exists"}
