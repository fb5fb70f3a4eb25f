"""The registry: what `make bench` measures and the budget each figure must meet.

Later issues register their data sets (100k products, 1M order lines), their scenarios (product
list, detail, seller stats, checkout, webhook) and nothing else; the runner picks them up.
Budgets come from ARCHITECTURE.md "Performance budgets"; a bench-only target says so.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import NullPool, TextClause, text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from bench import catalog_data, image_data, payments_data, stats_data
from bench.coldstart import ColdStartTarget
from bench.database import BenchContext, Dataset
from bench.latency import Budget, EventFactory, Scenario
from bench.results import BENCH_TARGET
from bench.thumbnail import ThumbnailScenario
from tests.helpers.lambda_events import http_api_event

# Handler modules timed against bench.baseline_app; a module that does not exist yet (or defines
# no `handler`) is reported as SKIP.
COLD_START: tuple[ColdStartTarget, ...] = (
    ColdStartTarget("functions.api.handler", max_ratio=1.5),
    ColdStartTarget("functions.thumbnailer.handler", forbid_fastapi=True),
    ColdStartTarget("functions.stripe_webhook.handler", forbid_fastapi=True),
    ColdStartTarget("functions.reservation_sweeper.handler", forbid_fastapi=True),
    ColdStartTarget("functions.mailer.handler", forbid_fastapi=True),
)

BENCH_ORIGIN = "https://shop.bench.test"
BENCH_EMAIL = "bench.customer@example.com"
BENCH_PASSWORD = "bench-velvet-orbit-lantern-42"
BENCH_USER_ID = uuid.UUID("00000000-0000-4000-8000-00000000be01")
BENCH_SESSION_ID = uuid.UUID("00000000-0000-4000-8000-00000000be02")


async def _seed_accounts(context: BenchContext) -> None:
    """A verified customer with one live session, hashed with the app's own settings."""
    from shop.auth.keys import ensure_local_keyset_file
    from shop.auth.passwords import hash_password
    from shop.config import get_settings
    from shop.models import Session, User

    settings = get_settings()
    ensure_local_keyset_file(settings.jwt_keys_file, settings.jwt_algorithm)
    now = datetime.now(UTC)
    engine = create_async_engine(context.database_url, poolclass=NullPool)
    try:
        async with AsyncSession(engine) as session, session.begin():
            session.add(
                User(
                    id=BENCH_USER_ID,
                    email=BENCH_EMAIL,
                    password_hash=hash_password(settings, BENCH_PASSWORD),
                    role="customer",
                    display_name="Bench Customer",
                    verified_at=now,
                )
            )
            await session.flush()
            session.add(
                Session(
                    id=BENCH_SESSION_ID,
                    user_id=BENCH_USER_ID,
                    created_at=now,
                    last_seen_at=now,
                    absolute_expires_at=now + timedelta(days=30),
                )
            )
    finally:
        await engine.dispose()


# Seeded once per run into the fresh bench database, only when a selected scenario names them.
DATASETS: tuple[Dataset, ...] = (
    # First: it points the Stripe and mail settings at local services (bench/payments_data.py).
    Dataset(
        "payments",
        "a seller with 20 well-stocked products, 5000 pending orders, Stripe emulator, SMTP sink",
        payments_data.seed,
    ),
    Dataset("accounts", "one verified customer with a live session", _seed_accounts),
    Dataset(
        "catalog_100k",
        "100k products, 500 sellers, 20 categories (bench/catalog_data.py)",
        catalog_data.seed,
    ),
    # After catalog_100k (registry order is seeding order): it adds to those products.
    Dataset(
        "catalog_images",
        "3 ready images and 1 pending per catalog product (bench/image_data.py)",
        image_data.seed,
    ),
    Dataset(
        "orders_1m",
        "1M order lines in 400k paid orders over the catalog's 500 sellers (bench/stats_data.py)",
        stats_data.seed,
    ),
)


def _health(context: BenchContext) -> EventFactory:
    return lambda index: http_api_event("GET", "/api/v1/health")


