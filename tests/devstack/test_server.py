from __future__ import annotations

import base64
import http.client
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from devstack.lambda_runtime import FunctionContainer
from devstack.server import MAX_BODY_BYTES, Gateway, LocalServer, Route, load_routes, match_route

API_HANDLER = "functions.api.handler:handler"
ECHO_HANDLER = "echo"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\xff\xfe"
# How often serve_forever checks for shutdown(): the default 0.5 s would dominate the suite.
SHUTDOWN_POLL_SECONDS = 0.01


class EchoFunction:
    """A function answering with the event it received, and a response using every v2 field."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def invoke(self, event: dict[str, Any]) -> dict[str, Any]:
        self.events.append(event)
        return {
            "statusCode": 201,
            "headers": {"content-type": "application/octet-stream", "x-echo": "yes"},
            "cookies": ["a=1; Path=/; HttpOnly", "b=2; Path=/"],
            "body": base64.b64encode(PNG_BYTES).decode(),
            "isBase64Encoded": True,
        }


@contextmanager
def serving(gateway: Gateway) -> Iterator[httpx.Client]:
    """The gateway on an ephemeral port, and a client for it; shut down afterwards."""
    server = LocalServer(("127.0.0.1", 0), gateway)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": SHUTDOWN_POLL_SECONDS}
    )
    thread.start()
    try:
        base_url = f"http://127.0.0.1:{server.server_port}"
        with httpx.Client(base_url=base_url, trust_env=False) as client:
            yield client
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


@pytest.fixture
def echo() -> EchoFunction:
    return EchoFunction()


@pytest.fixture
def echo_client(echo: EchoFunction) -> Iterator[httpx.Client]:
    gateway = Gateway([Route("ANY", "/echo/{proxy+}", ECHO_HANDLER)], {ECHO_HANDLER: echo})
    with serving(gateway) as client:
        yield client


def test_template_routes_the_api_to_the_api_function() -> None:
    routes = load_routes()

    health = match_route(routes, "GET", "/api/v1/health")
    login = match_route(routes, "POST", "/api/v1/auth/login")

    assert health is not None
    assert health[0].handler == API_HANDLER
    assert health[1] == {"proxy": "health"}
    assert login is not None
    assert login[0].path == "/api/v1/auth/{proxy+}"  # the longer greedy prefix wins
    assert match_route(routes, "GET", "/elsewhere") is None
    assert match_route(routes, "GET", "/api/v1") is None  # {proxy+} needs a segment


def test_exact_routes_beat_variables_and_named_methods_beat_any() -> None:
    routes = [
        Route("ANY", "/shop/{proxy+}", "greedy"),
        Route("ANY", "/shop/{id}", "variable"),
        Route("ANY", "/shop/health", "exact-any"),
        Route("GET", "/shop/health", "exact-get"),
    ]

    def handler(method: str, path: str) -> str | None:
        found = match_route(routes, method, path)
        return found[0].handler if found else None

    assert handler("GET", "/shop/health") == "exact-get"
    assert handler("POST", "/shop/health") == "exact-any"
    assert handler("GET", "/shop/42") == "variable"
    assert handler("GET", "/shop/42/images") == "greedy"


def test_a_binary_post_reaches_the_function_as_a_v2_event(
    echo: EchoFunction, echo_client: httpx.Client
) -> None:
    response = echo_client.post(
        "/echo/rings/a%20b?tag=gold&tag=silver&q=",
        content=PNG_BYTES,
        headers={"content-type": "image/png", "cookie": "sid=abc; theme=dark", "x-a": "1"},
    )

    [event] = echo.events
    assert event["version"] == "2.0"
    assert event["routeKey"] == "ANY /echo/{proxy+}"
    assert event["rawPath"] == "/echo/rings/a%20b"
    assert event["rawQueryString"] == "tag=gold&tag=silver&q="
    assert event["queryStringParameters"] == {"tag": "gold,silver", "q": ""}
    assert event["pathParameters"] == {"proxy": "rings/a b"}
    assert event["cookies"] == ["sid=abc", "theme=dark"]
    assert "cookie" not in event["headers"]
    assert event["headers"]["x-a"] == "1"
    assert event["isBase64Encoded"] is True
    assert base64.b64decode(event["body"]) == PNG_BYTES
    http = event["requestContext"]["http"]
    assert (http["method"], http["path"], http["sourceIp"]) == (
        "POST",
        "/echo/rings/a b",
        "127.0.0.1",
    )
    assert http["userAgent"].startswith("python-httpx")

    assert response.status_code == 201
    assert response.content == PNG_BYTES
    assert response.headers["x-echo"] == "yes"
    assert response.headers.get_list("set-cookie") == ["a=1; Path=/; HttpOnly", "b=2; Path=/"]
    assert response.headers["apigw-requestid"] == event["requestContext"]["requestId"]


def test_a_json_body_reaches_the_function_as_text(
    echo: EchoFunction, echo_client: httpx.Client
) -> None:
    echo_client.post("/echo/checkout", json={"items": []})

    [event] = echo.events
    assert event["isBase64Encoded"] is False
    assert json.loads(event["body"]) == {"items": []}
    assert "queryStringParameters" not in event
    assert "cookies" not in event


def test_unknown_routes_are_404_without_calling_a_function(
    echo: EchoFunction, echo_client: httpx.Client
) -> None:
    response = echo_client.get("/nowhere")

    assert response.status_code == 404
    assert response.json() == {"message": "Not Found"}
    assert echo.events == []


def test_bodies_over_the_gateway_limit_are_refused_unread(
    echo: EchoFunction, echo_client: httpx.Client
) -> None:
    # Only the declared length is sent: the gateway must answer before reading any body.
    url = httpx.URL(str(echo_client.base_url))
    connection = http.client.HTTPConnection(url.host, url.port)
    connection.putrequest("POST", "/echo/upload")
    connection.putheader("content-length", str(MAX_BODY_BYTES + 1))
    connection.endheaders()
    response = connection.getresponse()

    assert response.status == 413
    assert json.loads(response.read()) == {"message": "Request Entity Too Large"}
    assert echo.events == []
    connection.close()


def test_health_over_http_through_the_api_function(api_container: FunctionContainer) -> None:
    routes = [route for route in load_routes() if route.handler == API_HANDLER]
    with serving(Gateway(routes, {API_HANDLER: api_container})) as client:
        response = client.get("/api/v1/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["strict-transport-security"].startswith("max-age=")
    assert response.headers["content-security-policy"].startswith("default-src 'none'")
    assert response.headers["x-request-id"] == response.headers["apigw-requestid"]
