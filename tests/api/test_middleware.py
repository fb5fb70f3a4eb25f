from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import SHOP_ORIGIN as ALLOWED_ORIGIN
from tests.conftest import api_client

SECURITY_HEADERS = {
    "strict-transport-security": "max-age=31536000; includeSubDomains",
    "x-content-type-options": "nosniff",
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


def _assert_security_headers(response: httpx.Response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name
    assert response.headers["content-type"].startswith("application/json")
    assert "server" not in response.headers
    assert response.headers["x-request-id"]


async def test_every_route_answers_with_the_security_headers(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    paths = [p for p, ops in app.openapi()["paths"].items() if "get" in ops and "{" not in p]
    assert "/api/v1/health" in paths
    for path in paths:
        _assert_security_headers(await client.get(path))


async def test_error_responses_carry_the_security_headers(client: httpx.AsyncClient) -> None:
    _assert_security_headers(await client.get("/api/v1/does-not-exist"))


async def test_responses_are_not_cached_by_default(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/health")

    assert response.headers["cache-control"] == "no-store"


async def test_cors_echoes_an_allowed_origin_with_credentials(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/health", headers={"Origin": ALLOWED_ORIGIN})

    assert response.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert response.headers["access-control-allow-credentials"] == "true"
    assert "Origin" in response.headers["vary"]


@pytest.mark.parametrize(
    "origin",
    ["https://evil.example", "null", "https://shop.facet.test.evil.io", "http://shop.facet.test"],
)
async def test_cors_ignores_origins_not_on_the_list(client: httpx.AsyncClient, origin: str) -> None:
    response = await client.get("/api/v1/health", headers={"Origin": origin})

    assert "access-control-allow-origin" not in response.headers


async def test_cors_preflight_from_a_foreign_origin_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.options(
        "/api/v1/health",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )

    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


async def test_cors_preflight_from_an_allowed_origin_is_granted(client: httpx.AsyncClient) -> None:
    response = await client.options(
        "/api/v1/health",
        headers={
            "Origin": ALLOWED_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )

    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED_ORIGIN
    assert "POST" in response.headers["access-control-allow-methods"]
    _assert_security_headers_without_body(response)


def _assert_security_headers_without_body(response: httpx.Response) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name


@pytest.fixture
def app_with_echo(app: FastAPI) -> FastAPI:
    calls: list[int] = []

    async def echo(payload: dict[str, str]) -> dict[str, int]:
        calls.append(len(payload))
        return {"keys": len(payload)}

    app.add_api_route("/api/v1/_probe/echo", echo, methods=["POST"])
    app.state.echo_calls = calls
    return app


def _json_of_size(size: int) -> bytes:
    body = b'{"k": "' + b"x" * (size - 9) + b'"}'
    assert len(body) == size
    return body


async def test_body_over_one_mebibyte_is_a_413_and_the_handler_never_runs(
    app_with_echo: FastAPI,
) -> None:
    headers = {"content-type": "application/json"}
    async with api_client(app_with_echo) as c:
        too_big = await c.post(
            "/api/v1/_probe/echo", content=_json_of_size(2**20 + 1), headers=headers
        )
        just_fits = await c.post(
            "/api/v1/_probe/echo", content=_json_of_size(2**20), headers=headers
        )

    assert too_big.status_code == 413
    assert too_big.json()["error"] == "payload_too_large"
    assert too_big.json()["request_id"] == too_big.headers["x-request-id"]
    assert too_big.headers["x-content-type-options"] == "nosniff"
    assert just_fits.status_code == 200
    assert app_with_echo.state.echo_calls == [1]


async def test_streamed_body_without_length_is_cut_at_one_mebibyte(app_with_echo: FastAPI) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        body = _json_of_size(2**20 + 1)
        for start in range(0, len(body), 65536):
            yield body[start : start + 65536]

    async with api_client(app_with_echo) as c:
        response = await c.post(
            "/api/v1/_probe/echo", content=chunks(), headers={"content-type": "application/json"}
        )

    assert response.status_code == 413
    assert response.json()["error"] == "payload_too_large"
    assert app_with_echo.state.echo_calls == []
