"""The `catalog_100k` data set: a jewelry marketplace at the size ARCHITECTURE.md budgets for.

100,000 products over 500 verified sellers, the 5 demo categories plus 15 collections, each
product in one or two categories. Rows come from `random.Random(seed)` (same seed, same rows,
ids included) and reuse the demo vocabulary in devstack/data, so names and descriptions read
like real listings and text search has hits. They are loaded with COPY, then vacuumed and
analyzed, as autovacuum would have done to a catalog that grew over two years.
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import math
import random
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import NullPool, text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from bench.database import BenchContext
from bench.report import progress
from devstack import seed as demo

SEED = 20261125
PRODUCTS = 100_000
SELLERS = 500
CURRENCY = "EUR"
# A fixed clock, so the rows do not depend on the day the bench runs.
ANCHOR = datetime(2026, 11, 1, tzinfo=UTC)
HISTORY = timedelta(days=730)
MIN_PRICE_CENTS = 1_000
MAX_PRICE_CENTS = 500_000
PRICE_STEP_CENTS = 100
MAX_STOCK = 50
OUT_OF_STOCK_SHARE = 0.15
UNSOLD_SHARE = 0.6
MAX_UNITS_SOLD = 100_000
STONE_SHARE = 0.45
MOTIF_SHARE = 0.3
# Products whose piece has one category get a collection with this probability: with the pieces
# that have two categories (signet ring, wedding band, curb chain, cuff) about 1.5 categories per
# product, ~150k product_categories rows.
COLLECTION_SHARE = 0.36
STATUS_WEIGHTS = {"active": 90, "draft": 7, "archived": 3}
# Silver and gold dominate a real jewelry catalog; palladium is rare. Every value is one of the
# default CATALOG_MATERIALS (devstack/data/materials.json).
MATERIAL_WEIGHTS = {
    "silver": 30,
    "gold": 22,
    "stainless steel": 12,
    "white gold": 10,
    "rose gold": 9,
    "titanium": 7,
    "platinum": 6,
    "palladium": 4,
}
# Secondary categories, most popular first (Zipf weights): selective category filters.
COLLECTIONS = (
    ("Bridal", "bridal"),
    ("Gifts for Her", "gifts-for-her"),
    ("Everyday", "everyday"),
    ("Minimalist", "minimalist"),
    ("Vintage Inspired", "vintage-inspired"),
    ("Stackable", "stackable"),
    ("Gifts for Him", "gifts-for-him"),
    ("Statement", "statement"),
    ("Birthstone", "birthstone"),
    ("Personalised", "personalised"),
    ("Heirloom", "heirloom"),
    ("Recycled Metals", "recycled-metals"),
    ("Unisex", "unisex"),
    ("Festive", "festive"),
    ("Limited Edition", "limited-edition"),
)
MOTIFS = ("Leaf", "Star", "Moon", "Heart", "Knot", "Wave", "Bee", "Serpent", "Sun", "Feather")
FINISHES = (
    "High-polish finish.",
    "Satin finish.",
    "Matte finish with a brushed edge.",
    "Oxidised recesses for contrast.",
    "Mirror-polished inside for comfort.",
)
SELLER_PREFIXES = (
    "Aurum", "Silver Fern", "Nordlicht", "Maison Lumière", "Ironbark", "Golden Hour", "Moonwell",
    "Copperleaf", "Stellar", "Northstar", "Bluebell", "Old Forge", "Kestrel", "Ember", "Saltmarsh",
    "Linden", "Quartzline", "Hollow Oak", "Marigold", "Driftwood", "Sable", "Wren", "Juniper",
    "Atlas", "Halcyon",
)  # fmt: skip
SELLER_SUFFIXES = (
    "Atelier", "Studio", "Goldsmiths", "& Co.", "Workshop", "Jewellers", "Metalworks", "House",
    "Collective", "Bench", "Design", "Forge", "Gallery", "Makers", "Foundry", "Crafts", "Lab",
    "Guild", "Editions", "Objects",
)  # fmt: skip
SELLER_SIZE_EXPONENT = 0.8  # a seller's share of products ~ 1 / rank**0.8: a few big shops
BULK_MAINTENANCE_WORK_MEM = "256MB"  # index builds after the COPY sort in memory
# Never a valid Argon2 hash: the bench sellers cannot sign in.
NO_PASSWORD = "!bench-seller-no-password"


class UserRow(NamedTuple):
    id: uuid.UUID
    email: str
    password_hash: str
    role: str
    display_name: str
    verified_at: datetime
    created_at: datetime
    updated_at: datetime


class CategoryRow(NamedTuple):
    id: uuid.UUID
    name: str
    slug: str
    created_at: datetime
    updated_at: datetime


class ProductRow(NamedTuple):
    id: uuid.UUID
    seller_id: uuid.UUID
    name: str
    description: str
    material: str
    price_cents: int
    currency: str
    stock: int
    status: str
    units_sold: int
    created_at: datetime
    updated_at: datetime


class ProductCategoryRow(NamedTuple):
    product_id: uuid.UUID
    category_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class CatalogData:
    """Rows per table, in load order (search_vector is a generated column: never written)."""

    users: list[UserRow]
    categories: list[CategoryRow]
    products: list[ProductRow]
    product_categories: list[ProductCategoryRow]

    def tables(self) -> tuple[tuple[str, Sequence[tuple[object, ...]], tuple[str, ...]], ...]:
        """(table, rows, columns) in foreign-key order."""
        return (
            ("users", self.users, UserRow._fields),
            ("categories", self.categories, CategoryRow._fields),
            ("products", self.products, ProductRow._fields),
            ("product_categories", self.product_categories, ProductCategoryRow._fields),
        )


class _Weighted[T]:
    """`random.choices(values, weights)[0]` with the cumulative weights computed once."""

    def __init__(self, values: Sequence[T], weights: Sequence[float]) -> None:
        self._values = values
        self._cumulative = list(itertools.accumulate(weights))
        self._total = self._cumulative[-1]

    def pick(self, rng: random.Random) -> T:
        return self._values[bisect.bisect(self._cumulative, rng.random() * self._total)]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _sellers(rng: random.Random, count: int) -> list[UserRow]:
    names = [f"{prefix} {suffix}" for prefix in SELLER_PREFIXES for suffix in SELLER_SUFFIXES]
    rng.shuffle(names)
    rows = []
    for index in range(count):
        name = names[index % len(names)]
        if index >= len(names):
            name += f" {index // len(names) + 1}"
        joined = ANCHOR - HISTORY - timedelta(days=rng.randrange(365))
        rows.append(
            UserRow(
                id=_uuid(rng),
                email=f"bench.seller{index:04d}@example.com",
                password_hash=NO_PASSWORD,
                role="seller",
                display_name=name,
                verified_at=joined,
                created_at=joined,
                updated_at=joined,
            )
        )
    return rows


def _categories(rng: random.Random) -> list[CategoryRow]:
    named = [(c["name"], c["slug"]) for c in demo.categories()] + list(COLLECTIONS)
    created = ANCHOR - HISTORY
    return [CategoryRow(_uuid(rng), name, slug, created, created) for name, slug in named]


def _price(rng: random.Random, metal: demo.MaterialData) -> int:
    # Log-normal around the geometric middle of the material's demo range, ~95% inside it.
    low, high = math.log(metal["min_price_cents"]), math.log(metal["max_price_cents"])
    cents = math.exp(rng.gauss((low + high) / 2, (high - low) / 4))
    stepped = round(cents / PRICE_STEP_CENTS) * PRICE_STEP_CENTS
    return min(MAX_PRICE_CENTS, max(MIN_PRICE_CENTS, stepped))


def _units_sold(rng: random.Random, status: str) -> int:
    if status == "draft" or rng.random() < UNSOLD_SHARE:
        return 0
    # Pareto tail: most sellers of a sold item sold a handful, a few best sellers thousands.
    return min(MAX_UNITS_SOLD, int(rng.paretovariate(1.1) * 3))


def _text(rng: random.Random, words: demo.Vocabulary, metal: str, piece: str) -> tuple[str, str]:
    style = rng.choice(words["styles"])
    motif = rng.choice(MOTIFS) if rng.random() < MOTIF_SHARE else None
    stone = rng.choice(words["stones"]) if rng.random() < STONE_SHARE else None
    name = f"{style} {metal.title()} {motif + ' ' if motif else ''}{piece}"
    description = f"{style} {piece.lower()} in {metal}"
    if motif:
        description += f" with a {motif.lower()} motif"
    if stone:
        name += f" with {stone.title()}"
        description += f", set with {stone}"
    details = rng.sample(words["details"], 2)
    return name, " ".join([f"{description}.", rng.choice(FINISHES), *details])


def generate(seed: int = SEED, products: int = PRODUCTS, sellers: int = SELLERS) -> CatalogData:
    """The data set's rows; the same arguments always give the same rows."""
    rng = random.Random(seed)
    words = demo.vocabulary()
    metals = {metal["name"]: metal for metal in demo.materials()}
    seller_rows = _sellers(rng, sellers)
    category_rows = _categories(rng)
    category_ids = {row.slug: row.id for row in category_rows}
    collections = _Weighted(
        [category_ids[slug] for _, slug in COLLECTIONS],
        [1 / rank for rank in range(1, len(COLLECTIONS) + 1)],
    )
    seller_of = _Weighted(
        [row.id for row in seller_rows],
        [1 / rank**SELLER_SIZE_EXPONENT for rank in range(1, sellers + 1)],
    )
    statuses = _Weighted(list(STATUS_WEIGHTS), list(STATUS_WEIGHTS.values()))
    materials = _Weighted(list(MATERIAL_WEIGHTS), list(MATERIAL_WEIGHTS.values()))
    history_us = HISTORY // timedelta(microseconds=1)

    product_rows: list[ProductRow] = []
    links: list[ProductCategoryRow] = []
    for _ in range(products):
        product_id = _uuid(rng)
        piece = rng.choice(words["pieces"])
        material = materials.pick(rng)
        status = statuses.pick(rng)
        name, description = _text(rng, words, material, piece["name"])
        created_at = ANCHOR - timedelta(microseconds=rng.randrange(history_us))
        product_rows.append(
            ProductRow(
                id=product_id,
                seller_id=seller_of.pick(rng),
                name=name,
                description=description,
                material=material,
                price_cents=_price(rng, metals[material]),
                currency=CURRENCY,
                stock=0 if rng.random() < OUT_OF_STOCK_SHARE else rng.randint(1, MAX_STOCK),
                status=status,
                units_sold=_units_sold(rng, status),
                created_at=created_at,
                updated_at=created_at,
            )
        )
        slugs = piece["categories"]
        links += (ProductCategoryRow(product_id, category_ids[slug]) for slug in slugs)
        if len(slugs) == 1 and rng.random() < COLLECTION_SHARE:
            links.append(ProductCategoryRow(product_id, collections.pick(rng)))
    return CatalogData(seller_rows, category_rows, product_rows, links)


