"""Demo data for the local stack: a jewelry shop with sellers, customers and a catalog.

The vocabulary lives in devstack/data/*.json. Ids are uuid5 over a natural key and every insert
skips conflicts, so seeding again changes nothing. The demo accounts share DEMO_PASSWORD: they
exist only in local databases.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypedDict

from pydantic import TypeAdapter
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from shop.auth.passwords import hash_password
from shop.config import Settings
from shop.models import Category, Product, ProductCategory, User

DATA_DIR = Path(__file__).resolve().parent / "data"
DEMO_PASSWORD = "facet-demo-password"  # local-only demo accounts; printed in the banner
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_DNS, "seed.devstack.facet")
RANDOM_SEED = 20261125
PRODUCT_COUNT = 1200
CURRENCY = "EUR"
PRICE_STEP_CENTS = 500
MAX_STOCK = 40
OUT_OF_STOCK_SHARE = 0.08
STONE_SHARE = 0.45
DETAILS_PER_DESCRIPTION = 2
STATUS_WEIGHTS = {"active": 90, "draft": 6, "archived": 4}
# Spreads creation times over ~3 months so "newest first" has something to sort.
PRODUCT_AGE_STEP = timedelta(hours=7)


class CategoryData(TypedDict):
    name: str
    slug: str


class MaterialData(TypedDict):
    name: str
    min_price_cents: int
    max_price_cents: int


class AccountData(TypedDict):
    email: str
    display_name: str


class Accounts(TypedDict):
    sellers: list[AccountData]
    customers: list[AccountData]


class PieceData(TypedDict):
    name: str
    categories: list[str]


class Vocabulary(TypedDict):
    styles: list[str]
    stones: list[str]
    pieces: list[PieceData]
    details: list[str]


def _load[T](name: str, shape: type[T]) -> T:
    return TypeAdapter(shape).validate_json((DATA_DIR / name).read_bytes())


def categories() -> list[CategoryData]:
    return _load("categories.json", list[CategoryData])


def materials() -> list[MaterialData]:
    return _load("materials.json", list[MaterialData])


def accounts() -> Accounts:
    return _load("accounts.json", Accounts)


def vocabulary() -> Vocabulary:
    return _load("products.json", Vocabulary)


def demo_id(kind: str, key: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"{kind}:{key}")


async def seed(session: AsyncSession, settings: Settings) -> int:
    """Insert whatever demo rows are missing; return how many rows were inserted."""
    now = datetime.now(UTC)
    inserted = await _insert_users(session, settings, now)
    inserted += await _insert_categories(session)
    seller_ids = await _ids_by(session, User.email, [a["email"] for a in accounts()["sellers"]])
    category_ids = await _ids_by(session, Category.slug, [c["slug"] for c in categories()])
    products, links = _catalog(list(seller_ids.values()), category_ids, now)
    inserted += await _insert(session, Product, products)
    inserted += await _insert(session, ProductCategory, links, returning=ProductCategory.product_id)
    return inserted


async def _insert(
    session: AsyncSession, model: type[Any], rows: list[dict[str, Any]], returning: Any = None
) -> int:
    statement = insert(model).values(rows).on_conflict_do_nothing()
    result = await session.execute(statement.returning(returning or model.id))
    return len(result.all())


async def _insert_users(session: AsyncSession, settings: Settings, now: datetime) -> int:
    password_hash = hash_password(settings, DEMO_PASSWORD)
    demo = accounts()
    rows = [
        {
            "id": demo_id("user", account["email"]),
            "email": account["email"],
            "password_hash": password_hash,
            "role": role,
            "display_name": account["display_name"],
            "verified_at": now,
        }
        for role, group in (("seller", demo["sellers"]), ("customer", demo["customers"]))
        for account in group
    ]
    return await _insert(session, User, rows)


async def _insert_categories(session: AsyncSession) -> int:
    rows = [{"id": demo_id("category", c["slug"]), **c} for c in categories()]
    return await _insert(session, Category, rows)


async def _ids_by(
    session: AsyncSession, column: InstrumentedAttribute[str], keys: list[str]
) -> dict[str, uuid.UUID]:
    # Rows that existed before the seed (a category created through the API) keep their own
    # ids, so references are looked up rather than derived.
    model = column.class_
    result = await session.execute(select(column, model.id).where(column.in_(keys)))
    found: dict[str, uuid.UUID] = dict(result.all())
    return {key: found[key] for key in keys}


def _catalog(
    seller_ids: list[uuid.UUID], category_ids: dict[str, uuid.UUID], now: datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """PRODUCT_COUNT products round-robin over the sellers, and their category links."""
    rng = random.Random(RANDOM_SEED)
    words = vocabulary()
    metals = materials()
    products: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    for index in range(PRODUCT_COUNT):
        piece = rng.choice(words["pieces"])
        product = _product(rng, words, rng.choice(metals), piece["name"])
        product_id = demo_id("product", str(index))
        created_at = now - index * PRODUCT_AGE_STEP
        products.append(
            {
                **product,
                "id": product_id,
                "seller_id": seller_ids[index % len(seller_ids)],
                "created_at": created_at,
                "updated_at": created_at,
            }
        )
        links.extend(
            {"product_id": product_id, "category_id": category_ids[slug]}
            for slug in piece["categories"]
        )
    return products, links


def _product(
    rng: random.Random, words: Vocabulary, metal: MaterialData, piece: str
) -> dict[str, Any]:
    style = rng.choice(words["styles"])
    stone = rng.choice(words["stones"]) if rng.random() < STONE_SHARE else None
    name = f"{style} {metal['name'].title()} {piece}"
    description = f"{style} {piece.lower()} in {metal['name']}"
    if stone:
        name += f" with {stone.title()}"
        description += f" set with {stone}"
    details = rng.sample(words["details"], DETAILS_PER_DESCRIPTION)
    return {
        "name": name,
        "description": " ".join([f"{description}.", *details]),
        "material": metal["name"],
        "price_cents": rng.randrange(
            metal["min_price_cents"], metal["max_price_cents"], PRICE_STEP_CENTS
        ),
        "currency": CURRENCY,
        "stock": 0 if rng.random() < OUT_OF_STOCK_SHARE else rng.randint(1, MAX_STOCK),
        "status": rng.choices(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))[0],
    }
