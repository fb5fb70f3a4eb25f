"""The public product list: what a shopper browsing the shop sees, filters, sorts and pages."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from shop.config import Settings
from shop.models import Product, User
from tests.catalog.factories import make_account, make_category, make_image, make_product

PRODUCTS = "/api/v1/products"


def ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["items"]]


def names(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["name"] for item in response.json()["items"]]


def forge(*parts: Any) -> str:
    """A cursor in the server's format (base64url JSON) with whatever parts a tamperer wants."""
    raw = json.dumps(list(parts), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.fixture
async def seller(session: AsyncSession, settings: Settings) -> User:
    return await make_account(session, settings, display_name="Mira Goldsmith")


async def test_only_active_products_are_listed(
    client: httpx.AsyncClient, session: AsyncSession, seller: User
) -> None:
    active = await make_product(session, seller, name="On sale")
    await make_product(session, seller, name="Work in progress", status="draft")
    await make_product(session, seller, name="Retired", status="archived")

    response = await client.get(PRODUCTS, params={"seller_id": str(seller.id)})

    assert ids(response) == [str(active.id)]


async def test_a_listed_product_shows_its_price_stock_and_seller(
    client: httpx.AsyncClient, session: AsyncSession, seller: User
) -> None:
    product = await make_product(
        session, seller, name="Sold out hoop", material="silver", price_cents=4_500, stock=0
    )

    [item] = (await client.get(PRODUCTS, params={"seller_id": str(seller.id)})).json()["items"]

    assert item == {
        "id": str(product.id),
        "name": "Sold out hoop",
        "material": "silver",
        "price_cents": 4_500,
        "currency": "EUR",
        "in_stock": False,
        "seller": {"id": str(seller.id), "display_name": "Mira Goldsmith"},
        "created_at": "2026-01-01T00:00:00Z",
        "image": None,
    }


async def test_a_listed_product_shows_its_first_ready_image(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, seller: User
) -> None:
    product = await make_product(session, seller)
    await make_image(session, product, status="pending", position=0)
    await make_image(session, product, position=2, variants={"200": "public/later-200.webp"})
    variants = {size: f"public/{product.id}/{size}.webp" for size in ("200", "600", "1200")}
    first = await make_image(session, product, position=1, variants=variants)
    media = settings.media_base_url.rstrip("/")

    [item] = (await client.get(PRODUCTS, params={"seller_id": str(seller.id)})).json()["items"]

    assert item["image"] == {
        "id": str(first.id),
        "position": 1,
        "urls": {size: f"{media}/{key}" for size, key in variants.items()},
    }


async def test_price_range_is_inclusive_at_both_ends(
    client: httpx.AsyncClient, session: AsyncSession, seller: User
) -> None:
    for price in (999, 1_000, 2_000, 3_000, 3_001):
        await make_product(session, seller, name=f"at {price}", price_cents=price)

    response = await client.get(
        PRODUCTS,
        params={"seller_id": str(seller.id), "min_price": 1_000, "max_price": 3_000},
    )

    assert sorted(names(response)) == ["at 1000", "at 2000", "at 3000"]


async def test_seller_filter_lists_only_that_sellers_products(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, seller: User
) -> None:
    other = await make_account(session, settings)
    category = await make_category(session)
    mine = await make_product(session, seller, categories=[category])
    await make_product(session, other, categories=[category])

    response = await client.get(
        PRODUCTS, params={"seller_id": str(seller.id), "category": category.slug}
    )

    assert ids(response) == [str(mine.id)]


async def test_material_filter_matches_any_of_the_chosen_materials_exactly(
    client: httpx.AsyncClient, session: AsyncSession, seller: User
) -> None:
    for material in ("gold", "silver", "platinum", "rose gold"):
        await make_product(session, seller, name=material, material=material)
    scope = {"seller_id": str(seller.id)}

    chosen = await client.get(PRODUCTS, params={**scope, "material": ["gold", "silver"]})
    capitalised = await client.get(PRODUCTS, params={**scope, "material": "Gold"})

    assert sorted(names(chosen)) == ["gold", "silver"]
    assert names(capitalised) == []


async def test_category_filter_matches_any_of_the_chosen_categories(
    client: httpx.AsyncClient, session: AsyncSession, seller: User
) -> None:
    rings, men, earrings = [await make_category(session) for _ in range(3)]
    await make_product(session, seller, name="ring", categories=[rings])
    await make_product(session, seller, name="signet", categories=[rings, men])
    await make_product(session, seller, name="cufflinks", categories=[men])
    await make_product(session, seller, name="studs", categories=[earrings])
    await make_product(session, seller, name="uncategorised")

    response = await client.get(
        PRODUCTS, params={"seller_id": str(seller.id), "category": [rings.slug, men.slug]}
    )

    assert sorted(names(response)) == ["cufflinks", "ring", "signet"]


async def test_in_stock_hides_sold_out_products(
    client: httpx.AsyncClient, session: AsyncSession, seller: User
) -> None:
    await make_product(session, seller, name="last one", stock=1)
    await make_product(session, seller, name="sold out", stock=0)

    everything = await client.get(PRODUCTS, params={"seller_id": str(seller.id)})
    in_stock = await client.get(PRODUCTS, params={"seller_id": str(seller.id), "in_stock": True})

    assert sorted(names(everything)) == ["last one", "sold out"]
    assert names(in_stock) == ["last one"]


async def test_search_matches_word_prefixes_in_name_or_description_and_needs_every_word(
    client: httpx.AsyncClient, session: AsyncSession, seller: User
) -> None:
    await make_product(session, seller, name="Braided sapphire ring", description="Bright")
    await make_product(session, seller, name="Plain band", description="Sapphires inset")
    await make_product(session, seller, name="Sapphire pendant", description="On a chain")
    await make_product(session, seller, name="Unsapphired ring", description="No stones")
    scope = {"seller_id": str(seller.id)}

    one_word = await client.get(PRODUCTS, params={**scope, "q": "SAPPH"})
    two_words = await client.get(PRODUCTS, params={**scope, "q": "sapph ring"})

    assert sorted(names(one_word)) == ["Braided sapphire ring", "Plain band", "Sapphire pendant"]
    assert names(two_words) == ["Braided sapphire ring"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("newest", ["first", "tie-high", "tie-low", "last"]),
        ("price_asc", ["first", "tie-low", "tie-high", "last"]),
        ("price_desc", ["last", "tie-high", "tie-low", "first"]),
        ("best_selling", ["first", "tie-high", "tie-low", "last"]),
    ],
)
async def test_each_sort_orders_products_with_ties_broken_by_id(
    client: httpx.AsyncClient,
    session: AsyncSession,
    seller: User,
    sort: str,
    expected: list[str],
) -> None:
    low, high = sorted(uuid.uuid4() for _ in range(2))
    # "first" is the newest, cheapest and best selling; the two ties share every sort key.
    for name, product_id, age, price, sold in [
        ("last", uuid.uuid4(), 20, 900, 1),
        ("tie-high", high, 10, 500, 5),
        ("first", uuid.uuid4(), 0, 100, 9),
        ("tie-low", low, 10, 500, 5),
    ]:
        await make_product(
            session,
            seller,
            id=product_id,
            name=name,
            age_minutes=age,
            price_cents=price,
            units_sold=sold,
        )

    response = await client.get(PRODUCTS, params={"seller_id": str(seller.id), "sort": sort})

    assert names(response) == expected