async def copy_into(conn: AsyncConnection, data: CatalogData) -> None:
    """COPY every row through the connection's asyncpg driver, in its current transaction.

    Categories that exist already (the migration's defaults) keep their ids and are not copied;
    the product links point at them instead.
    """
    existing: dict[str, uuid.UUID] = dict(
        (await conn.execute(text("SELECT slug, id FROM categories"))).all()
    )
    data = _onto_existing_categories(data, existing)
    raw = await conn.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None
    # Binary COPY needs a binary codec per column; citext (emails, category names) has none in
    # asyncpg, and its wire format is text's: UTF-8 bytes.
    await driver.set_type_codec("citext", encoder=str.encode, decoder=bytes.decode, format="binary")
    for table, rows, columns in data.tables():
        await driver.copy_records_to_table(table, records=rows, columns=columns)


def _onto_existing_categories(data: CatalogData, existing: dict[str, uuid.UUID]) -> CatalogData:
    """`data` without the categories whose slug exists, its links pointing at the existing ids."""
    moved = {row.id: existing[row.slug] for row in data.categories if row.slug in existing}
    if not moved:
        return data
    return CatalogData(
        users=data.users,
        categories=[row for row in data.categories if row.slug not in existing],
        products=data.products,
        product_categories=[
            ProductCategoryRow(link.product_id, moved.get(link.category_id, link.category_id))
            for link in data.product_categories
        ],
    )


