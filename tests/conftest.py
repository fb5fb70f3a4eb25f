"""Test harness: a real PostgreSQL database created and migrated once per run, each test in a
rolled-back transaction; a moto server standing in for AWS; Lambda handlers run in containers."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic import command
from alembic.config import Config
from fastapi import FastAPI
from moto.server import ThreadedMotoServer
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from devstack import postgres
from devstack.lambda_runtime import SCHEDULED_EVENT, FunctionContainer
from devstack.stripe_emulator import StripeEmulator
from shop.api.app import create_app
from shop.api.deps import get_now
from shop.auth.keys import ensure_local_keyset_file
from shop.config import Settings, get_settings
from shop.db.engine import Database, build_engine
from tests.helpers.lambda_events import http_api_event
from tests.helpers.mailbox import OrderMail, SentMail, sent_mail, verify_sender

# Everything the settings read comes from here, before the first get_settings() caches it.
os.environ.update(
    {
        "ENVIRONMENT": "test",
        "LOG_LEVEL": "WARNING",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "CORS_ORIGINS": "https://shop.facet.test,https://sellers.facet.test",
    }
)
_stack = ExitStack()
# Committed-data fixtures for concurrency tests (`live`).
pytest_plugins = ["tests.helpers.live"]


def pytest_configure(config: pytest.Config) -> None:
    server = _stack.enter_context(postgres.server())
    base_name = server.database if server.database not in (None, "postgres") else "facet"
    # One database per test run, so parallel runs on one server never collide.
    url = server.set(database=f"{base_name}_test_{os.getpid()}")
    asyncio.run(postgres.create_database(url, recreate=True))
    _stack.callback(lambda: asyncio.run(postgres.drop_database(url)))
    os.environ["DATABASE_URL"] = url.render_as_string(hide_password=False)

    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    _stack.callback(moto.stop)
    host, port = moto.get_host_and_port()
    os.environ["AWS_ENDPOINT_URL"] = f"http://{host}:{port}"

    _start_stripe_emulator()

    keys_file = Path(_stack.enter_context(tempfile.TemporaryDirectory())) / "jwt-keys.json"
    ensure_local_keyset_file(keys_file, "ES256")
    os.environ["JWT_KEYS_FILE"] = str(keys_file)

    command.upgrade(alembic_config(), "head")
    # Like real SES, moto refuses mail from an unverified sender; the app's is verified once.
    verify_sender(get_settings())


def pytest_unconfigure(config: pytest.Config) -> None:
    _stack.close()


def alembic_config() -> Config:
    cfg = Config(os.path.join(os.path.dirname(__file__), "..", "alembic.ini"))
    cfg.attributes["configure_logger"] = False
    return cfg


@pytest.fixture(scope="session")
def settings() -> Settings:
    return get_settings()


@pytest.fixture(scope="session")
async def engine(settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = build_engine(settings.model_copy(update={"db_pool_size": 5, "db_max_overflow": 60}))
    yield engine
    await engine.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection inside a transaction that is rolled back after the test."""
    async with engine.connect() as conn:
        transaction = await conn.begin()
        yield conn
        await transaction.rollback()


@pytest.fixture
def db(engine: AsyncEngine, connection: AsyncConnection) -> Database:
    """The app's Database, with sessions joined to the test transaction: their commits become
    savepoints, so the request boundary behaves as in production and nothing persists."""
    sessionmaker = async_sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )
    return Database(engine=engine, sessionmaker=sessionmaker, read_sessionmaker=sessionmaker)


@pytest.fixture
async def session(db: Database) -> AsyncIterator[AsyncSession]:
    async with db.sessionmaker() as session:
        yield session


@pytest.fixture
def app(settings: Settings, db: Database) -> FastAPI:
    return create_app(settings, db)


SHOP_ORIGIN = "https://shop.facet.test"


def api_client(app: FastAPI, **kwargs: Any) -> httpx.AsyncClient:
    """A client that behaves like the shop frontend in a browser (same-site, allowed Origin)."""
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, **kwargs),
        base_url="https://api.facet.test",
        headers={"Origin": SHOP_ORIGIN, "Sec-Fetch-Site": "same-site"},
    )


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(app) as c:
        yield c


@pytest.fixture(scope="session")
def api_container() -> Iterator[FunctionContainer]:
    """The API Lambda, warm, as API Gateway invokes it (its own engine; commits are real)."""
    container = FunctionContainer("functions.api.handler:handler")
    yield container
    container.close()


class Clock:
    """The request clock, moved by tests (overrides shop.api.deps.get_now)."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(app: FastAPI) -> Clock:
    clock = Clock()

    async def frozen() -> datetime:
        return clock.now

    app.dependency_overrides[get_now] = frozen
    return clock


# --- Stripe: the in-repo emulator, started once per run; its events reach the webhook Lambda.


def _placeholder(name: str) -> str:
    """The settings' own local default (tests/test_config.py expects it unchanged)."""
    default = Settings.model_fields[name].default
    assert isinstance(default, SecretStr)
    return default.get_secret_value()


STRIPE_WEBHOOK_SECRET = _placeholder("stripe_webhook_secret")
STRIPE_API_KEY = _placeholder("stripe_secret_key")
_stripe: dict[str, StripeEmulator] = {}
_stripe_webhook: dict[str, FunctionContainer] = {}


def _start_stripe_emulator() -> None:
    webhook = FunctionContainer("functions.stripe_webhook.handler:handler")
    _stack.callback(webhook.close)

    def deliver(payload: bytes, signature: str) -> int:
        event = http_api_event(
            "POST",
            "/api/v1/webhooks/stripe",
            headers={"content-type": "application/json", "stripe-signature": signature},
            body=payload,
        )
        return int(webhook.invoke(event)["statusCode"])

    emulator = _stack.enter_context(
        StripeEmulator(STRIPE_WEBHOOK_SECRET, deliver, api_key=STRIPE_API_KEY)
    )
    _stripe["emulator"] = emulator
    _stripe_webhook["container"] = webhook
    os.environ.update(
        {
            "STRIPE_API_BASE": emulator.url,
            # Outage tests fail at once instead of after the library's backed-off retries.
            "STRIPE_MAX_NETWORK_RETRIES": "0",
        }
    )


@pytest.fixture(scope="session")
def stripe_emulator() -> StripeEmulator:
    return _stripe["emulator"]


@pytest.fixture(scope="session")
def stripe_webhook() -> FunctionContainer:
    """The Stripe webhook Lambda, warm (its own engine; commits are real)."""
    return _stripe_webhook["container"]


@pytest.fixture(scope="session")
def mailer() -> Iterator[FunctionContainer]:
    """The mailer Lambda, warm: each invocation sends the outbox's due mail to SES (moto)."""
    container = FunctionContainer("functions.mailer.handler:handler")
    yield container
    container.close()


@pytest.fixture
def order_mail(mailer: FunctionContainer) -> OrderMail:
    """The mail SES accepted for an address once the mailer has run, as its schedule runs it."""

    def read(to: str) -> list[SentMail]:
        mailer.invoke(SCHEDULED_EVENT)
        return sent_mail(to)

    return read
