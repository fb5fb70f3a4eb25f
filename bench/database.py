"""The bench database: `facet_bench` on the server devstack finds, recreated, migrated and seeded
with the data sets the selected scenarios need."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable, Coroutine, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import URL, NullPool, text
from sqlalchemy.ext.asyncio import create_async_engine

from devstack import postgres

ROOT = Path(__file__).resolve().parent.parent
# Recreated by every run: developers benchmarking side by side on one server each set their own.
BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "facet_bench")


@dataclass(frozen=True, slots=True)
class BenchContext:
    """What data sets and scenarios may use to prepare their work."""

    database_url: URL
    postgres_version: str


@dataclass(frozen=True, slots=True)
class Dataset:
    """Rows a scenario needs, written once per run into the freshly migrated bench database."""

    name: str
    description: str
    seed: Callable[[BenchContext], Coroutine[Any, Any, None]]


def _migrate() -> None:
    config = Config(str(ROOT / "alembic.ini"))
    config.attributes["configure_logger"] = False
    command.upgrade(config, "head")


async def _server_version(url: URL) -> str:
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            return str(await conn.scalar(text("SHOW server_version")))
    finally:
        await engine.dispose()


def _settings_not_read_yet() -> None:
    # get_settings() is cached per process: read before DATABASE_URL is set, the handlers would
    # talk to another database.
    from shop.config import get_settings

    if get_settings.cache_info().currsize:
        raise RuntimeError("shop settings were read before the bench database was chosen")


@contextlib.contextmanager
def bench_database(
    datasets: Sequence[Dataset], progress: Callable[[str], None]
) -> Iterator[BenchContext]:
    """Recreate and migrate the bench database, seed `datasets`, point DATABASE_URL at it."""
    _settings_not_read_yet()
    with postgres.server() as server:
        url = server.set(database=BENCH_DATABASE)
        progress(f"database: recreating {BENCH_DATABASE} on {url.host}:{url.port}")
        asyncio.run(postgres.create_database(url, recreate=True))
        os.environ["DATABASE_URL"] = url.render_as_string(hide_password=False)
        _migrate()
        context = BenchContext(database_url=url, postgres_version=asyncio.run(_server_version(url)))
        for dataset in datasets:
            progress(f"database: seeding {dataset.name} ({dataset.description})")
            asyncio.run(dataset.seed(context))
        yield context
