from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from tests.conftest import SHOP_ORIGIN


@pytest.fixture
def app_with_write(app: FastAPI) -> FastAPI:
    calls: list[str] = []

    async def write(payload: dict[str, str]) -> dict[str, str]:
        calls.append("write")
        return payload

    app.add_api_route("/api/v1/_probe/write", write, methods=["POST"])
    app.state.calls = calls
    return app


@pytest.fixture
async def bare(app_with_write: FastAPI) -> httpx.AsyncClient:
    """A client that sends only the headers each test names."""
    transport = httpx.ASGITransport(app=app_with_write)
    return httpx.AsyncClient(transport=transport, base_url="https://api.facet.test")


async def test_write_from_an_allowed_origin_goes_through(
    bare: httpx.AsyncClient, app_with_write: FastAPI
) -> None:
    response = await bare.post(
        "/api/v1/_probe/write",
        json={"a": "b"},
        headers={"Origin": SHOP_ORIGIN, "Sec-Fetch-Site": "same-site"},
    )

    assert response.status_code == 200
    assert app_with_write.state.calls == ["write"]


@pytest.mark.parametrize(
    "origin",
    [
        None,
        "null",
        "https://evil.example",
        "https://shop.facet.test.evil.io",
        "http://shop.facet.test",
    ],
)
async def test_write_from_any_other_origin_is_refused(
    bare: httpx.AsyncClient, app_with_write: FastAPI, origin: str | None
) -> None:
    headers = {} if origin is None else {"Origin": origin}
    response = await bare.post("/api/v1/_probe/write", json={"a": "b"}, headers=headers)

    assert response.status_code == 403
    assert response.json()["error"] == "origin_not_allowed"
    assert app_with_write.state.calls == []


async def test_cross_site_fetch_metadata_is_refused_even_with_an_allowed_origin(
    bare: httpx.AsyncClient, app_with_write: FastAPI
) -> None:
    response = await bare.post(
        "/api/v1/_probe/write",
        json={"a": "b"},
        headers={"Origin": SHOP_ORIGIN, "Sec-Fetch-Site": "cross-site"},
    )

    assert response.status_code == 403
    assert response.json()["error"] == "cross_site_request"
    assert app_with_write.state.calls == []


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
async def test_writes_with_simple_content_types_are_415(
    bare: httpx.AsyncClient, app_with_write: FastAPI, content_type: str
) -> None:
    response = await bare.post(
        "/api/v1/_probe/write",
        content=b'{"a": "b"}',
        headers={"Origin": SHOP_ORIGIN, "Content-Type": content_type},
    )

    assert response.status_code == 415
    assert app_with_write.state.calls == []


async def test_reads_need_no_origin(bare: httpx.AsyncClient) -> None:
    assert (await bare.get("/api/v1/health")).status_code == 200
