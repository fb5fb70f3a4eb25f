from __future__ import annotations

import httpx
import pytest

from bench import baseline_app
from bench.database import BenchContext, Dataset
from bench.latency import Budget, EventFactory, Scenario
from bench.runner import needed_datasets, select
from bench.scenarios import COLD_START, DATASETS, SCENARIOS


def test_every_scenario_has_a_unique_name_a_budget_and_known_data_sets() -> None:
    names = [scenario.name for scenario in SCENARIOS]

    assert len(names) == len(set(names))
    assert all(scenario.budget.p50_ms or scenario.budget.p99_ms for scenario in SCENARIOS)
    assert needed_datasets(SCENARIOS, DATASETS) == [
        d for d in DATASETS if any(d.name in s.datasets for s in SCENARIOS)
    ]


def test_the_api_handler_is_held_to_the_cold_start_ratio() -> None:
    api = next(target for target in COLD_START if target.module == "functions.api.handler")

    assert api.max_ratio == 1.5
    assert all(t.forbid_fastapi for t in COLD_START if t.module != "functions.api.handler")


async def _seed(context: BenchContext) -> None:
    return None


def _no_events(context: BenchContext) -> EventFactory:
    return lambda index: {}


def _scenario(name: str, *datasets: str) -> Scenario:
    return Scenario(name, name, Budget(p50_ms=1), _no_events, datasets=datasets)


def test_only_the_data_sets_of_the_selected_scenarios_are_seeded() -> None:
    catalog = Dataset("catalog", "products", _seed)
    orders = Dataset("orders", "order lines", _seed)
    listing, stats = _scenario("list", "catalog"), _scenario("stats", "orders")

    chosen = select([listing, stats], ["list"])

    assert chosen == [listing]
    assert needed_datasets(chosen, [catalog, orders]) == [catalog]


def test_a_scenario_naming_an_unknown_data_set_is_refused() -> None:
    with pytest.raises(ValueError, match="missing"):
        needed_datasets([_scenario("x", "missing")], [])


async def test_baseline_app_serves_its_one_route() -> None:
    transport = httpx.ASGITransport(app=baseline_app.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
        response = await client.get("/health")

    assert response.json() == {"status": "ok"}
