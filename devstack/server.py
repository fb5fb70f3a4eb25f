"""The local HTTP entry point: API Gateway (HTTP API, payload v2) in front of the functions.

Routes come from the HttpApi events of infra/template.yaml and each request reaches its function
as the v2 event API Gateway would send, so what answers locally is what is deployed.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl, unquote, urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "infra" / "template.yaml"
MAX_BODY_BYTES = 10 * 1024 * 1024  # API Gateway's HTTP API payload quota
ANY = "ANY"
ACCOUNT_ID = "000000000000"
API_ID = "local"
STAGE = "$default"
# Media types API Gateway passes as text; any other body reaches the function base64-encoded.
TEXT_MEDIA_TYPES = frozenset(
    {
        "application/json",
        "application/javascript",
        "application/xml",
        "application/x-www-form-urlencoded",
    }
)
# Set by the server itself (hop-by-hop or recomputed), never copied from a function's response.
SERVER_OWNED_HEADERS = frozenset({"connection", "content-length", "date", "transfer-encoding"})

logger = logging.getLogger(__name__)


class Function(Protocol):
    """A Lambda function as the gateway sees it (devstack.lambda_runtime.FunctionContainer)."""

    def invoke(self, event: dict[str, Any]) -> Any: ...


@dataclass(frozen=True, slots=True)
class Route:
    method: str  # an HTTP method or ANY
    path: str  # /api/v1/{proxy+}
    handler: str  # functions.api.handler:handler

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def specificity(self) -> tuple[bool, int, bool]:
        """API Gateway's order: no greedy variable, more literal segments, a named method."""
        segments = self.path.split("/")
        literals = sum(1 for segment in segments if not segment.startswith("{"))
        return (not self.path.endswith("+}"), literals, self.method != ANY)

    def match(self, method: str, path: str) -> dict[str, str] | None:
        """The path parameters when this route takes the request, else None."""
        if self.method not in (ANY, method):
            return None
        patterns, segments = self.path.split("/"), path.split("/")
        parameters: dict[str, str] = {}
        for index, pattern in enumerate(patterns):
            if pattern.startswith("{") and pattern.endswith("+}"):
                rest = "/".join(segments[index:])
                if not rest:
                    return None
                parameters[pattern[1:-2]] = rest
                return parameters
            if index >= len(segments):
                return None
            if pattern.startswith("{") and pattern.endswith("}"):
                if not segments[index]:
                    return None
                parameters[pattern[1:-1]] = segments[index]
            elif pattern != segments[index]:
                return None
        return parameters if len(patterns) == len(segments) else None


def match_route(
    routes: Sequence[Route], method: str, path: str
) -> tuple[Route, dict[str, str]] | None:
    """The most specific route taking the request, with its path parameters."""
    matches = [
        (route, parameters)
        for route in routes
        if (parameters := route.match(method, path)) is not None
    ]
    return max(matches, key=lambda found: found[0].specificity, default=None)


class _TemplateLoader(yaml.SafeLoader):
    """Reads CloudFormation short forms (!Ref, !Sub, !GetAtt, !If ...) as their long forms."""


