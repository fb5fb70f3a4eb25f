from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from shop.api.app import create_app
from shop.config import Settings
from shop.db.engine import Database
from tests.catalog.factories import make_product
from tests.conftest import api_client
from tests.factories import make_user


async def _count(client: httpx.AsyncClient, seller_id: str) -> int:
    response = await client.get("/api/v1/products/facets", params={"seller_id": seller_id})
    assert response.status_code == 200
    total: int = response.json()["total"]
    return total


async def test_facets_are_kept_for_the_public_cache_lifetime(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    seller = await make_user(session, settings, role="seller")
    await make_product(session, seller)
    first = await _count(client, str(seller.id))

    await make_product(session, seller)
    again = await _count(client, str(seller.id))

    assert (first, again) == (1, 1)  # like CloudFront, a warm container answers from memory


async def test_facets_are_recounted_once_the_lifetime_is_over(
    db: Database, session: AsyncSession, settings: Settings
) -> None:
    no_cache = settings.model_copy(update={"catalog_cache_max_age_seconds": 0})
    seller = await make_user(session, settings, role="seller")
    await make_product(session, seller)
    async with api_client(create_app(no_cache, db)) as client:
        first = await _count(client, str(seller.id))
        await make_product(session, seller)
        again = await _count(client, str(seller.id))

    assert (first, again) == (1, 2)
