"""The migrate function as CloudFormation invokes it: a local HTTP server stands in for the
presigned S3 response URL and records what CloudFormation would read."""

from __future__ import annotations

import asyncio
import json
import queue
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pydantic import SecretStr

from devstack.lambda_runtime import FunctionContainer
from shop import custom_resource
from shop.config import Settings
from shop.db import migrate
from tests.db.test_migrate import HEADS, SCRIPTS

# How long a test waits for a response to arrive before failing.
ARRIVAL_TIMEOUT_SECONDS = 10.0
CANARY_PASSWORD = "hunter2-canary"


@dataclass(frozen=True, slots=True)
class Received:
    method: str
    path: str
    content_type: str | None
    body: dict[str, Any]


class ResponseUrl:
    """A stand-in for CloudFormation's presigned response URL."""

    def __init__(self) -> None:
        self.received: queue.Queue[Received] = queue.Queue()
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_PUT(self) -> None:
                length = int(self.headers["Content-Length"])
                body = json.loads(self.rfile.read(length))
                received.put(Received("PUT", self.path, self.headers.get("Content-Type"), body))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, key: str) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}/cloudformation-responses/{key}?X-Amz-Signature=abc"

    def next(self) -> Received:
        return self.received.get(timeout=ARRIVAL_TIMEOUT_SECONDS)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def response_url() -> Iterator[ResponseUrl]:
    server = ResponseUrl()
    yield server
    server.close()


@dataclass
class Context:
    remaining_millis: int = 300_000
    log_stream_name: str = "2026/12/01/[$LATEST]abc"

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_millis


def cfn_event(response_url: ResponseUrl, request_type: str, **fields: Any) -> dict[str, Any]:
    request_id = str(uuid.uuid4())
    return {
        "RequestType": request_type,
        "ResponseURL": response_url.url(request_id),
        "StackId": "arn:aws:cloudformation:us-east-1:123456789012:stack/facet/1",
        "RequestId": request_id,
        "LogicalResourceId": "DatabaseMigration",
        "ResourceType": "Custom::DatabaseMigration",
        "ResourceProperties": {"ServiceToken": "arn:aws:lambda:...", "CodeVersion": "7"},
        **fields,
    }


@pytest.fixture(scope="module")
def migrate_function() -> Iterator[FunctionContainer]:
    container = FunctionContainer("functions.migrate.handler:handler")
    yield container
    container.close()


def test_create_migrates_and_answers_success_with_the_revisions(
    migrate_function: FunctionContainer, response_url: ResponseUrl
) -> None:
    # The suite's database is already at head: the deployed function finds nothing to do.
    event = cfn_event(response_url, "Create")

    migrate_function.invoke(event)
    response = response_url.next()

    assert response.method == "PUT"
    assert response.path.startswith(f"/cloudformation-responses/{event['RequestId']}")
    assert response.content_type == ""  # the presigned URL is signed without one
    assert response.body["Status"] == "SUCCESS"
    assert response.body["PhysicalResourceId"] == "facet-database-migrations"
    assert {key: response.body[key] for key in ("StackId", "RequestId", "LogicalResourceId")} == {
        key: event[key] for key in ("StackId", "RequestId", "LogicalResourceId")
    }
    assert response.body["Data"]["After"] == ",".join(HEADS)
    assert response.body["Data"]["Changed"] == "false"


def test_update_keeps_the_physical_resource_id(
    migrate_function: FunctionContainer, response_url: ResponseUrl
) -> None:
    event = cfn_event(response_url, "Update", PhysicalResourceId="facet-database-migrations")

    migrate_function.invoke(event)

    assert response_url.next().body["PhysicalResourceId"] == "facet-database-migrations"


def test_delete_answers_success_and_never_downgrades(response_url: ResponseUrl) -> None:
    def must_not_run() -> dict[str, str]:
        raise AssertionError("Delete ran the migration")

    event = cfn_event(response_url, "Delete", PhysicalResourceId="facet-database-migrations")

    custom_resource.handle(event, Context(), must_not_run, physical_resource_id="other")
    body = response_url.next().body

    assert (body["Status"], body["PhysicalResourceId"]) == ("SUCCESS", "facet-database-migrations")


def test_a_failed_migration_answers_failed_without_the_error_text(
    settings: Settings, response_url: ResponseUrl
) -> None:
    # Nothing listens on port 1: the connection fails, and asyncpg's message may quote the URL.
    unreachable = settings.model_copy(
        update={
            "database_url": SecretStr(
                f"postgresql+asyncpg://facet:{CANARY_PASSWORD}@127.0.0.1:1/facet"
            ),
            "db_connect_timeout_seconds": 2.0,
        }
    )

    def upgrade() -> dict[str, str]:
        loop = asyncio.new_event_loop()
        try:
            result = loop.run_until_complete(migrate.run(unreachable, SCRIPTS))
        finally:
            loop.close()
        return {"After": ",".join(result.after)}

    event = cfn_event(response_url, "Create")
    custom_resource.handle(event, Context(), upgrade, physical_resource_id="facet-migrations")
    body = response_url.next().body

    assert body["Status"] == "FAILED"
    assert body["PhysicalResourceId"] == "facet-migrations"
    assert Context().log_stream_name in body["Reason"]
    assert CANARY_PASSWORD not in json.dumps(body)
    assert "postgresql" not in body["Reason"]


def test_a_run_near_the_function_timeout_answers_failed_once(response_url: ResponseUrl) -> None:
    release = threading.Event()

    def stuck() -> dict[str, str]:
        release.wait(ARRIVAL_TIMEOUT_SECONDS)
        return {"After": "late"}

    # Just past the margin: the guard answers almost at once.
    context = Context(remaining_millis=int(custom_resource.TIMEOUT_MARGIN_SECONDS * 1000) + 50)
    event = cfn_event(response_url, "Update", PhysicalResourceId="facet-database-migrations")
    worker = threading.Thread(
        target=custom_resource.handle,
        args=(event, context, stuck),
        kwargs={"physical_resource_id": "facet-database-migrations"},
    )
    worker.start()
    first = response_url.next()
    release.set()
    worker.join(ARRIVAL_TIMEOUT_SECONDS)

    assert first.body["Status"] == "FAILED"
    assert first.body["Reason"].startswith("Timed out")
    assert response_url.received.empty()
