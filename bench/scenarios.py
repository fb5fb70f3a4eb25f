"""The registry: what `make bench` measures and the budget each figure must meet.

Later issues register their data sets (100k products, 1M order lines), their scenarios (product
list, detail, seller stats, checkout, webhook) and nothing else; the runner picks them up.
Budgets come from ARCHITECTURE.md "Performance budgets"; a bench-only target says so.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import NullPool
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from bench.coldstart import ColdStartTarget
from bench.database import BenchContext, Dataset
from bench.latency import Budget, EventFactory, Scenario
from bench.results import BENCH_TARGET
from tests.helpers.lambda_events import http_api_event

# Handler modules timed against bench.baseline_app; a module that does not exist yet (or defines
# no `handler`) is reported as SKIP.
COLD_START: tuple[ColdStartTarget, ...] = (
    ColdStartTarget("functions.api.handler", max_ratio=1.5),
    ColdStartTarget("functions.thumbnailer.handler", forbid_fastapi=True),
    ColdStartTarget("functions.stripe_webhook.handler", forbid_fastapi=True),
)

BENCH_ORIGIN = "https://shop.bench.test"
BENCH_EMAIL = "bench.customer@example.com"
BENCH_PASSWORD = "bench-velvet-orbit-lantern-42"
BENCH_USER_ID = uuid.UUID("00000000-0000-4000-8000-00000000be01")
BENCH_SESSION_ID = uuid.UUID("00000000-0000-4000-8000-00000000be02")


async def _seed_accounts(context: BenchContext) -> None:
    """A verified customer with one live session, hashed with the app's own settings."""
    from shop.auth.keys import ensure_local_keyset_file
    from shop.auth.passwords import hash_password
    from shop.config import get_settings
    from shop.models import Session, User

    settings = get_settings()
    ensure_local_keyset_file(settings.jwt_keys_file, settings.jwt_algorithm)
    now = datetime.now(UTC)
    engine = create_async_engine(context.database_url, poolclass=NullPool)
    try:
        async with AsyncSession(engine) as session, session.begin():
            session.add(
                User(
                    id=BENCH_USER_ID,
                    email=BENCH_EMAIL,
                    password_hash=hash_password(settings, BENCH_PASSWORD),
                    role="customer",
                    display_name="Bench Customer",
                    verified_at=now,
                )
            )
            await session.flush()
            session.add(
                Session(
                    id=BENCH_SESSION_ID,
                    user_id=BENCH_USER_ID,
                    created_at=now,
                    last_seen_at=now,
                    absolute_expires_at=now + timedelta(days=30),
                )
            )
    finally:
        await engine.dispose()


# Seeded once per run into the fresh bench database, only when a selected scenario names them.
DATASETS: tuple[Dataset, ...] = (
    Dataset("accounts", "one verified customer with a live session", _seed_accounts),
)


def _health(context: BenchContext) -> EventFactory:
    return lambda index: http_api_event("GET", "/api/v1/health")


def _users_me(context: BenchContext) -> EventFactory:
    from shop.auth import tokens
    from shop.auth.cookies import cookie_name
    from shop.auth.keys import load_keyset
    from shop.config import get_settings

    settings = get_settings()
    token = tokens.issue(
        load_keyset(settings),
        settings,
        user_id=BENCH_USER_ID,
        session_id=BENCH_SESSION_ID,
        audience=tokens.CUSTOMER_AUDIENCE,
        now=datetime.now(UTC),
    )
    cookie = f"{cookie_name(settings)}={token}"
    return lambda index: http_api_event("GET", "/api/v1/users/me", cookies=[cookie])


def _login(context: BenchContext) -> EventFactory:
    body = {"email": BENCH_EMAIL, "password": BENCH_PASSWORD}
    return lambda index: http_api_event(
        "POST", "/api/v1/auth/login", headers={"origin": BENCH_ORIGIN}, body=body
    )


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        name="health",
        description="GET /api/v1/health: routing, middleware and one database round trip",
        # ARCHITECTURE.md sets no budget for health; this one is the bench's own target.
        budget=Budget(p50_ms=3, source=BENCH_TARGET),
        events=_health,
    ),
    Scenario(
        name="users_me",
        description="GET /api/v1/users/me: JWT verify + session row check (signed-in user)",
        budget=Budget(p50_ms=3),
        events=_users_me,
        datasets=("accounts",),
    ),
    Scenario(
        name="login",
        description="POST /api/v1/auth/login: one Argon2id verification + a new session",
        # Dominated by the password hash (ARGON2_*); PW-02 caps it at 500 ms (docs/security.md).
        budget=Budget(p99_ms=500, source="PW-02, docs/security.md"),
        events=_login,
        datasets=("accounts",),
        max_calls=30,
    ),
)