def _users_me(context: BenchContext) -> EventFactory:
    from shop.auth import tokens
    from shop.auth.cookies import cookie_name
    from shop.auth.keys import load_keyset
    from shop.config import get_settings

    settings = get_settings()
    token = tokens.issue(
        load_keyset(settings),
        settings,
        user_id=BENCH_USER_ID,
        session_id=BENCH_SESSION_ID,
        audience=tokens.CUSTOMER_AUDIENCE,
        now=datetime.now(UTC),
    )
    cookie = f"{cookie_name(settings)}={token}"
    return lambda index: http_api_event("GET", "/api/v1/users/me", cookies=[cookie])


def _login(context: BenchContext) -> EventFactory:
    body = {"email": BENCH_EMAIL, "password": BENCH_PASSWORD}
    return lambda index: http_api_event(
        "POST", "/api/v1/auth/login", headers={"origin": BENCH_ORIGIN}, body=body
    )


# The catalog (GET /api/v1/products...). Each list scenario rotates over a few realistic queries
# by call index; a query is a list of pairs because filters repeat (material=gold&material=silver).
Query = Sequence[tuple[str, str]]
PRODUCTS = "/api/v1/products"

FILTERED_QUERIES: tuple[Query, ...] = (
    (
        ("material", "gold"),
        ("category", "rings"),
        ("min_price", "20000"),
        ("max_price", "150000"),
        ("sort", "price_asc"),
    ),
    (
        ("material", "silver"),
        ("category", "necklaces"),
        ("max_price", "15000"),
        ("in_stock", "true"),
        ("sort", "newest"),
    ),
    (
        ("material", "platinum"),
        ("material", "white gold"),
        ("category", "bridal"),
        ("min_price", "50000"),
        ("in_stock", "true"),
        ("sort", "price_desc"),
    ),
    (
        ("material", "titanium"),
        ("material", "stainless steel"),
        ("category", "men"),
        ("max_price", "10000"),
        ("in_stock", "true"),
        ("sort", "best_selling"),
    ),
)
# Browsing a broad selection page by page: page 1 and pages 1000-1009 of the same query.
DEEP_QUERY: Query = (
    ("category", "rings"),
    ("category", "earrings"),
    ("in_stock", "true"),
    ("sort", "newest"),
)
DEEP_PAGE = 1000
DEEP_PAGES = 10
# The landing page and three narrower selections. None sets max_price: the miss scenario adds one
# above every price (same counts, a filter set the facet memo has not seen).
FACET_QUERIES: tuple[Query, ...] = (
    (),
    (("category", "rings"), ("in_stock", "true")),
    (("material", "silver"), ("min_price", "5000")),
    (("category", "men"), ("material", "gold")),
)
# A shopper typing: two words, the last one unfinished.
TEXT_QUERIES: tuple[Query, ...] = tuple(
    (("q", q), ("sort", "relevance"))
    for q in ("vintage sapph", "hammered ban", "emerald pend", "gold hoop")
)
DETAIL_IDS = 1000


def query_event(path: str, query: Query = ()) -> dict[str, Any]:
    event = http_api_event("GET", path)
    if query:
        # http_api_event takes a dict; API Gateway sends repeated keys in rawQueryString (which
        # Mangum reads) and comma-joined in queryStringParameters.
        event["rawQueryString"] = urlencode(list(query))
        joined: dict[str, list[str]] = {}
        for key, value in query:
            joined.setdefault(key, []).append(value)
        event["queryStringParameters"] = {key: ",".join(v) for key, v in joined.items()}
    return event


def _rotating(path: str, queries: Sequence[Query]) -> EventFactory:
    return lambda index: query_event(path, queries[index % len(queries)])


async def _answers(context: BenchContext, events: EventFactory, distinct: int) -> list[str]:
    """The requests among the first `distinct` events that find no product (or fail)."""
    import httpx

    from shop.api.app import create_app
    from shop.config import get_settings
    from shop.db.engine import Database, build_engine

    settings = get_settings()
    database = Database.from_engine(build_engine(settings, context.database_url))
    transport = httpx.ASGITransport(app=create_app(settings, database))
    empty = []
    try:
        async with httpx.AsyncClient(transport=transport, base_url="https://bench") as client:
            for index in range(distinct):
                event = events(index)
                url = f"{event['rawPath']}?{event['rawQueryString']}"
                response = await client.get(url)
                body = response.json() if response.status_code == 200 else {}
                if not (body.get("items") or body.get("total")):
                    empty.append(f"GET {url} -> {response.status_code}, no products")
    finally:
        await database.engine.dispose()
    return empty


