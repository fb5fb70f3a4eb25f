from __future__ import annotations

import statistics
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import NullPool, make_url, text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from bench import catalog_data
from bench.catalog_data import CatalogData, generate
from devstack import seed as demo
from shop.config import Settings

SMALL = {"products": 5000, "sellers": 40}


@pytest.fixture(scope="module")
def data() -> CatalogData:
    return generate(seed=11, **SMALL)


def _share(count: int, data: CatalogData) -> float:
    return count / len(data.products)


def test_the_same_seed_gives_the_same_rows_and_another_seed_other_rows(data: CatalogData) -> None:
    assert generate(seed=11, **SMALL) == data
    assert generate(seed=12, **SMALL).products != data.products


def test_the_full_size_is_the_budgeted_catalog() -> None:
    assert (catalog_data.PRODUCTS, catalog_data.SELLERS) == (100_000, 500)


def test_statuses_are_mostly_active_with_some_drafts_and_archived(data: CatalogData) -> None:
    statuses = Counter(p.status for p in data.products)

    assert _share(statuses["active"], data) == pytest.approx(0.90, abs=0.02)
    assert _share(statuses["draft"], data) == pytest.approx(0.07, abs=0.015)
    assert _share(statuses["archived"], data) == pytest.approx(0.03, abs=0.01)


def test_about_15_percent_are_out_of_stock_and_stock_stays_within_0_to_50(
    data: CatalogData,
) -> None:
    stock = [p.stock for p in data.products]

    assert _share(stock.count(0), data) == pytest.approx(0.15, abs=0.02)
    assert min(stock) == 0
    assert max(stock) == catalog_data.MAX_STOCK


def test_most_products_never_sold_a_few_sold_a_lot_and_drafts_sold_nothing(
    data: CatalogData,
) -> None:
    sold = [p.units_sold for p in data.products]

    assert _share(sold.count(0), data) > 0.6
    assert max(sold) > 100 * statistics.median(s for s in sold if s)
    assert all(p.units_sold == 0 for p in data.products if p.status == "draft")


def test_prices_are_whole_euros_between_10_and_5000_skewed_to_cheap(data: CatalogData) -> None:
    prices = [p.price_cents for p in data.products]

    assert min(prices) >= 1_000
    assert max(prices) <= 500_000
    assert all(price % 100 == 0 for price in prices)
    assert statistics.median(prices) < statistics.mean(prices)
    assert {p.currency for p in data.products} == {"EUR"}


def test_materials_are_the_eight_default_values_silver_first_palladium_rare(
    data: CatalogData, settings: Settings
) -> None:
    materials = Counter(p.material for p in data.products)

    assert set(materials) == set(settings.catalog_materials)
    assert materials.most_common(1)[0][0] == "silver"
    assert materials["silver"] > 5 * materials["palladium"]


def test_every_product_is_in_one_or_two_of_twenty_categories(data: CatalogData) -> None:
    per_product = Counter(link.product_id for link in data.product_categories)
    slugs = [c.slug for c in data.categories]

    assert set(per_product.values()) == {1, 2}
    assert len(per_product) == len(data.products)
    assert len(data.product_categories) / len(data.products) == pytest.approx(1.5, abs=0.05)
    assert len(slugs) == len(set(slugs)) == 20
    assert {c["slug"] for c in demo.categories()} <= set(slugs)


def test_collections_are_selective_filters(data: CatalogData) -> None:
    slug_of = {c.id: c.slug for c in data.categories}
    sizes = Counter(slug_of[link.category_id] for link in data.product_categories)
    collections = [slug for _, slug in catalog_data.COLLECTIONS]

    assert all(_share(sizes[slug], data) < 0.1 for slug in collections)
    assert _share(sizes["rings"], data) > 0.2


def test_creation_times_spread_over_two_years(data: CatalogData) -> None:
    created = [p.created_at for p in data.products]

    assert max(created) <= catalog_data.ANCHOR
    assert min(created) >= catalog_data.ANCHOR - catalog_data.HISTORY
    assert max(created) - min(created) > catalog_data.HISTORY - timedelta(days=7)


def test_names_and_descriptions_hold_the_words_shoppers_search_for(data: CatalogData) -> None:
    text_of = [f"{p.name} {p.description}".lower() for p in data.products]
    words = ("ring", "band", "pendant", "sapphire", "emerald", "diamond", "vintage", "hammered")

    for word in words:
        assert any(word in t for t in text_of), word
    assert _share(sum("ring" in t for t in text_of), data) > 0.1


def test_sellers_are_verified_sellers_with_distinct_emails_and_names(data: CatalogData) -> None:
    users = data.users

    assert len(users) == SMALL["sellers"]
    assert {u.role for u in users} == {"seller"}
    assert all(u.verified_at is not None for u in users)
    assert len({u.email for u in users}) == len({u.display_name for u in users}) == len(users)
    assert {p.seller_id for p in data.products} <= {u.id for u in users}


@pytest.fixture
async def own_connection(settings: Settings) -> AsyncIterator[AsyncConnection]:
    # Its own connection: the COPY sets a citext codec that pooled connections should not keep.
    url = make_url(settings.database_url.get_secret_value())
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            transaction = await conn.begin()
            yield conn
            await transaction.rollback()
    finally:
        await engine.dispose()


async def test_the_rows_load_into_the_migrated_schema_reusing_existing_categories(
    own_connection: AsyncConnection,
) -> None:
    conn = own_connection
    before = await _categories(conn)
    small = generate(seed=3, products=300, sellers=5)

    await catalog_data.copy_into(conn, small)

    counts = (
        await conn.execute(
            text(
                "SELECT (SELECT count(*) FROM products),"
                " (SELECT count(*) FROM product_categories),"
                " (SELECT count(*) FROM products"
                "  WHERE search_vector @@ to_tsquery('simple', 'ring:*'))"
            )
        )
    ).one()
    assert tuple(counts[:2]) == (300, len(small.product_categories))
    assert counts[2] > 0
    after = await _categories(conn)
    assert after.keys() == before.keys() | {c.slug for c in small.categories}
    assert all(after[slug] == category_id for slug, category_id in before.items())


async def _categories(conn: AsyncConnection) -> dict[str, uuid.UUID]:
    rows = await conn.execute(text("SELECT slug, id FROM categories"))
    categories: dict[str, uuid.UUID] = dict(rows.all())
    return categories
