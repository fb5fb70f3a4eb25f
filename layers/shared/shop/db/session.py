"""Transaction boundaries. Only these commit: services flush, the boundary commits."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from shop.db.engine import Database, get_database
from shop.exceptions import ShopError
from shop.observability import get_logger

# INV-03: PostgreSQL rolled the whole transaction back (deadlock_detected, serialization_failure);
# running it again from the start is safe. The lock order should make these rare.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})
MAX_RETRIES = 3
RETRY_BACKOFF_SECONDS = 0.02


@asynccontextmanager
async def transaction(database: Database) -> AsyncIterator[AsyncSession]:
    """A session whose transaction commits on success and rolls back on any exception, except
    a ShopError that `keeps_changes` (committed, then re-raised)."""
    async with database.sessionmaker() as session:
        await session.begin()
        try:
            yield session
        except ShopError as exc:
            if exc.keeps_changes:
                await session.commit()
            else:
                await session.rollback()
            raise
        except BaseException:
            await session.rollback()
            raise
        await session.commit()


def unit_of_work(database: Database | None = None) -> AbstractAsyncContextManager[AsyncSession]:
    """The boundary for event handlers (webhook, thumbnailer, sweeper)."""
    return transaction(database or get_database())


def sqlstate(exc: BaseException) -> str | None:
    """PostgreSQL's SQLSTATE of a database error (asyncpg's, through SQLAlchemy's adapter)."""
    return getattr(getattr(exc, "orig", None), "sqlstate", None)


async def retrying[T](attempt: Callable[[], Awaitable[T]]) -> T:
    """`attempt()`, which runs one whole transaction, again after a deadlock or serialization
    failure: up to MAX_RETRIES more times, after a jittered, doubling pause."""
    for retry in range(MAX_RETRIES):
        try:
            return await attempt()
        except DBAPIError as exc:
            code = sqlstate(exc)
            if code not in RETRYABLE_SQLSTATES:
                raise
            get_logger().warning(
                "transaction retried",
                extra={"event": "transaction_retried", "sqlstate": code, "retry": retry + 1},
            )
            await asyncio.sleep(RETRY_BACKOFF_SECONDS * 2**retry * random.uniform(0.5, 1.5))
    return await attempt()
