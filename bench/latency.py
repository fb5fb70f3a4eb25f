"""Warm latency: scenarios invoked through the real Lambda handler in a warm container."""

from __future__ import annotations

import importlib
import time
import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from bench.database import BenchContext
from bench.results import ARCHITECTURE, Check, Result
from bench.stats import Summary
from devstack.lambda_runtime import Handler, LambdaContext

API_HANDLER = "functions.api.handler:handler"

# Call index -> the event of that call (built outside the timed region).
EventFactory = Callable[[int], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Budget:
    """Upper bounds on a scenario's latency percentiles, in milliseconds."""

    p50_ms: float | None = None
    p99_ms: float | None = None
    source: str = ARCHITECTURE

    def checks(self, summary: Summary) -> tuple[Check, ...]:
        bounds = (("p50", self.p50_ms, summary.p50_ms), ("p99", self.p99_ms, summary.p99_ms))
        return tuple(
            Check(f"{name} ≤ {limit:g} ms", f"{name}_ms", limit, value, self.source)
            for name, limit, value in bounds
            if limit is not None
        )


@dataclass(frozen=True, slots=True)
class Scenario:
    """One timed request type. `events` runs once, after the data sets are seeded, and returns
    the factory of per-call events (it may look up ids in the bench database)."""

    name: str
    description: str
    budget: Budget
    events: Callable[[BenchContext], EventFactory]
    handler: str = API_HANDLER
    datasets: tuple[str, ...] = ()
    expect_status: int = 200
    # A cap on warm-up and timed calls for slow-by-design requests (password hashing).
    max_calls: int | None = None


@dataclass(slots=True)
class Timings:
    samples_ns: list[int] = field(default_factory=list)
    unexpected: Counter[str] = field(default_factory=Counter)


class Container:
    """A warm Lambda execution environment, like devstack's FunctionContainer: one thread that
    imports the handler once and keeps its module state (app, engine, event loop) for every
    scenario that uses that handler. The timed loop runs on that thread, so the cross-thread
    hand-off of the local runtime is not part of the figures (nor is Lambda's own invoke path).
    """

    def __init__(self, handler_path: str) -> None:
        module, _, attribute = handler_path.partition(":")
        self._module = module
        self._attribute = attribute or "handler"
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"bench-{module}")
        self._handler: Handler | None = None

    def run(self, events: EventFactory, *, warmup: int, calls: int, expect_status: int) -> Timings:
        return self._executor.submit(self._run, events, warmup, calls, expect_status).result()

    def close(self) -> None:
        self._executor.submit(self._release).result()
        self._executor.shutdown(wait=True)

    def _load(self) -> Handler:
        if self._handler is None:
            handler: Handler = getattr(importlib.import_module(self._module), self._attribute)
            self._handler = handler
        return self._handler

    def _run(self, events: EventFactory, warmup: int, calls: int, expect_status: int) -> Timings:
        handler = self._load()
        timings = Timings()
        for index in range(warmup + calls):
            event = events(index)
            context = LambdaContext(function_name=self._module)
            started = time.perf_counter_ns()
            response = handler(event, context)
            elapsed = time.perf_counter_ns() - started
            status = response.get("statusCode") if isinstance(response, dict) else None
            if status != expect_status:
                timings.unexpected[str(status)] += 1
                if index == 0:  # broken from the start (database down?): do not time failures
                    break
            if index >= warmup:
                timings.samples_ns.append(elapsed)
        return timings

    def _release(self) -> None:
        # Close the pooled connection on the loop that opened it, so nothing leaks at exit.
        if self._handler is None:
            return
        from shop import runtime
        from shop.db.engine import loaded_database

        database = loaded_database()
        if database is not None:
            runtime.run(database.engine.dispose())


def _result(scenario: Scenario, timings: Timings, warmup: int) -> Result:
    details: dict[str, Any] = {
        "description": scenario.description,
        "handler": scenario.handler,
        "warmup": warmup,
        "datasets": list(scenario.datasets),
    }
    if timings.unexpected:
        wrong = ", ".join(
            f"{count}x status {status}" for status, count in timings.unexpected.items()
        )
        return Result(
            scenario.name,
            "latency",
            n=len(timings.samples_ns),
            details=details,
            error=f"unexpected responses: {wrong} (expected {scenario.expect_status})",
        )
    summary = Summary.from_ns(timings.samples_ns)
    return Result(
        scenario.name,
        "latency",
        n=summary.n,
        metrics=summary.metrics(),
        checks=scenario.budget.checks(summary),
        details=details,
    )


def measure(
    scenarios: Sequence[Scenario],
    context: BenchContext,
    *,
    warmup: int,
    calls: int,
    progress: Callable[[str], None],
) -> list[Result]:
    """Time every scenario; scenarios on the same handler share one warm container."""
    containers: dict[str, Container] = {}
    results = []
    try:
        for scenario in scenarios:
            cap = scenario.max_calls or calls
            scenario_warmup, scenario_calls = min(warmup, cap), min(calls, cap)
            progress(
                f"latency: {scenario.name} ({scenario_warmup} warm-up + {scenario_calls} calls)"
            )
            container = containers.get(scenario.handler)
            if container is None:
                container = containers[scenario.handler] = Container(scenario.handler)
            try:
                timings = container.run(
                    scenario.events(context),
                    warmup=scenario_warmup,
                    calls=scenario_calls,
                    expect_status=scenario.expect_status,
                )
            except Exception as exc:  # reported as ERROR (exit 1), traceback on stderr
                progress("".join(traceback.format_exception(exc)).rstrip())
                error = f"{type(exc).__name__}: {exc}"
                results.append(Result(scenario.name, "latency", error=error))
                continue
            results.append(_result(scenario, timings, scenario_warmup))
    finally:
        for container in containers.values():
            container.close()
    return results
