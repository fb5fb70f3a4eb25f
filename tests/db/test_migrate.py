"""shop.db.migrate against a real, empty PostgreSQL database: to head, idempotent, serialized."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, make_url, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from devstack import postgres
from shop.config import Settings
from shop.db import migrate
from shop.db.base import Base

SCRIPTS = Path(__file__).resolve().parents[2] / "migrations"
HEADS = tuple(sorted(ScriptDirectory.from_config(migrate.alembic_config(SCRIPTS)).get_heads()))
# The lock test polls the server until the second run queues on the lock, then gives up.
QUEUE_POLLS = 200
QUEUE_POLL_SECONDS = 0.05


@pytest.fixture
async def empty_database(settings: Settings) -> AsyncIterator[AsyncEngine]:
    url = make_url(settings.database_url.get_secret_value())
    empty = url.set(database=f"{url.database}_migrate")
    await postgres.create_database(empty, recreate=True)
    engine = create_async_engine(empty, pool_size=3, max_overflow=3)
    yield engine
    await engine.dispose()
    await postgres.drop_database(empty)


async def _tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))


async def test_upgrade_takes_an_empty_database_to_head(empty_database: AsyncEngine) -> None:
    result = await migrate.upgrade_to_head(empty_database, SCRIPTS)

    assert (result.before, result.after, result.changed) == ((), HEADS, True)
    assert set(Base.metadata.tables) <= await _tables(empty_database)


async def test_a_second_run_at_head_changes_nothing(empty_database: AsyncEngine) -> None:
    await migrate.upgrade_to_head(empty_database, SCRIPTS)

    again = await migrate.upgrade_to_head(empty_database, SCRIPTS)

    assert (again.before, again.after, again.changed) == (HEADS, HEADS, False)


async def test_concurrent_runs_migrate_once_and_both_succeed(
    empty_database: AsyncEngine,
) -> None:
    results = await asyncio.gather(
        migrate.upgrade_to_head(empty_database, SCRIPTS),
        migrate.upgrade_to_head(empty_database, SCRIPTS),
    )

    assert sorted(result.changed for result in results) == [False, True]
    assert all(result.after == HEADS for result in results)


async def _waiting_for_advisory_lock(engine: AsyncEngine) -> bool:
    async with engine.connect() as conn:
        waiting = await conn.scalar(
            text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            )
        )
    return bool(waiting)


async def _until_a_lock_request_waits(engine: AsyncEngine) -> None:
    for _ in range(QUEUE_POLLS):
        if await _waiting_for_advisory_lock(engine):
            return
        await asyncio.sleep(QUEUE_POLL_SECONDS)
    raise AssertionError("the second run never queued on the migration lock")


async def test_a_run_waits_while_another_holds_the_migration_lock(
    empty_database: AsyncEngine,
) -> None:
    async with empty_database.connect() as holder:
        await holder.execute(text("SELECT pg_advisory_lock(:k)"), {"k": migrate.MIGRATION_LOCK_KEY})
        await holder.commit()
        run = asyncio.create_task(migrate.upgrade_to_head(empty_database, SCRIPTS))
        await _until_a_lock_request_waits(empty_database)

        assert not run.done()
        assert "alembic_version" not in await _tables(empty_database)

        await holder.execute(
            text("SELECT pg_advisory_unlock(:k)"), {"k": migrate.MIGRATION_LOCK_KEY}
        )
        await holder.commit()
    result = await run

    assert result.after == HEADS


async def test_a_database_ahead_of_the_scripts_is_left_alone(empty_database: AsyncEngine) -> None:
    # What a rollback to older code meets after a newer deploy migrated.
    await migrate.upgrade_to_head(empty_database, SCRIPTS)
    async with empty_database.begin() as conn:
        await conn.execute(text("UPDATE alembic_version SET version_num = '29991231_9999'"))

    result = await migrate.upgrade_to_head(empty_database, SCRIPTS)

    assert (result.database_ahead, result.changed) == (True, False)
    assert result.after == ("29991231_9999",)
