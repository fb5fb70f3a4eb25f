from __future__ import annotations

import json
import logging

import httpx
import pytest
from fastapi import FastAPI
from pydantic import BaseModel, Field

from devstack.lambda_runtime import FunctionContainer
from shop.exceptions import Conflict
from tests.conftest import api_client
from tests.helpers.lambda_events import http_api_event


class _Signup(BaseModel):
    email: str
    password: str = Field(min_length=12, max_length=128)


@pytest.fixture
def app_with_probe_routes(app: FastAPI) -> FastAPI:
    async def boom() -> None:
        raise RuntimeError("db password=hunter2")

    async def conflict() -> None:
        raise Conflict("That slug is taken", code="slug_taken")

    async def signup(body: _Signup) -> dict[str, str]:
        return {"email": body.email}

    app.add_api_route("/api/v1/_probe/boom", boom, methods=["GET"])
    app.add_api_route("/api/v1/_probe/conflict", conflict, methods=["GET"])
    app.add_api_route("/api/v1/_probe/signup", signup, methods=["POST"])
    return app


@pytest.fixture
async def probe(app_with_probe_routes: FastAPI) -> httpx.AsyncClient:
    return api_client(app_with_probe_routes, raise_app_exceptions=False)


async def test_unhandled_error_is_a_json_500_that_reveals_nothing_but_the_request_id(
    probe: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        response = await probe.get("/api/v1/_probe/boom")

    assert response.status_code == 500
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body == {
        "error": "internal_error",
        "detail": "Internal server error",
        "request_id": response.headers["x-request-id"],
    }
    assert "hunter2" not in response.text
    assert "Traceback" not in response.text
    logged = [r for r in caplog.records if r.getMessage() == "unhandled error"]
    assert len(logged) == 1
    assert logged[0].exc_info is not None


async def test_shop_error_renders_its_status_and_code(probe: httpx.AsyncClient) -> None:
    response = await probe.get("/api/v1/_probe/conflict")

    assert response.status_code == 409
    assert response.json() == {
        "error": "slug_taken",
        "detail": "That slug is taken",
        "request_id": response.headers["x-request-id"],
    }


async def test_validation_error_names_fields_without_echoing_submitted_values(
    probe: httpx.AsyncClient,
) -> None:
    secret = "short-pw"
    response = await probe.post(
        "/api/v1/_probe/signup", json={"email": "a@example.com", "password": secret}
    )

    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "validation_error"
    assert body["fields"] == [
        {
            "loc": ["body", "password"],
            "type": "string_too_short",
            "msg": "String should have at least 12 characters",
        }
    ]
    assert secret not in response.text


async def test_malformed_json_is_a_422_without_the_body(probe: httpx.AsyncClient) -> None:
    response = await probe.post(
        "/api/v1/_probe/signup",
        content=b'{"email": "x", "password": "hunter2hunter2',
        headers={"content-type": "application/json"},
    )

    assert response.status_code == 422
    assert response.json()["fields"][0]["type"] == "json_invalid"
    assert "hunter2" not in response.text


async def test_unknown_route_is_a_json_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/nope")

    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert response.json()["request_id"] == response.headers["x-request-id"]


async def test_wrong_method_is_a_json_405(client: httpx.AsyncClient) -> None:
    response = await client.request("TRACE", "/api/v1/health")

    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"


def test_lambda_request_id_is_the_api_gateway_request_id(
    api_container: FunctionContainer,
) -> None:
    event = http_api_event("GET", "/api/v1/nope")
    response = api_container.invoke(event)

    assert response["headers"]["x-request-id"] == event["requestContext"]["requestId"]
    assert json.loads(response["body"])["request_id"] == event["requestContext"]["requestId"]
