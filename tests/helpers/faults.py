"""Real PostgreSQL failures on demand: a trigger that raises deadlock_detected (40P01), as
PostgreSQL does when it breaks a deadlock, for the first `times` rows inserted into a table."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine


class Deadlocks:
    def __init__(self, engine: AsyncEngine, table: str) -> None:
        self._engine = engine
        self._sequence = f"injected_deadlocks_{table}"

    async def inserts(self) -> int:
        """Inserts the trigger saw so far (a sequence: rollbacks do not undo it)."""
        async with self._engine.connect() as conn:
            row = (
                await conn.execute(text(f"SELECT last_value, is_called FROM {self._sequence}"))
            ).one()
        return int(row.last_value) if row.is_called else 0


@asynccontextmanager
async def deadlocks(engine: AsyncEngine, table: str, times: int) -> AsyncIterator[Deadlocks]:
    name = f"injected_deadlocks_{table}"
    statements = [
        f"CREATE SEQUENCE {name}",
        f"""CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF nextval('{name}') <= {int(times)} THEN
            RAISE EXCEPTION 'injected deadlock' USING ERRCODE = '40P01';
          END IF;
          RETURN NEW;
        END $$""",
        f"CREATE TRIGGER {name} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()",
    ]
    async with engine.begin() as conn:
        for statement in statements:
            await conn.execute(text(statement))
    try:
        yield Deadlocks(engine, table)
    finally:
        async with engine.begin() as conn:
            await conn.execute(text(f"DROP TRIGGER {name} ON {table}"))
            await conn.execute(text(f"DROP FUNCTION {name}()"))
            await conn.execute(text(f"DROP SEQUENCE {name}"))
