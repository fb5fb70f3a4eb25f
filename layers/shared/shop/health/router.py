from __future__ import annotations

from fastapi import APIRouter

from shop.api.deps import DatabaseDep, SettingsDep
from shop.exceptions import ServiceUnavailable
from shop.health.schemas import HealthRead

router = APIRouter(tags=["ops"])


@router.get("/health", response_model=HealthRead)
async def health(settings: SettingsDep, database: DatabaseDep) -> HealthRead:
    """Report whether the API can reach its database (503 with Retry-After when it cannot)."""
    if not await database.ping(settings.health_db_timeout_seconds):
        raise ServiceUnavailable(
            "The database is unreachable",
            code="database_unavailable",
            retry_after_seconds=settings.health_retry_after_seconds,
        )
    return HealthRead(status="ok", database="ok")
