"""Parallel upload requests cannot overrun the per-seller quota (UP-05): each request counts
under a lock on the seller, so of six at once against a quota of three, three get an upload.

The requests need their own connections and committed data, so this test builds an app on an
engine of its own (real commits) and removes every row it created."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from shop.api.app import create_app
from shop.config import Settings
from shop.db.engine import Database, build_engine
from shop.models import Product, ProductImage, RateLimit, User
from tests.catalog.factories import log_in, make_account, make_product
from tests.conftest import api_client
from tests.images.conftest import images_url

QUOTA = 3
REQUESTS = 6
CONNECTIONS = 6
# httpx's ASGI transport reports this client address; the login counts against it.
CLIENT_IP = "127.0.0.1"


@dataclass(frozen=True)
class Committed:
    seller: User
    products: list[Product]


@pytest.fixture
async def committed(engine: AsyncEngine, settings: Settings) -> AsyncIterator[Committed]:
    database = Database.from_engine(engine)
    async with database.sessionmaker() as session:
        seller = await make_account(session, settings, display_name="Parallel Seller")
        # One product per request: the product row lock does not serialize them.
        products = [await make_product(session, seller) for _ in range(REQUESTS)]
        await session.commit()
    yield Committed(seller, products)
    async with engine.begin() as conn:
        # Images go with their products, sessions with their user (ON DELETE CASCADE).
        await conn.execute(delete(Product).where(Product.seller_id == seller.id))
        await conn.execute(delete(User).where(User.id == seller.id))
        await conn.execute(delete(RateLimit).where(RateLimit.key == f"auth-ip:{CLIENT_IP}"))


async def test_up_05_six_parallel_requests_against_a_quota_of_three_get_three_uploads(
    images_settings: Settings, engine: AsyncEngine, committed: Committed
) -> None:
    own = images_settings.model_copy(
        update={"images_per_seller": QUOTA, "db_pool_size": CONNECTIONS, "db_max_overflow": 0}
    )
    parallel_engine = build_engine(own)
    app = create_app(own, Database.from_engine(parallel_engine))
    try:
        async with api_client(app) as client:
            await log_in(client, committed.seller)
            responses = await asyncio.gather(
                *(
                    client.post(
                        images_url(product.id), json={"content_type": "image/png", "size": 10}
                    )
                    for product in committed.products
                )
            )
    finally:
        await parallel_engine.dispose()

    assert sorted(r.status_code for r in responses) == [201] * QUOTA + [409] * (REQUESTS - QUOTA)
    async with engine.connect() as conn:
        stored = await conn.scalar(
            select(func.count()).where(ProductImage.seller_id == committed.seller.id)
        )
    assert stored == QUOTA