def _finding(context: BenchContext, events: EventFactory, distinct: int) -> EventFactory:
    """`events`, once each of its distinct requests is seen to find products: the data set is
    built so that all do, and a fast empty answer must not pass as a fast answer."""
    empty = asyncio.run(_answers(context, events, distinct))
    if empty:
        raise RuntimeError("; ".join(empty))
    return events


def _products_filtered(context: BenchContext) -> EventFactory:
    return _finding(context, _rotating(PRODUCTS, FILTERED_QUERIES), len(FILTERED_QUERIES))


def _products_text(context: BenchContext) -> EventFactory:
    return _finding(context, _rotating(PRODUCTS, TEXT_QUERIES), len(TEXT_QUERIES))


def _products_facets(context: BenchContext) -> EventFactory:
    events = _rotating(f"{PRODUCTS}/facets", FACET_QUERIES)
    return _finding(context, events, len(FACET_QUERIES))


def _products_facets_miss(context: BenchContext) -> EventFactory:
    def events(index: int) -> dict[str, Any]:
        above_every_price = ("max_price", str(catalog_data.MAX_PRICE_CENTS + index))
        query = [*FACET_QUERIES[index % len(FACET_QUERIES)], above_every_price]
        return query_event(f"{PRODUCTS}/facets", query)

    return _finding(context, events, len(FACET_QUERIES))


def _products_page_1(context: BenchContext) -> EventFactory:
    return _finding(context, lambda index: query_event(PRODUCTS, DEEP_QUERY), 1)


# The rows just before pages DEEP_PAGE.. of DEEP_QUERY, in the contract's order (active, in
# stock, in any of the categories; newest = created_at DESC, id DESC).
_DEEP_ROWS = text(
    """
    SELECT p.created_at, p.id FROM products p
    WHERE p.status = 'active' AND p.stock > 0 AND EXISTS (
        SELECT 1 FROM product_categories pc JOIN categories c ON c.id = pc.category_id
        WHERE pc.product_id = p.id AND c.slug = ANY(:slugs))
    ORDER BY p.created_at DESC, p.id DESC
    OFFSET :offset LIMIT :limit
    """
)