# DDL that drops, and DDL that recreates, the secondary indexes and the foreign keys of the given
# tables, read from the catalog: whatever the migrations define is rebuilt as it was.
_INDEXES = text(
    """
    SELECT format('DROP INDEX %s', i.indexrelid::regclass), pg_get_indexdef(i.indexrelid)
    FROM pg_index i
    WHERE i.indrelid = ANY(CAST(:tables AS regclass[]))
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
    """
)
_FOREIGN_KEYS = text(
    """
    SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname),
           format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname,
                  pg_get_constraintdef(oid))
    FROM pg_constraint
    WHERE contype = 'f' AND conrelid = ANY(CAST(:tables AS regclass[]))
    """
)


@contextlib.asynccontextmanager
async def _bulk_load(conn: AsyncConnection, tables: Sequence[str]) -> AsyncIterator[None]:
    """Drop the secondary indexes and foreign keys of `tables`, recreate them afterwards.

    PostgreSQL's "Populating a Database" advice: building an index once over all rows, and
    checking a foreign key with one join, beats maintaining them row by row (the catalog's COPY
    here: 10 s with the indexes in place, ~4 s with the rebuild). Run inside the load's
    transaction, so a failure leaves the schema as it was.
    """
    parameters = {"tables": list(tables)}
    ddl = [
        *(await conn.execute(_INDEXES, parameters)),
        *(await conn.execute(_FOREIGN_KEYS, parameters)),
    ]
    for drop, _ in ddl:
        await conn.exec_driver_sql(drop)
    yield
    await conn.exec_driver_sql(f"SET LOCAL maintenance_work_mem = '{BULK_MAINTENANCE_WORK_MEM}'")
    for _, create in ddl:
        await conn.exec_driver_sql(create)


async def seed(context: BenchContext) -> None:
    """Generate, COPY in one transaction, then VACUUM (ANALYZE) the catalog tables."""
    started = time.perf_counter()
    data = generate()
    generated = time.perf_counter()
    engine = create_async_engine(context.database_url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            async with conn.begin():
                await conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
                async with _bulk_load(conn, ("products", "product_categories")):
                    await copy_into(conn, data)
            copied = time.perf_counter()
            # Sets hint bits and the visibility map (index-only scans) and gathers statistics.
            autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
            tables = ", ".join(table for table, _, _ in data.tables())
            await autocommit.exec_driver_sql(f"VACUUM (ANALYZE) {tables}")
    finally:
        await engine.dispose()
    done = time.perf_counter()
    progress(
        f"database: catalog_100k in {done - started:.1f} s (generate {generated - started:.1f} s,"
        f" COPY + indexes {copied - generated:.1f} s, VACUUM ANALYZE {done - copied:.1f} s;"
        f" {len(data.products):,} products, {len(data.product_categories):,} category links)"
    )
