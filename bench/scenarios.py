"""The registry: what `make bench` measures and the budget each figure must meet.

Later issues register their data sets (100k products, 1M order lines), their scenarios (product
list, detail, seller stats, checkout, webhook) and nothing else; the runner picks them up.
Budgets come from ARCHITECTURE.md "Performance budgets"; a bench-only target says so.
"""

from __future__ import annotations

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

# Seeded once per run into the fresh bench database, only when a selected scenario names them.
DATASETS: tuple[Dataset, ...] = ()


def _health(context: BenchContext) -> EventFactory:
    return lambda index: http_api_event("GET", "/api/v1/health")


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        name="health",
        description="GET /api/v1/health: routing, middleware and one database round trip",
        # ARCHITECTURE.md sets no budget for health; this one is the bench's own target.
        budget=Budget(p50_ms=3, source=BENCH_TARGET),
        events=_health,
    ),
)