async def _rows(context: BenchContext, query: TextClause, **params: Any) -> list[tuple[Any, ...]]:
    engine = create_async_engine(context.database_url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            return [tuple(row) for row in await conn.execute(query, params)]
    finally:
        await engine.dispose()


async def deep_cursors(context: BenchContext) -> list[str]:
    """Cursors to pages DEEP_PAGE.. of DEEP_QUERY at the API's page size (no `limit` sent)."""
    from shop.catalog import cursor
    from shop.config import get_settings

    page = get_settings().catalog_page_size
    slugs = [value for key, value in DEEP_QUERY if key == "category"]
    offset = (DEEP_PAGE - 1) * page - 1
    rows = await _rows(context, _DEEP_ROWS, slugs=slugs, offset=offset, limit=DEEP_PAGES * page)
    if len(rows) < DEEP_PAGES * page:
        raise RuntimeError(f"the deep-page query has fewer than {DEEP_PAGE + DEEP_PAGES} pages")
    return [cursor.encode("newest", row[0], row[1]) for row in rows[::page]]


def _products_page_1000(context: BenchContext) -> EventFactory:
    cursors = asyncio.run(deep_cursors(context))
    return _finding(
        context,
        lambda index: query_event(
            PRODUCTS, [*DEEP_QUERY, ("cursor", cursors[index % len(cursors)])]
        ),
        len(cursors),
    )


async def _active_product_ids(context: BenchContext) -> list[uuid.UUID]:
    query = text("SELECT id FROM products WHERE status = 'active' ORDER BY id")
    active = [row[0] for row in await _rows(context, query)]
    return random.Random(catalog_data.SEED).sample(active, DETAIL_IDS)


def _product_detail(context: BenchContext) -> EventFactory:
    ids = asyncio.run(_active_product_ids(context))
    return lambda index: query_event(f"{PRODUCTS}/{ids[index % len(ids)]}")


def _seller_stats(path: str, queries: Sequence[Query]) -> Callable[[BenchContext], EventFactory]:
    """Signed-in busy sellers in turn, each asking for `queries` in turn."""

    def events(context: BenchContext) -> EventFactory:
        cookies = asyncio.run(stats_data.seller_cookies(context))

        def event(index: int) -> dict[str, Any]:
            seller_event = query_event(path, queries[index % len(queries)])
            seller_event["cookies"] = [cookies[index % len(cookies)]]
            return seller_event

        return event

    return events


_MONTHS = stats_data.recent_months(36)
STATS_MONTH_QUERIES: tuple[Query, ...] = tuple((("month", m),) for m in _MONTHS[:12])
STATS_SERIES_QUERIES: tuple[Query, ...] = ((("from", _MONTHS[11]), ("to", _MONTHS[0])),)
STATS_EXPORT_QUERIES: tuple[Query, ...] = ((("from", _MONTHS[35]), ("to", _MONTHS[0])),)
ORDERS = ("catalog_100k", "orders_1m")

CATALOG = ("catalog_100k",)
# The facets budget is the catalog issue's, not ARCHITECTURE.md's.
FACETS_TARGET = "catalog issue (docs/benchmarks.md)"
# A facet memo miss counts rows live, ~150 ms a call at 100k products here: 1100 calls would take
# ~3 min. Its target is a p50, which 300 calls measure well. Lift once misses are fast.
FACETS_MISS_MAX_CALLS = 300

PAYMENTS = ("payments",)
WEBHOOK_HANDLER = "functions.stripe_webhook.handler:handler"
CHECKOUT_BUDGET = "ARCHITECTURE.md (excluding Stripe: subtract stripe_roundtrip)"


def _checkout(context: BenchContext) -> EventFactory:
    return lambda index: payments_data.checkout_event(index, BENCH_ORIGIN)


def _stripe_roundtrip(context: BenchContext) -> EventFactory:
    return lambda index: {}


def _webhook_completed(context: BenchContext) -> EventFactory:
    return payments_data.completed_event


def _webhook_expired(context: BenchContext) -> EventFactory:
    return payments_data.expired_event


PAYMENT_SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        name="checkout",
        description="POST /api/v1/checkout (guest, 2 lines): hold stock, commit, Checkout Session"
        " from the local Stripe emulator, store it",
        # Measured with the emulator's round trip included, so it is stricter than the budget.
        budget=Budget(p50_ms=15, source=CHECKOUT_BUDGET),
        events=_checkout,
        datasets=PAYMENTS,
    ),
    Scenario(
        name="stripe_roundtrip",
        description="the Checkout Session create alone (StripeClient -> emulator): Stripe's"
        " share of checkout here",
        budget=Budget(p50_ms=15, source=BENCH_TARGET),
        events=_stripe_roundtrip,
        handler="bench.payments_data:stripe_roundtrip",
        datasets=PAYMENTS,
    ),
    Scenario(
        name="webhook_completed",
        description="POST /api/v1/webhooks/stripe, checkout.session.completed (paid) of a new"
        " order: verify, inbox, paid, product/category/seller rollups, buyer + seller mail into"
        " the outbox, one commit",
        budget=Budget(p50_ms=10),
        events=_webhook_completed,
        handler=WEBHOOK_HANDLER,
        datasets=PAYMENTS,
    ),
    Scenario(
        name="webhook_expired",
        description="checkout.session.expired of a new order: verify, inbox, hold released",
        budget=Budget(p50_ms=10),
        events=_webhook_expired,
        handler=WEBHOOK_HANDLER,
        datasets=PAYMENTS,
    ),
)

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        name="health",
        description="GET /api/v1/health: routing, middleware and one database round trip",
        # ARCHITECTURE.md sets no budget for health; this one is the bench's own target.
        budget=Budget(p50_ms=3, source=BENCH_TARGET),
        events=_health,
    ),
    Scenario(
        name="users_me",
        description="GET /api/v1/users/me: JWT verify + session row check (signed-in user)",
        budget=Budget(p50_ms=3),
        events=_users_me,
        datasets=("accounts",),
    ),
    Scenario(
        name="login",
        description="POST /api/v1/auth/login: one Argon2id verification + a new session",
        # Dominated by the password hash (ARGON2_*); PW-02 caps it at 500 ms (docs/security.md).
        budget=Budget(p99_ms=500, source="PW-02, docs/security.md"),
        events=_login,
        datasets=("accounts",),
        max_calls=30,
    ),
    Scenario(
        name="products_filtered",
        description="GET /api/v1/products: material + category + price range (+ in_stock) and a"
        " sort, 4 queries in turn",
        budget=Budget(p50_ms=3, p99_ms=8),
        events=_products_filtered,
        datasets=CATALOG,
    ),
    Scenario(
        name="products_page_1",
        description="GET /api/v1/products?category=rings&category=earrings&in_stock=true"
        "&sort=newest, first page",
        budget=Budget(p50_ms=3, p99_ms=8),
        events=_products_page_1,
        datasets=CATALOG,
    ),
    Scenario(
        name="products_page_1000",
        description="the same query at pages 1000-1009 (24k rows deep) by keyset cursor",
        budget=Budget(p50_ms=3, p99_ms=8),
        events=_products_page_1000,
        datasets=CATALOG,
    ),
    Scenario(
        name="products_text",
        description="GET /api/v1/products?q=<word> <prefix>&sort=relevance, 4 queries in turn",
        # ARCHITECTURE.md sets no budget for text search; this one is the bench's own target.
        budget=Budget(p50_ms=5, source=BENCH_TARGET),
        events=_products_text,
        datasets=CATALOG,
    ),
    Scenario(
        name="products_facets",
        description="GET /api/v1/products/facets: no filter and 3 filter sets in turn (the"
        " per-container facet memo answers all but the first calls)",
        budget=Budget(p50_ms=5, source=FACETS_TARGET),
        events=_products_facets,
        datasets=CATALOG,
    ),
    Scenario(
        name="products_facets_miss",
        description="the same 4 filter sets, each call with a new max_price above every price:"
        " a memo miss, counted live",
        # The first shopper per filter set, container and 30 s pays this; the bench's own target.
        budget=Budget(p50_ms=50, source=BENCH_TARGET),
        events=_products_facets_miss,
        datasets=CATALOG,
        max_calls=FACETS_MISS_MAX_CALLS,
    ),
    Scenario(
        name="product_detail",
        description="GET /api/v1/products/{id}, 1000 random active products in turn, each"
        " with 3 ready images (and a pending one the query leaves out)",
        budget=Budget(p50_ms=2),
        events=_product_detail,
        datasets=(*CATALOG, "catalog_images"),
    ),
    Scenario(
        name="seller_stats_month",
        description="GET /api/v1/seller/stats?month=: 20 busy sellers x the last 12 months in turn",
        budget=Budget(p50_ms=5),
        events=_seller_stats("/api/v1/seller/stats", STATS_MONTH_QUERIES),
        datasets=ORDERS,
    ),
    Scenario(
        name="seller_stats_series",
        description="GET /api/v1/seller/stats/series: the last 12 months, 20 sellers in turn",
        budget=Budget(p50_ms=5, source="stats issue (docs/benchmarks.md)"),
        events=_seller_stats("/api/v1/seller/stats/series", STATS_SERIES_QUERIES),
        datasets=ORDERS,
    ),
    Scenario(
        name="seller_stats_export",
        description="GET /api/v1/seller/stats/export.csv: 36 months, 20 sellers in turn",
        budget=Budget(p99_ms=50, source="stats issue (docs/benchmarks.md)"),
        events=_seller_stats("/api/v1/seller/stats/export.csv", STATS_EXPORT_QUERIES),
        datasets=ORDERS,
    ),
    *PAYMENT_SCENARIOS,
)

# Product images (issue 5): a 12-megapixel phone photo through the real thumbnailer handler.
THUMBNAILS: tuple[ThumbnailScenario, ...] = (
    ThumbnailScenario(
        name="thumbnail_12mp_jpeg",
        description="a 4000x3000 JPEG (about 2 MB) -> checks, 3 WebP variants, row ready",
        width=4000,
        height=3000,
        max_p50_ms=1500,
        max_peak_rss_mb=400,
    ),
    # The pixel cap's worst case (IMG-06/09): what ThumbnailerFunction's 1024 MB and 30 s cover.
    ThumbnailScenario(
        name="thumbnail_40mp_png",
        description="a 7300x5470 RGBA PNG (39.9 MP, under 1 MB) -> 3 WebP variants with alpha",
        width=7300,
        height=5470,
        content_type="image/png",
        max_p50_ms=10_000,
        max_peak_rss_mb=1024,
        runs=3,
        source="infra/template.yaml ThumbnailerFunction (1024 MB; a third of its 30 s)",
    ),
)