def _intrinsic(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        assert isinstance(node, yaml.MappingNode)
        value = loader.construct_mapping(node, deep=True)
    return {"Ref" if suffix == "Ref" else f"Fn::{suffix}": value}


_TemplateLoader.add_multi_constructor("!", _intrinsic)


def load_routes(template: Path = TEMPLATE) -> list[Route]:
    """Every HttpApi event of every AWS::Serverless::Function in the SAM template."""
    document = yaml.load(template.read_text(), Loader=_TemplateLoader)
    defaults = document.get("Globals", {}).get("Function", {})
    routes = []
    for resource in document["Resources"].values():
        if resource.get("Type") != "AWS::Serverless::Function":
            continue
        properties = {**defaults, **resource.get("Properties", {})}
        code_dir = (template.parent / properties["CodeUri"]).resolve().relative_to(ROOT)
        module, _, attribute = properties["Handler"].rpartition(".")
        handler = f"{'.'.join(code_dir.parts)}.{module}:{attribute}"
        for event in properties.get("Events", {}).values():
            if event.get("Type") == "HttpApi":
                api = event["Properties"]
                routes.append(Route(api.get("Method", ANY).upper(), api["Path"], handler))
    return routes


@dataclass(frozen=True, slots=True)
class HttpRequest:
    method: str
    target: str  # path and query string as on the request line
    headers: Sequence[tuple[str, str]]
    body: bytes
    client_ip: str
    server_port: int


@dataclass(frozen=True, slots=True)
class HttpResponse:
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def gateway_error(status: int, message: str, request_id: str | None = None) -> HttpResponse:
    """A response API Gateway gives itself, in its own {"message": ...} shape."""
    headers = [
        ("content-type", "application/json"),
        ("apigw-requestid", request_id or str(uuid.uuid4())),
    ]
    body = json.dumps({"message": message}, separators=(",", ":"))  # API Gateway's compact JSON
    return HttpResponse(status, headers, body.encode())


def _is_text(content_type: str) -> bool:
    media_type = content_type.partition(";")[0].strip().lower()
    return (
        media_type.startswith("text/")
        or media_type in TEXT_MEDIA_TYPES
        or media_type.endswith(("+json", "+xml"))
    )


def build_event(
    request: HttpRequest, route: Route, path_parameters: Mapping[str, str]
) -> dict[str, Any]:
    """The payload v2 event API Gateway sends for this request."""
    raw_path, _, raw_query = request.target.partition("?")
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in request.headers:
        name = name.lower()
        if name == "cookie":
            cookies.extend(part.strip() for part in value.split(";") if part.strip())
        elif name in headers:
            headers[name] += f",{value}"
        else:
            headers[name] = value
    forwarded_for = headers.get("x-forwarded-for")
    headers["x-forwarded-for"] = (
        f"{forwarded_for}, {request.client_ip}" if forwarded_for else request.client_ip
    )
    headers["x-forwarded-port"] = str(request.server_port)
    headers["x-forwarded-proto"] = "http"
    host = urlsplit(f"//{headers.get('host', '')}").hostname or ""
    now = time.time()
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": route.key,
        "rawPath": raw_path,
        "rawQueryString": raw_query,
        "headers": headers,
        "requestContext": {
            "accountId": ACCOUNT_ID,
            "apiId": API_ID,
            "domainName": host,
            "domainPrefix": host.partition(".")[0],
            "http": {
                "method": request.method,
                # Mangum hands this to the app as the ASGI path, which ASGI defines as decoded.
                "path": unquote(raw_path),
                "protocol": "HTTP/1.1",
                "sourceIp": request.client_ip,
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": route.key,
            "stage": STAGE,
            "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "timeEpoch": int(now * 1000),
        },
        "isBase64Encoded": False,
    }
    if cookies:
        event["cookies"] = cookies
    if raw_query:
        parameters: dict[str, str] = {}
        for name, value in parse_qsl(raw_query, keep_blank_values=True):
            parameters[name] = f"{parameters[name]},{value}" if name in parameters else value
        event["queryStringParameters"] = parameters
    if path_parameters:
        event["pathParameters"] = dict(path_parameters)
    if request.body:
        event.update(_body(request.body, headers.get("content-type", "")))
    return event


def _body(body: bytes, content_type: str) -> dict[str, Any]:
    if _is_text(content_type):
        with contextlib.suppress(UnicodeDecodeError):
            return {"body": body.decode(), "isBase64Encoded": False}
    return {"body": base64.b64encode(body).decode(), "isBase64Encoded": True}


def to_http_response(result: Any, request_id: str) -> HttpResponse:
    """API Gateway's reading of a function result (payload v2 response)."""
    headers = [("apigw-requestid", request_id)]
    if not isinstance(result, dict) or "statusCode" not in result:
        # The v2 "simple response": any JSON value becomes a 200 application/json body.
        headers.append(("content-type", "application/json"))
        return HttpResponse(200, headers, json.dumps(result).encode())
    headers.extend(
        (name.lower(), str(value))
        for name, value in (result.get("headers") or {}).items()
        if name.lower() not in SERVER_OWNED_HEADERS
    )
    headers.extend(("set-cookie", cookie) for cookie in result.get("cookies") or [])
    body = result.get("body") or ""
    raw = base64.b64decode(body) if result.get("isBase64Encoded") else body.encode()
    return HttpResponse(int(result["statusCode"]), headers, raw)


class Gateway:
    """Routes requests to warm functions, one per handler, as API Gateway and Lambda do."""

    def __init__(self, routes: Sequence[Route], functions: Mapping[str, Function]) -> None:
        missing = {route.handler for route in routes} - functions.keys()
        if missing:
            raise ValueError(f"no function for handlers: {sorted(missing)}")
        self.routes = list(routes)
        self.functions = functions

    def handle(self, request: HttpRequest) -> HttpResponse:
        path = request.target.partition("?")[0]
        found = match_route(self.routes, request.method, unquote(path))
        if found is None:
            return gateway_error(404, "Not Found")
        route, path_parameters = found
        event = build_event(request, route, path_parameters)
        request_id: str = event["requestContext"]["requestId"]
        try:
            result = self.functions[route.handler].invoke(event)
        except Exception:
            # The function crashed: Lambda reports it and API Gateway answers a bare 500.
            logger.exception("%s failed on %s", route.handler, request.target)
            return gateway_error(500, "Internal Server Error", request_id)
        return to_http_response(result, request_id)


class _RequestHandler(BaseHTTPRequestHandler):
    server: LocalServer
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        started = time.perf_counter()
        length = int(self.headers.get("content-length") or 0)
        if length > MAX_BODY_BYTES:
            # The body stays unread, so this connection cannot carry another request.
            self.close_connection = True
            response = gateway_error(413, "Request Entity Too Large")
        else:
            request = HttpRequest(
                method=self.command,
                target=self.path,
                headers=list(self.headers.items()),
                body=self.rfile.read(length),
                client_ip=self.client_address[0],
                server_port=self.server.server_port,
            )
            response = self.server.gateway.handle(request)
        self._write(response)
        elapsed_ms = (time.perf_counter() - started) * 1000
        self.log_message('"%s %s" %d %.1f ms', self.command, self.path, response.status, elapsed_ms)

    do_GET = do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = _serve

    def _write(self, response: HttpResponse) -> None:
        self.send_response_only(response.status)
        self.send_header("date", self.date_time_string())
        self.send_header("content-length", str(len(response.body)))
        for name, value in response.headers:
            self.send_header(name, value)
        if self.close_connection:
            self.send_header("connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)


class LocalServer(ThreadingHTTPServer):
    """A threaded HTTP server in front of a Gateway; bind with port 0 for an ephemeral port."""

    def __init__(self, address: tuple[str, int], gateway: Gateway) -> None:
        self.gateway = gateway
        super().__init__(address, _RequestHandler)
