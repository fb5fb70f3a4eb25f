"""`orders_1m`: 400,000 paid orders with 1,000,000 lines over the catalog_100k products (500
sellers), paid across the 36 months before now, 1 % partly refunded; the rollups built by the
statistics rebuild, as after a migration. Plus signed-in sellers for the stats scenarios."""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from sqlalchemy import NullPool, text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from bench.database import BenchContext
from bench.report import progress

ORDERS = 400_000
LINES = 1_000_000
MONTHS = 36
REFUNDED_SHARE = 0.01
SELLER_SESSIONS = 20  # the sellers with the most lines, signed in, used in turn

_STATEMENTS = (
    "SELECT setseed(0.20261201)",
    """CREATE TEMP TABLE bench_products AS
       SELECT row_number() OVER (ORDER BY id) AS n, id, seller_id, name, price_cents
       FROM products WHERE status = 'active'""",
    f"""CREATE TEMP TABLE bench_orders AS
        SELECT g AS n, gen_random_uuid() AS id,
               now() - random() * interval '{MONTHS * 30} days' AS paid_at
        FROM generate_series(1, {ORDERS}) g""",
    """INSERT INTO orders (id, email, status, amount_total, currency, paid_at, created_at)
       SELECT id, 'bench-buyer-' || n || '@example.com', 'paid', 0, 'EUR', paid_at, paid_at
       FROM bench_orders""",
    f"""INSERT INTO order_items
          (id, order_id, product_id, seller_id, product_name, unit_price_cents, quantity)
        SELECT gen_random_uuid(), o.id, p.id, p.seller_id, p.name, p.price_cents, l.quantity
        FROM (SELECT g, (g - 1) % {ORDERS} + 1 AS order_n,
                     1 + floor(random() * (SELECT count(*) FROM bench_products))::int AS product_n,
                     1 + floor(random() * 3)::int AS quantity
              FROM generate_series(1, {LINES}) g) l
        JOIN bench_orders o ON o.n = l.order_n
        JOIN bench_products p ON p.n = l.product_n""",
    """UPDATE orders o SET amount_total = t.total
       FROM (SELECT order_id, sum(quantity * unit_price_cents) AS total
             FROM order_items GROUP BY order_id) t
       WHERE t.order_id = o.id""",
    f"""INSERT INTO order_refunds (id, order_id, amount_cents, refunded_at)
        SELECT gen_random_uuid(), id, amount_total / 4, paid_at + interval '10 days'
        FROM orders WHERE random() < {REFUNDED_SHARE} AND paid_at < now() - interval '10 days'""",
    """UPDATE orders o SET amount_refunded = r.amount_cents, status = 'partially_refunded'
       FROM order_refunds r WHERE r.order_id = o.id""",
)


async def seed(context: BenchContext) -> None:
    """Orders by SQL in one transaction, then the rollups by `shop.stats.service.rebuild`."""
    from shop.config import get_settings
    from shop.stats import service as stats_service

    started = time.perf_counter()
    engine = create_async_engine(context.database_url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            async with conn.begin():
                await conn.exec_driver_sql("SET LOCAL synchronous_commit = off")
                for statement in _STATEMENTS:
                    await conn.execute(text(statement))
            loaded = time.perf_counter()
            async with AsyncSession(conn) as session, session.begin():
                refunds = await stats_service.rebuild(session, get_settings())
            rebuilt = time.perf_counter()
            autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.exec_driver_sql(
                "VACUUM (ANALYZE) orders, order_items, order_refunds, products,"
                " seller_monthly_stats, seller_monthly_totals"
            )
    finally:
        await engine.dispose()
    progress(
        f"database: orders_1m in {time.perf_counter() - started:.1f} s (orders and lines"
        f" {loaded - started:.1f} s; statistics rebuild {rebuilt - loaded:.1f} s with"
        f" {refunds:,} refunds replayed)"
    )


_BUSIEST_SELLERS = text(
    "SELECT seller_id FROM order_items GROUP BY seller_id ORDER BY count(*) DESC, seller_id"
    " LIMIT :limit"
)


async def seller_cookies(context: BenchContext) -> list[str]:
    """Session cookies of the busiest sellers (a live session row each)."""
    from shop.auth import tokens
    from shop.auth.cookies import cookie_name
    from shop.auth.keys import ensure_local_keyset_file, load_keyset
    from shop.config import get_settings
    from shop.models import Session

    settings = get_settings()
    ensure_local_keyset_file(settings.jwt_keys_file, settings.jwt_algorithm)
    keyset = load_keyset(settings)
    now = datetime.now(UTC)
    engine = create_async_engine(context.database_url, poolclass=NullPool)
    cookies = []
    try:
        async with AsyncSession(engine) as session, session.begin():
            sellers: Sequence[uuid.UUID] = (
                await session.scalars(_BUSIEST_SELLERS, {"limit": SELLER_SESSIONS})
            ).all()
            for seller_id in sellers:
                row = Session(
                    user_id=seller_id,
                    created_at=now,
                    last_seen_at=now,
                    absolute_expires_at=now + timedelta(hours=12),
                )
                session.add(row)
                await session.flush()
                token = tokens.issue(
                    keyset,
                    settings,
                    user_id=seller_id,
                    session_id=row.id,
                    audience=tokens.SELLER_AUDIENCE,
                    now=now,
                )
                cookies.append(f"{cookie_name(settings)}={token}")
    finally:
        await engine.dispose()
    return cookies


def recent_months(count: int) -> list[str]:
    """The last `count` whole months before this one, newest first, as YYYY-MM."""
    first = datetime.now(UTC).date().replace(day=1)
    months = []
    for _ in range(count):
        first = (first - timedelta(days=1)).replace(day=1)
        months.append(f"{first:%Y-%m}")
    return months
