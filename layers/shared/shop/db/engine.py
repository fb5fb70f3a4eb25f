"""One engine per container with the Lambda pool policy, and the session factory bound to it."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import URL, event, make_url, text
from sqlalchemy.exc import DisconnectionError, SQLAlchemyError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from shop.config import Settings, get_settings
from shop.observability import get_logger


def resolve_database_url(settings: Settings) -> URL:
    """DATABASE_URL locally; in AWS the credentials of the RDS-managed secret named by
    DATABASE_SECRET_ARN (it holds only username and password) at DATABASE_HOST/PORT/NAME."""
    if settings.database_secret_arn is None:
        return make_url(settings.database_url.get_secret_value())
    # Imported here: boto3 costs ~0.5 s of cold start and only deployed containers need it.
    from aws_lambda_powertools.utilities import parameters

    secret = json.loads(str(parameters.get_secret(settings.database_secret_arn)))
    return URL.create(
        "postgresql+asyncpg",
        username=secret["username"],
        password=secret["password"],
        host=settings.database_host or secret.get("host"),
        port=settings.database_port,
        database=settings.database_name,
    )


def build_engine(settings: Settings, url: URL | None = None) -> AsyncEngine:
    connect_args: dict[str, Any] = {
        "timeout": settings.db_connect_timeout_seconds,
        "server_settings": {
            "statement_timeout": str(settings.db_statement_timeout_ms),
            "application_name": settings.service_name,
            "timezone": "UTC",
            # Requests read a page or a few rows: parallel workers only add start-up cost, and
            # they make generic plans of the catalog queries 50x slower (docs/benchmarks.md).
            "max_parallel_workers_per_gather": "0",
            # Every query is a prepared statement whose plan does not depend on the values
            # (partial-index predicates are literals): planning it once per connection instead
            # of per call saves about 0.5 ms on a catalog page (docs/benchmarks.md).
            "plan_cache_mode": "force_generic_plan",
        },
    }
    if settings.database_behind_proxy:
        # A transaction-pooling proxy hands each transaction to a different backend, where a
        # named prepared statement from an earlier one does not exist.
        connect_args["statement_cache_size"] = 0
        connect_args["prepared_statement_cache_size"] = 0
    engine = create_async_engine(
        url or resolve_database_url(settings),
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        connect_args=connect_args,
    )
    _ping_after_idle(engine, settings.db_ping_after_idle_seconds)
    return engine


def _ping_after_idle(engine: AsyncEngine, idle_seconds: float) -> None:
    """Check a pooled connection before use only when it sat idle: a frozen Lambda container
    wakes with a connection the server or the network may have dropped. SQLAlchemy's
    pool_pre_ping checks on every checkout, and with asyncpg that is BEGIN, a query and
    ROLLBACK (about 0.7 ms per request here). A connection that fails the check is replaced."""
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "checkin")
    def _checked_in(dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(sync_engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < idle_seconds:
            return
        try:
            sync_engine.dialect.do_ping(dbapi_connection)
        except sync_engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError from exc


@dataclass(frozen=True, slots=True)
class Database:
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    # Sessions for public reads: autocommit, so a one-statement page costs one round trip
    # instead of BEGIN, SELECT and COMMIT. Same pool as `sessionmaker`.
    read_sessionmaker: async_sessionmaker[AsyncSession]

    @classmethod
    def from_engine(cls, engine: AsyncEngine) -> Database:
        autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
        return cls(
            engine,
            async_sessionmaker(engine, expire_on_commit=False),
            async_sessionmaker(autocommit, expire_on_commit=False),
        )

    async def ping(self, timeout_seconds: float) -> bool:
        """True when a round trip to the database succeeds within the timeout."""
        try:
            async with asyncio.timeout(timeout_seconds), self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except (OSError, TimeoutError, SQLAlchemyError) as exc:
            get_logger().warning(
                "database unreachable",
                extra={"event": "db_ping_failed", "error": type(exc).__name__},
            )
            return False
        return True


_container = threading.local()


def get_database() -> Database:
    """The container's database: created once, reused by every invocation. Once per thread:
    locally (devstack, tests) each function is a worker thread with its own event loop, and
    pooled asyncpg connections must stay on the loop that opened them."""
    database: Database | None = getattr(_container, "database", None)
    if database is None:
        database = _container.database = Database.from_engine(build_engine(get_settings()))
    return database


def loaded_database() -> Database | None:
    """This thread's database if `get_database` created one."""
    database: Database | None = getattr(_container, "database", None)
    return database
