from __future__ import annotations

import httpx

from devstack.lambda_runtime import FunctionContainer
from tests.helpers.lambda_events import http_api_event, json_body


async def test_health_reports_ok_with_database(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_health_through_the_lambda_handler(api_container: FunctionContainer) -> None:
    response = api_container.invoke(http_api_event("GET", "/api/v1/health"))

    assert response["statusCode"] == 200
    assert json_body(response) == {"status": "ok", "database": "ok"}
