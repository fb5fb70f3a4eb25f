"""Properties of the public list: paged with any limit, the pages together are exactly the
contract's filter and order, and keyset paging neither skips nor repeats a product while the
catalog changes underneath a shopper who is still paging."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from hypothesis import HealthCheck, Phase, event, given, target
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession

from shop.config import Settings
from shop.models import Category, Product, ProductCategory, User
from tests.catalog.factories import make_account, make_category, make_product

PRODUCTS = "/api/v1/products"
SORTS = ("newest", "price_asc", "price_desc", "best_selling")
WORDS = ("amber", "band", "bangle", "chain", "charm", "hoop", "ring", "rope", "stud", "twist")
# Few distinct values, so equal sort keys (and the id tie-break) are common.
PRICES = (500, 1_000, 1_500, 2_500, 9_900)
BASE_TIME = datetime(2026, 1, 1, tzinfo=UTC)

examples = hypothesis_settings(
    max_examples=35,
    deadline=None,
    # Explaining a failure replays it hundreds of times more; the shrunk example says enough.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass(frozen=True)
class Spec:
    """One product of a generated catalog, sellers and categories by index."""

    seller: int
    name: str
    description: str
    material: str
    price_cents: int
    stock: int
    status: str
    age_minutes: int
    units_sold: int
    categories: frozenset[int]


@dataclass(frozen=True)
class Filters:
    min_price: int | None
    max_price: int | None
    materials: tuple[str, ...]
    categories: tuple[int, ...]
    seller: int | None
    in_stock: bool
    q: str | None


@dataclass(frozen=True)
class Catalog:
    sellers: int
    categories: int
    products: tuple[Spec, ...]


@st.composite
def phrases(draw: st.DrawFn, min_words: int, max_words: int) -> str:
    words = draw(st.lists(st.sampled_from(WORDS), min_size=min_words, max_size=max_words))
    return " ".join(w.capitalize() if draw(st.booleans()) else w for w in words)


@st.composite
def catalogs(draw: st.DrawFn, materials: Sequence[str]) -> Catalog:
    sellers = draw(st.integers(2, 3))
    categories = draw(st.integers(2, 4))
    # A few materials per catalog, so a material filter keeps some products and drops others.
    used = draw(st.lists(st.sampled_from(materials), min_size=2, max_size=3, unique=True))
    spec = st.builds(
        Spec,
        seller=st.integers(0, sellers - 1),
        name=phrases(1, 3),
        description=phrases(0, 3),
        material=st.sampled_from(used),
        price_cents=st.sampled_from(PRICES),
        stock=st.integers(0, 3),
        status=st.sampled_from(("active", "active", "active", "draft", "archived")),
        age_minutes=st.integers(0, 12),
        units_sold=st.integers(0, 4),
        categories=st.frozensets(st.integers(0, categories - 1)),
    )
    size = draw(st.integers(5, 40))  # hypothesis' own list sizes stay mostly small
    products = draw(st.lists(spec, min_size=size, max_size=size))
    return Catalog(sellers, categories, tuple(products))


def sometimes[T](draw: st.DrawFn, strategy: st.SearchStrategy[T]) -> T | None:
    """A filter is left out two times in three, so most lists still have products."""
    return draw(strategy) if draw(st.integers(0, 2)) == 0 else None


@st.composite
def filters(draw: st.DrawFn, catalog: Catalog, materials: Sequence[str]) -> Filters:
    # Every query is scoped to this example's rows by one of its sellers or categories.
    scope = draw(st.sampled_from(("seller", "category", "both")))
    prices = st.sampled_from(PRICES) | st.integers(0, 10_000)
    word_prefix = st.sampled_from(WORDS).flatmap(
        lambda w: st.integers(1, len(w)).map(lambda n: w[:n])
    )
    categories = st.lists(st.integers(0, catalog.categories - 1), min_size=1, unique=True)
    return Filters(
        min_price=sometimes(draw, prices),
        max_price=sometimes(draw, prices),
        materials=tuple(
            sometimes(draw, st.lists(st.sampled_from(materials), min_size=1, unique=True)) or ()
        ),
        categories=tuple(
            draw(categories) if scope != "seller" else sometimes(draw, categories) or ()
        ),
        seller=None if scope == "category" else draw(st.integers(0, catalog.sellers - 1)),
        in_stock=sometimes(draw, st.just(True)) or False,
        q=sometimes(draw, st.lists(word_prefix, min_size=1, max_size=2).map(" ".join)),
    )


def is_listed(spec: Spec, f: Filters) -> bool:
    words = (spec.name + " " + spec.description).lower().split()
    return (
        spec.status == "active"
        and (f.min_price is None or spec.price_cents >= f.min_price)
        and (f.max_price is None or spec.price_cents <= f.max_price)
        and (not f.materials or spec.material in f.materials)
        and (not f.categories or bool(spec.categories & set(f.categories)))
        and (f.seller is None or spec.seller == f.seller)
        and (not f.in_stock or spec.stock > 0)
        and (f.q is None or all(any(w.startswith(t) for w in words) for t in f.q.split()))
    )


def sort_key(product: Product, sort: str) -> tuple[Any, uuid.UUID]:
    """The contract's key; uuid order is PostgreSQL's (bytes, big-endian)."""
    key = {
        "newest": product.created_at,
        "price_asc": product.price_cents,
        "price_desc": product.price_cents,
        "best_selling": product.units_sold,
    }[sort]
    return key, product.id


def in_contract_order(products: list[Product], sort: str) -> list[uuid.UUID]:
    ordered = sorted(products, key=lambda p: sort_key(p, sort), reverse=sort != "price_asc")
    return [p.id for p in ordered]


@asynccontextmanager
async def rolled_back(session: AsyncSession) -> AsyncIterator[None]:
    """One example's rows live in a savepoint, undone afterwards."""
    savepoint = await session.begin_nested()
    try:
        yield
    finally:
        await savepoint.rollback()


