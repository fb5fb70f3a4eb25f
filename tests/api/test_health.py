from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import make_url

from devstack.lambda_runtime import FunctionContainer
from shop.api.app import create_app
from shop.config import Settings
from shop.db.engine import Database, build_engine
from tests.helpers.lambda_events import http_api_event, json_body
from tests.helpers.tcp_proxy import TcpProxy


async def test_health_reports_ok_with_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_through_the_lambda_handler(api_container: FunctionContainer) -> None:
    response = api_container.invoke(http_api_event("GET", "/api/v1/health"))

    assert response["statusCode"] == 200
    assert json_body(response) == {"status": "ok", "database": "ok"}


@pytest.fixture(params=[3600.0], ids=["no idle check"])
async def proxied_client(
    settings: Settings, request: pytest.FixtureRequest
) -> AsyncIterator[tuple[httpx.AsyncClient, TcpProxy]]:
    """An app whose only route to PostgreSQL runs through a proxy the test can cut."""
    real = make_url(settings.database_url.get_secret_value())
    proxy = TcpProxy(real.host or "127.0.0.1", real.port or 5432)
    await proxy.start()
    fast = settings.model_copy(
        update={"health_db_timeout_seconds": 1.0, "db_ping_after_idle_seconds": request.param}
    )
    database = Database.from_engine(build_engine(fast, real.set(port=proxy.port)))
    app = create_app(fast, database)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://api.facet.test") as c:
        yield c, proxy
    await database.engine.dispose()


async def test_health_is_503_with_retry_after_while_database_is_down_then_recovers(
    proxied_client: tuple[httpx.AsyncClient, TcpProxy],
) -> None:
    client, proxy = proxied_client
    assert (await client.get("/api/v1/health")).status_code == 200

    await proxy.cut()
    down = await client.get("/api/v1/health")

    assert down.status_code == 503
    assert down.headers["retry-after"] == "5"
    assert down.headers["content-type"] == "application/json"
    assert down.json()["error"] == "database_unavailable"
    assert down.json()["request_id"] == down.headers["x-request-id"]

    await proxy.start()
    back = await client.get("/api/v1/health")

    assert back.status_code == 200
    assert back.json() == {"status": "ok", "database": "ok"}


@pytest.mark.parametrize("proxied_client", [0.0], ids=["idle check"], indirect=True)
async def test_a_connection_that_died_while_idle_is_replaced_before_use(
    proxied_client: tuple[httpx.AsyncClient, TcpProxy],
) -> None:
    client, proxy = proxied_client
    assert (await client.get("/api/v1/health")).status_code == 200

    # The pooled connection dies while nobody uses it (a frozen Lambda, a restarted server).
    await proxy.cut()
    await proxy.start()
    response = await client.get("/api/v1/health")

    assert response.status_code == 200
