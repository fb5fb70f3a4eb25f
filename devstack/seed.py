"""Demo data for the local stack: a jewelry shop with sellers, customers, a catalog and a year
of sales.

The vocabulary lives in devstack/data/*.json; each product has one ready picture of its
material, uploaded by `publish_images` on every start. Ids are uuid5 over a natural key and
every insert skips conflicts, so seeding again changes nothing. The demo accounts share
DEMO_PASSWORD: they exist only in local databases.
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

from devstack import demo_images
from shop.auth.passwords import hash_password
from shop.config import Settings
from shop.images.storage import upload_key
from shop.models import (
    Category,
    Order,
    OrderItem,
    OrderRefund,
    Product,
    ProductCategory,
    ProductImage,
    User,
)
from shop.stats import service as stats_service

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
# Demo sales: a year of orders, 1-3 lines of 1-2 items, every twelfth a quarter refunded.
ORDER_COUNT = 360
ORDER_DAYS = 365
MAX_LINES = 3
MAX_QUANTITY = 2
REFUND_EVERY = 12
DEMO_SHIPPING = {
    "line1": "12 Rue des Orfèvres",
    "city": "Lyon",
    "postal_code": "69002",
    "country": "FR",
}


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
    inserted += await _insert(session, ProductImage, _images(settings, products))
    customer_ids = await _ids_by(session, User.email, [a["email"] for a in accounts()["customers"]])
    inserted += await _insert_orders(
        session, settings, list(seller_ids.values()), customer_ids, now
    )
    return inserted


def publish_images(settings: Settings) -> int:
    """Upload the demo pictures the seeded image rows name (moto forgets them on every stop);
    return how many objects were written."""
    return demo_images.publish(settings, [m["name"] for m in materials()])


def _images(settings: Settings, products: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One ready image per product: its material's picture (devstack/demo_images.py)."""
    rows = []
    for product in products:
        image_id = demo_id("image", str(product["id"]))
        rows.append(
            {
                "id": image_id,
                "product_id": product["id"],
                "seller_id": product["seller_id"],
                "s3_key": upload_key(product["seller_id"], image_id),
                "content_type": demo_images.CONTENT_TYPE,
                "status": "ready",
                "variants": demo_images.variant_keys(settings, product["material"]),
                "position": 0,
            }
        )
    return rows


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


async def _insert_orders(
    session: AsyncSession,
    settings: Settings,
    sellers: list[uuid.UUID],
    customers: dict[str, uuid.UUID],
    now: datetime,
) -> int:
    """A year of paid orders from the demo customers, a few partly refunded, so the seller
    statistics, order lists and the best_selling sort have something to show. Stock is left
    alone (past sales). When any order is new, the rollups are rebuilt from the orders, as
    `make stats-rebuild` does."""
    products = (
        await session.execute(
            select(Product.id, Product.seller_id, Product.name, Product.price_cents)
            .where(Product.status == "active", Product.seller_id.in_(sellers))
            .order_by(Product.id)
        )
    ).all()
    if not products:
        return 0
    rng = random.Random(RANDOM_SEED)
    orders, items, refunds = [], [], []
    emails = sorted(customers)
    for number in range(ORDER_COUNT):
        order_id = demo_id("order", str(number))
        email = emails[number % len(emails)]
        paid_at = now - timedelta(days=rng.uniform(1, ORDER_DAYS))
        lines = rng.sample(products, rng.randint(1, MAX_LINES))
        quantities = [rng.randint(1, MAX_QUANTITY) for _ in lines]
        total = sum(line.price_cents * q for line, q in zip(lines, quantities, strict=True))
        refunded = total // 4 if number % REFUND_EVERY == 0 else 0
        orders.append(
            {
                "id": order_id,
                "customer_id": customers[email],
                "email": email,
                "status": "partially_refunded" if refunded else "paid",
                "amount_total": total,
                "amount_refunded": refunded,
                "currency": "EUR",
                "shipping_name": email.split("@")[0],
                "shipping_address": DEMO_SHIPPING,
                "paid_at": paid_at,
                "created_at": paid_at,
            }
        )
        items += [
            {
                "id": demo_id("order-line", f"{number}:{i}"),
                "order_id": order_id,
                "product_id": line.id,
                "seller_id": line.seller_id,
                "product_name": line.name,
                "unit_price_cents": line.price_cents,
                "quantity": quantity,
            }
            for i, (line, quantity) in enumerate(zip(lines, quantities, strict=True))
        ]
        if refunded:
            refunds.append(
                {
                    "id": demo_id("refund", str(number)),
                    "order_id": order_id,
                    "amount_cents": refunded,
                    "refunded_at": min(paid_at + timedelta(days=10), now),
                }
            )
    new_orders = await _insert(session, Order, orders)
    inserted = new_orders + await _insert(session, OrderItem, items)
    inserted += await _insert(session, OrderRefund, refunds)
    if new_orders:
        await stats_service.rebuild(session, settings)
    return inserted