async def create(
    session: AsyncSession, settings: Settings, catalog: Catalog
) -> tuple[list[User], list[Category], list[Product]]:
    """The catalog's rows in a few round trips (examples run by the hundred when shrinking)."""
    sellers = [await make_account(session, settings) for _ in range(catalog.sellers)]
    categories = [await make_category(session) for _ in range(catalog.categories)]
    products = [
        Product(
            id=uuid.uuid4(),
            seller_id=sellers[spec.seller].id,
            name=spec.name,
            description=spec.description,
            material=spec.material,
            price_cents=spec.price_cents,
            currency="EUR",
            stock=spec.stock,
            status=spec.status,
            created_at=BASE_TIME - timedelta(minutes=spec.age_minutes),
            units_sold=spec.units_sold,
        )
        for spec in catalog.products
    ]
    session.add_all(products)
    await session.flush()
    session.add_all(
        ProductCategory(product_id=product.id, category_id=categories[i].id)
        for product, spec in zip(products, catalog.products, strict=True)
        for i in spec.categories
    )
    await session.flush()
    return sellers, categories, products


async def fetch_page(
    client: httpx.AsyncClient, params: dict[str, Any], cursor: str | None
) -> tuple[list[uuid.UUID], str | None]:
    response = await client.get(PRODUCTS, params={**params, "cursor": cursor} if cursor else params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert len(body["items"]) <= params["limit"]
    assert body["items"] or body["next_cursor"] is None, "a page with a next cursor has items"
    return [uuid.UUID(item["id"]) for item in body["items"]], body["next_cursor"]


@examples
@given(data=st.data())
async def test_pages_together_are_the_filtered_catalog_in_contract_order(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, data: st.DataObject
) -> None:
    materials = settings.catalog_materials
    catalog = data.draw(catalogs(materials), label="catalog")
    chosen = data.draw(filters(catalog, materials), label="filters")
    sort = data.draw(st.sampled_from(SORTS), label="sort")
    limit = data.draw(st.integers(1, 7), label="limit")

    async with rolled_back(session):
        sellers, categories, products = await create(session, settings, catalog)
        params: dict[str, Any] = {
            "sort": sort,
            "limit": limit,
            "material": list(chosen.materials),
            "category": [categories[i].slug for i in chosen.categories],
            "in_stock": chosen.in_stock,
        }
        optional = {
            "min_price": chosen.min_price,
            "max_price": chosen.max_price,
            "seller_id": None if chosen.seller is None else str(sellers[chosen.seller].id),
            "q": chosen.q,
        }
        params.update({k: v for k, v in optional.items() if v is not None})
        expected = in_contract_order(
            [
                p
                for p, spec in zip(products, catalog.products, strict=True)
                if is_listed(spec, chosen)
            ],
            sort,
        )

        listed: list[uuid.UUID] = []
        cursor: str | None = None
        for _ in range(len(products) + 2):
            page, cursor = await fetch_page(client, params, cursor)
            listed += page
            if cursor is None:
                break

    event("listed products", "none" if not expected else "1-5" if len(expected) <= 5 else "6+")
    target(len(expected))  # steer towards lists with many products, hence many pages
    assert cursor is None, "the last page has no next cursor"
    assert listed == expected


Row = tuple[int, int, int]  # price, age in minutes, units sold


@dataclass(frozen=True)
class Change:
    """What happens between two page requests: products added, already seen ones repriced
    (by index among the initial products; one not yet seen is left alone)."""

    added: tuple[Row, ...]
    repriced: tuple[tuple[int, int, int], ...]  # index, new price, new units sold


def rows() -> st.SearchStrategy[Row]:
    return st.tuples(st.sampled_from(PRICES), st.integers(-5, 15), st.integers(0, 4))


def plans(initial: int) -> st.SearchStrategy[list[Change]]:
    repricing = st.tuples(st.integers(0, initial - 1), st.sampled_from(PRICES), st.integers(0, 4))
    change = st.builds(
        Change,
        added=st.lists(rows(), max_size=3).map(tuple),
        repriced=st.lists(repricing, max_size=3).map(tuple),
    )
    return st.lists(change, max_size=initial)


async def add(session: AsyncSession, seller: User, row: Row) -> Product:
    price, age, sales = row
    return await make_product(session, seller, price_cents=price, age_minutes=age, units_sold=sales)


@examples
@given(data=st.data())
async def test_paging_never_skips_or_repeats_a_product_while_the_catalog_changes(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, data: st.DataObject
) -> None:
    sort = data.draw(st.sampled_from(SORTS), label="sort")
    limit = data.draw(st.integers(1, 5), label="limit")
    size = data.draw(st.integers(3, 25), label="initial size")
    initial = data.draw(st.lists(rows(), min_size=size, max_size=size), label="initial products")
    # Drawn up front: what the walk meets depends on random ids, the draws must not.
    plan = data.draw(plans(len(initial)), label="changes between pages")

    async with rolled_back(session):
        seller = await make_account(session, settings)
        products = [await add(session, seller, row) for row in initial]
        changed: set[uuid.UUID] = set()
        params = {"seller_id": str(seller.id), "sort": sort, "limit": limit}
        listed: list[uuid.UUID] = []
        cursor: str | None = None
        # Each added or repriced product can lengthen the walk by at most one page.
        for step in range(8 * len(initial) + 2):
            page, cursor = await fetch_page(client, params, cursor)
            listed += page
            if cursor is None:
                break
            change = plan[step] if step < len(plan) else Change((), ())
            for row in change.added:
                await add(session, seller, row)
            for index, price, sales in change.repriced:
                product = products[index]
                if product.id in listed:
                    product.price_cents, product.units_sold = price, sales
                    changed.add(product.id)
            await session.flush()

    assert cursor is None, "the walk ends"
    counts = Counter(listed)
    unchanged = [p.id for p in products if p.id not in changed]
    assert {i: counts[i] for i in unchanged} == dict.fromkeys(unchanged, 1)
