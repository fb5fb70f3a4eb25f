"""Images for the catalog data set: each product gets three ready images (three variants each)
and one still pending, so the product detail scenario aggregates real image rows and skips the
ones shoppers must not see."""

from __future__ import annotations

import time

from sqlalchemy import NullPool, text
from sqlalchemy.ext.asyncio import create_async_engine

from bench.database import BenchContext
from bench.report import progress

READY_PER_PRODUCT = 3
# One row per product and position; the image id is made once and used in every key.
_INSERT = text(
    """
    INSERT INTO product_images
        (id, product_id, seller_id, s3_key, content_type, status, variants, position)
    SELECT r.id, r.product_id, r.seller_id, 'uploads/' || r.seller_id || '/' || r.id,
           'image/jpeg',
           CASE WHEN r.position < :ready THEN 'ready' ELSE 'pending' END,
           CASE WHEN r.position < :ready THEN jsonb_build_object(
               '200', 'public/' || r.id || '/200.webp',
               '600', 'public/' || r.id || '/600.webp',
               '1200', 'public/' || r.id || '/1200.webp') ELSE '{}'::jsonb END,
           r.position
    -- A subquery with a volatile function is not flattened: one new id per row.
    FROM (
        SELECT gen_random_uuid() AS id, p.id AS product_id, p.seller_id, n.position
        FROM products p CROSS JOIN generate_series(0, :ready) AS n(position)
    ) AS r
    """
)


async def seed(context: BenchContext) -> None:
    started = time.perf_counter()
    engine = create_async_engine(context.database_url, poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            inserted = (await conn.execute(_INSERT, {"ready": READY_PER_PRODUCT})).rowcount
        async with engine.connect() as conn:
            autocommit = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.exec_driver_sql("VACUUM (ANALYZE) product_images")
    finally:
        await engine.dispose()
    progress(
        f"database: catalog_images in {time.perf_counter() - started:.1f} s"
        f" ({inserted:,} image rows)"
    )
