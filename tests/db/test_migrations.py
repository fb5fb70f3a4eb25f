from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

import shop.models  # noqa: F401 - registers every table
from devstack import postgres
from shop.config import Settings
from shop.db.base import Base
from tests.conftest import alembic_config


@pytest.fixture
async def empty_database(settings: Settings) -> AsyncIterator[AsyncEngine]:
    url = make_url(settings.database_url.get_secret_value())
    empty = url.set(database=f"{url.database}_migrations")
    await postgres.create_database(empty, recreate=True)
    engine = create_async_engine(empty)
    yield engine
    await engine.dispose()
    await postgres.drop_database(empty)


def _alembic(connection: Connection, *args: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    getattr(command, args[0])(config, *args[1:])


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


async def test_migrations_upgrade_an_empty_database_and_downgrade_to_base(
    empty_database: AsyncEngine,
) -> None:
    async with empty_database.begin() as conn:
        await conn.run_sync(_alembic, "upgrade", "head")
        after_upgrade = await conn.run_sync(_tables)
    async with empty_database.begin() as conn:
        await conn.run_sync(_alembic, "downgrade", "base")
        after_downgrade = await conn.run_sync(_tables)

    assert set(Base.metadata.tables) <= after_upgrade
    assert after_downgrade == {"alembic_version"}


async def test_models_and_migrations_agree(engine: AsyncEngine) -> None:
    def diff(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "compare_server_default": True}
        )
        return list(compare_metadata(context, Base.metadata))

    async with engine.connect() as conn:
        differences = await conn.run_sync(diff)

    assert differences == []