async def test_newest_is_the_default_order(
    client: httpx.AsyncClient, session: AsyncSession, seller: User
) -> None:
    await make_product(session, seller, name="older", age_minutes=5)
    await make_product(session, seller, name="newer", age_minutes=1)

    response = await client.get(PRODUCTS, params={"seller_id": str(seller.id)})

    assert names(response) == ["newer", "older"]


async def test_search_ranks_a_name_match_above_a_description_only_match(
    client: httpx.AsyncClient, session: AsyncSession, seller: User
) -> None:
    # The description-only match is newer and dearer, so only relevance puts it second.
    await make_product(session, seller, name="Opal cluster ring", age_minutes=10, price_cents=1)
    await make_product(
        session, seller, name="Cluster ring", description="A small opal in the centre"
    )

    by_default = await client.get(PRODUCTS, params={"seller_id": str(seller.id), "q": "opal"})
    explicit = await client.get(
        PRODUCTS, params={"seller_id": str(seller.id), "q": "opal", "sort": "relevance"}
    )

    assert names(by_default) == ["Opal cluster ring", "Cluster ring"]
    assert names(explicit) == names(by_default)


async def test_relevance_without_a_search_lists_newest_first(
    client: httpx.AsyncClient, session: AsyncSession, seller: User
) -> None:
    await make_product(session, seller, name="older", age_minutes=5)
    await make_product(session, seller, name="newer", age_minutes=1)

    response = await client.get(PRODUCTS, params={"seller_id": str(seller.id), "sort": "relevance"})

    assert names(response) == ["newer", "older"]


