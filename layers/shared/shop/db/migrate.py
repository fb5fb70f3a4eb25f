"""Alembic to head under a PostgreSQL advisory lock: what the migrate function runs on every
deploy. Idempotent (at head it changes nothing), serialized (a second run waits for the lock,
then finds the database at head) and never destructive: a database whose revision this code does
not know (a rollback to older code after a newer deploy migrated) is left alone."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import AsyncEngine

from shop.config import Settings
from shop.db.engine import build_engine
from shop.observability import get_logger

# One application-wide key for pg_advisory_lock (any bigint; "facet-migrations" as hex).
MIGRATION_LOCK_KEY = 0x66616365742D6D69


@dataclass(frozen=True, slots=True)
class MigrationResult:
    before: tuple[str, ...]
    after: tuple[str, ...]
    # True when the database is at a revision these scripts do not know: nothing was run.
    database_ahead: bool = False

    @property
    def changed(self) -> bool:
        return self.before != self.after


def alembic_config(script_location: Path) -> Config:
    """A Config without alembic.ini (the deployed function has none)."""
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["configure_logger"] = False
    return config


def _current_heads(connection: Connection) -> tuple[str, ...]:
    return tuple(sorted(MigrationContext.configure(connection).get_current_heads()))


def _upgrade(connection: Connection, config: Config) -> None:
    config.attributes["connection"] = connection
    try:
        command.upgrade(config, "head")
    finally:
        del config.attributes["connection"]


async def upgrade_to_head(engine: AsyncEngine, script_location: Path) -> MigrationResult:
    """Upgrade the engine's database to head in one transaction, holding the migration lock."""
    config = alembic_config(script_location)
    scripts = ScriptDirectory.from_config(config)
    known = {script.revision for script in scripts.walk_revisions()}
    log = get_logger()
    async with engine.connect() as conn:
        # Session-level: held across the upgrade's transaction, released below or when the
        # connection ends (a crashed run never leaves it held).
        await conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        await conn.commit()
        try:
            before = await conn.run_sync(_current_heads)
            if set(before) - known:
                log.warning(
                    "database revision unknown to these migrations: left as it is",
                    extra={"event": "migrations_database_ahead", "revisions": before},
                )
                await conn.rollback()
                return MigrationResult(before, before, database_ahead=True)
            if set(before) != set(scripts.get_heads()):
                await conn.run_sync(_upgrade, config)
            after = await conn.run_sync(_current_heads)
            await conn.commit()
        finally:
            await conn.rollback()
            await conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK_KEY})
            await conn.commit()
    log.info(
        "migrations applied" if before != after else "database already at head",
        extra={"event": "migrations_upgraded", "before": before, "after": after},
    )
    return MigrationResult(before, after)


async def run(settings: Settings, script_location: Path) -> MigrationResult:
    """The deployed entry point: the settings' database (secret, host, proxy flag) to head."""
    engine = build_engine(settings)
    try:
        return await upgrade_to_head(engine, script_location)
    finally:
        await engine.dispose()
