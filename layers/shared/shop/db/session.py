"""Transaction boundaries. Only these commit: services flush, the boundary commits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession

from shop.db.engine import Database, get_database
from shop.exceptions import ShopError


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