async def walk(client: httpx.AsyncClient, params: dict[str, Any]) -> list[str]:
    """Every page's names, following next_cursor until it is null."""
    seen: list[str] = []
    cursor = None
    for _ in range(50):
        response = await client.get(
            PRODUCTS, params={**params, "cursor": cursor} if cursor else params
        )
        seen += names(response)
        cursor = response.json()["next_cursor"]
        if cursor is None:
            return seen
    raise AssertionError("the list never ended")


@pytest.mark.parametrize("sort", ["newest", "price_asc", "price_desc", "best_selling"])
async def test_next_cursor_walks_every_product_once_and_ends_with_null(
    client: httpx.AsyncClient, session: AsyncSession, seller: User, sort: str
) -> None:
    for i in range(7):
        await make_product(
            session,
            seller,
            name=f"p{i}",
            age_minutes=i % 3,
            price_cents=100 + i % 2,
            units_sold=i % 4,
        )

    seen = await walk(client, {"seller_id": str(seller.id), "sort": sort, "limit": 2})

    assert sorted(seen) == [f"p{i}" for i in range(7)]


async def test_search_pages_by_relevance_across_equal_ranks(
    client: httpx.AsyncClient, session: AsyncSession, seller: User
) -> None:
    for i in range(5):
        await make_product(session, seller, name=f"Topaz stud {i}", age_minutes=i)
        await make_product(session, seller, name=f"Stud {i}", description="topaz", age_minutes=i)

    seen = await walk(client, {"seller_id": str(seller.id), "q": "topaz", "limit": 3})

    assert sorted(seen[:5]) == [f"Topaz stud {i}" for i in range(5)]
    assert sorted(seen[5:]) == [f"Stud {i}" for i in range(5)]


async def test_a_search_without_any_word_lists_everything_newest_first_across_pages(
    client: httpx.AsyncClient, session: AsyncSession, seller: User
) -> None:
    for i in range(5):
        await make_product(session, seller, name=f"p{i}", age_minutes=i)

    seen = await walk(client, {"seller_id": str(seller.id), "q": "?!", "limit": 2})

    assert seen == [f"p{i}" for i in range(5)]


ZERO_ID = "00000000-0000-0000-0000-000000000000"


@pytest.mark.parametrize(
    ("sort", "cursor"),
    [
        ("newest", "not-a-cursor!"),
        ("newest", "bm90IGpzb24"),  # base64 of "not json"
        ("newest", forge("newest", "2026-01-01T00:00:00+00:00")),  # a part missing
        ("newest", forge({"sort": "newest"})),
        ("newest", forge("newest", 5, ZERO_ID)),  # a number where a time belongs
        ("newest", forge("newest", "2026-01-01T00:00:00", ZERO_ID)),  # time without zone
        ("newest", forge("newest", "0001-01-01T00:00:00+14:00", ZERO_ID)),
        ("newest", forge("newest", "9999-12-31T23:59:59-14:00", ZERO_ID)),
        ("newest", forge("newest", "2026-01-01T00:00:00+00:00", 42)),  # id not a string
        ("newest", forge("newest", "2026-01-01T00:00:00+00:00", "not-a-uuid")),
        ("price_asc", forge("price_asc", "100", ZERO_ID)),  # a string where a price belongs
        ("price_asc", forge("price_asc", 1.5, ZERO_ID)),
        ("price_asc", forge("price_asc", True, ZERO_ID)),
        ("price_asc", forge("price_asc", 2**70, ZERO_ID)),  # beyond any bigint
        ("best_selling", forge("best_selling", -(2**70), ZERO_ID)),
        ("relevance", forge("relevance", "high", ZERO_ID)),
        ("relevance", forge("relevance", 10**320, ZERO_ID)),  # too large for a float
        ("relevance", forge("relevance", float("nan"), ZERO_ID)),
        ("relevance", forge("relevance", float("inf"), ZERO_ID)),
    ],
)
async def test_a_tampered_cursor_is_refused_with_400_invalid_cursor(
    client: httpx.AsyncClient, sort: str, cursor: str
) -> None:
    response = await client.get(
        PRODUCTS, params={"sort": sort, "q": "ring", "cursor": cursor, "limit": 1}
    )

    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_cursor"


