from __future__ import annotations

import json
import uuid

import boto3
from sqlalchemy import make_url, text

from shop.config import Settings
from shop.db.engine import build_engine, resolve_database_url


def test_database_url_takes_credentials_from_the_rds_secret_when_an_arn_is_set(
    settings: Settings,
) -> None:
    # An RDS-managed master secret holds only these two keys.
    secret = {"username": "facet_app", "password": "s3cr3t/+:@"}
    client = boto3.client("secretsmanager", region_name=settings.aws_region)
    arn = client.create_secret(Name=f"rds-{uuid.uuid4()}", SecretString=json.dumps(secret))["ARN"]
    deployed = settings.model_copy(
        update={
            "database_secret_arn": arn,
            "database_host": "db.internal",
            "database_port": 6432,
            "database_name": "facet",
        }
    )

    url = resolve_database_url(deployed)

    assert (url.username, url.password, url.host, url.port, url.database) == (
        "facet_app",
        "s3cr3t/+:@",
        "db.internal",
        6432,
        "facet",
    )
    assert url.drivername == "postgresql+asyncpg"


def test_database_url_comes_from_settings_without_a_secret(settings: Settings) -> None:
    url = resolve_database_url(settings)

    assert url == make_url(settings.database_url.get_secret_value())


async def test_engine_behind_a_transaction_pooler_runs_without_prepared_statement_caches(
    settings: Settings,
) -> None:
    engine = build_engine(settings.model_copy(update={"database_behind_proxy": True}))
    try:
        async with engine.connect() as conn:
            raw = await conn.get_raw_connection()
            driver = raw.driver_connection
            assert driver is not None
            for _ in range(3):
                assert (await conn.execute(text("SELECT 1"))).scalar() == 1
            # asyncpg keeps no named statements to be missing on another pooled backend.
            assert driver._stmt_cache.get_max_size() == 0
    finally:
        await engine.dispose()
