"""Migrate Lambda: the CloudFormation custom resource run on every deploy → Alembic to head
under the migration lock (shop.db.migrate), answered on the stack's response URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from shop import custom_resource, runtime
from shop.config import get_settings
from shop.db import migrate

runtime.event_loop()
settings = get_settings()
# Bundled next to this file (a symlink to the repository's migrations/ that sam build copies).
SCRIPTS = Path(__file__).resolve().parent / "migrations"
PHYSICAL_RESOURCE_ID = "facet-database-migrations"


def _upgrade() -> dict[str, str]:
    result = runtime.run(migrate.run(settings, SCRIPTS))
    return {
        "Before": ",".join(result.before) or "none",
        "After": ",".join(result.after),
        "Changed": str(result.changed).lower(),
        "DatabaseAhead": str(result.database_ahead).lower(),
    }


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    runtime.event_loop()  # the local stack runs each function on its own worker thread
    return custom_resource.handle(
        event, context, _upgrade, physical_resource_id=PHYSICAL_RESOURCE_ID
    )