async def test_a_cursor_of_another_sort_is_refused_with_400_invalid_cursor(
    client: httpx.AsyncClient, session: AsyncSession, seller: User
) -> None:
    for i in range(3):
        await make_product(session, seller, age_minutes=i)
    scope: dict[str, Any] = {"seller_id": str(seller.id), "limit": 1}
    newest_cursor = (await client.get(PRODUCTS, params=scope)).json()["next_cursor"]

    response = await client.get(
        PRODUCTS, params={**scope, "sort": "price_asc", "cursor": newest_cursor}
    )

    assert newest_cursor is not None
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_cursor"


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 101},
        {"limit": "ten"},
        {"min_price": -1},
        {"sort": "cheapest"},
        {"seller_id": "seller-1"},
        {"category": "Not A Slug"},
        {"in_stock": "maybe"},
        {"cursor": "x" * 513},
        {"material": ["gold"] * 21},
        {"colour": "gold"},  # not a parameter of this list
    ],
    ids=lambda p: "-".join(f"{k}={str(v)[:12]}" for k, v in p.items()),
)
async def test_invalid_query_parameters_are_rejected_with_422(
    client: httpx.AsyncClient, params: dict[str, Any]
) -> None:
    response = await client.get(PRODUCTS, params=params)

    assert response.status_code == 422
    assert response.json()["error"] == "validation_error"


async def test_list_is_publicly_cacheable_for_30_seconds_with_an_etag(
    client: httpx.AsyncClient, session: AsyncSession, seller: User
) -> None:
    await make_product(session, seller)

    response = await client.get(PRODUCTS, params={"seller_id": str(seller.id)})

    assert response.headers["cache-control"] == "public, max-age=30"
    assert response.headers["etag"].startswith('"')


async def test_revalidating_with_the_etag_answers_304_without_a_body(
    client: httpx.AsyncClient, session: AsyncSession, seller: User
) -> None:
    await make_product(session, seller)
    params = {"seller_id": str(seller.id)}
    etag = (await client.get(PRODUCTS, params=params)).headers["etag"]

    revalidated = await client.get(PRODUCTS, params=params, headers={"If-None-Match": etag})
    weak = await client.get(PRODUCTS, params=params, headers={"If-None-Match": f"W/{etag}"})
    other = await client.get(PRODUCTS, params=params, headers={"If-None-Match": '"stale"'})

    assert revalidated.status_code == 304
    assert revalidated.content == b""
    assert revalidated.headers["etag"] == etag
    assert weak.status_code == 304
    assert other.status_code == 200
    assert other.json()["items"]


async def test_a_changed_catalog_gets_a_new_etag(
    client: httpx.AsyncClient, session: AsyncSession, seller: User
) -> None:
    product: Product = await make_product(session, seller)
    params = {"seller_id": str(seller.id)}
    before = (await client.get(PRODUCTS, params=params)).headers["etag"]

    product.price_cents += 100
    await session.flush()
    after = await client.get(PRODUCTS, params=params, headers={"If-None-Match": before})

    assert after.status_code == 200
    assert after.headers["etag"] != before
    assert after.json()["items"][0]["price_cents"] == product.price_cents


async def test_an_empty_search_box_lists_everything_instead_of_failing(
    client: httpx.AsyncClient,
) -> None:
    blank = await client.get("/api/v1/products", params={"q": "  ", "limit": 5})
    unfiltered = await client.get("/api/v1/products", params={"limit": 5})

    assert blank.status_code == 200
    assert blank.json() == unfiltered.json()
