"""`python -m bench.explain`: the SQL behind each catalog scenario, and its query plans.

Seeds the bench database as `make bench` does, sends each distinct request of the catalog
scenarios once through the Lambda handler while a `before_cursor_execute` listener records the
statements, then runs EXPLAIN (ANALYZE, BUFFERS) on every recorded SELECT with its parameters,
twice: the custom plan (planned for these values, as PostgreSQL does for the first five
executions of a prepared statement) and the generic plan (plan_cache_mode =
force_generic_plan, which it may switch to afterwards; asyncpg prepares every statement and the
bench's one pooled connection runs each 1100 times). The plans go to .data/explain/ and a summary
table to stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode

from bench.__main__ import _importable_like_lambda

if TYPE_CHECKING:
    from bench.database import BenchContext
    from bench.latency import Scenario
    from devstack.lambda_runtime import Handler

EXPLAIN_DIR = Path(__file__).resolve().parent.parent / ".data" / "explain"
CATALOG_DATASET = "catalog_100k"
# Enough calls to see every query a scenario rotates over (deduplicated, cursors and ids aside).
EVENTS_PER_SCENARIO = 12
# Scenarios whose statements another one already shows.
SAME_STATEMENTS = {"products_facets_miss": "products_facets"}
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_INDEX = re.compile(
    r"(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\w+)"
)
_SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")
_ROWS = re.compile(r"actual time=[\d.]+\.\.[\d.]+ rows=(\d+)")
_BUFFERS = re.compile(r"Buffers: shared(?: hit=(\d+))?(?: read=(\d+))?")
_EXECUTION = re.compile(r"Execution Time: ([\d.]+) ms")
_PLANNING = re.compile(r"Planning Time: ([\d.]+) ms")


@dataclass(frozen=True, slots=True)
class Statement:
    sql: str
    parameters: tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    """One EXPLAIN (ANALYZE, BUFFERS) output and the figures the summary shows."""

    kind: str  # custom | generic
    text: str

    @property
    def indexes(self) -> list[str]:
        return list(dict.fromkeys(_INDEX.findall(self.text)))

    @property
    def seq_scans(self) -> list[str]:
        return list(dict.fromkeys(_SEQ_SCAN.findall(self.text)))

    @property
    def rows(self) -> int:
        match = _ROWS.search(self.text)
        return int(match.group(1)) if match else 0

    @property
    def buffers(self) -> int:
        """Shared buffers the top node touched (hit + read)."""
        match = _BUFFERS.search(self.text)
        return sum(int(n) for n in match.groups() if n) if match else 0

    @property
    def execution_ms(self) -> float:
        match = _EXECUTION.search(self.text)
        return float(match.group(1)) if match else 0.0

    @property
    def planning_ms(self) -> float:
        match = _PLANNING.search(self.text)
        return float(match.group(1)) if match else 0.0


@dataclass(frozen=True, slots=True)
class Explained:
    scenario: str
    request: str
    status: int
    statement: Statement
    plans: tuple[Plan, ...]


def request_key(event: dict[str, Any]) -> str:
    """The request, with ids as {id} and without its cursor: one plan per query shape."""
    query = [(k, v) for k, v in parse_qsl(event.get("rawQueryString", "")) if k != "cursor"]
    path = _UUID.sub("{id}", event["rawPath"])
    return f"{path}?{urlencode(query)}" if query else path


def distinct_events(scenario: Scenario, context: BenchContext) -> list[dict[str, Any]]:
    events = scenario.events(context)
    chosen: dict[str, dict[str, Any]] = {}
    for index in range(EVENTS_PER_SCENARIO):
        event = events(index)
        chosen.setdefault(request_key(event), event)
    return list(chosen.values())


def _literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "'true'" if value else "'false'"
    if isinstance(value, datetime):
        value = value.isoformat()
    text = str(value).replace("'", "''")
    return f"'{text}'"


async def _explain(driver: Any, statement: Statement) -> tuple[Plan, Plan]:
    """Custom and generic plans of one statement, run on the raw asyncpg connection."""
    explain = "EXPLAIN (ANALYZE, BUFFERS) "
    # Twice, keeping the second: the first also fills this connection's catalog caches, which
    # the app's long-lived connection has warm (it would show as planning time and buffers).
    await driver.fetch(explain + statement.sql, *statement.parameters)
    rows = await driver.fetch(explain + statement.sql, *statement.parameters)
    custom = Plan("custom", "\n".join(row[0] for row in rows))
    # A named prepared statement executed under force_generic_plan: the plan a long-lived
    # connection may settle on. EXECUTE takes no bind parameters, so the values go as literals
    # (of unknown type: PostgreSQL reads each as its parameter's type).
    await driver.execute(f"PREPARE bench_explain AS {statement.sql}")
    try:
        await driver.execute("SET plan_cache_mode = force_generic_plan")
        arguments = ", ".join(_literal(value) for value in statement.parameters)
        execute = f"EXECUTE bench_explain({arguments})" if arguments else "EXECUTE bench_explain"
        await driver.fetch(explain + execute)
        rows = await driver.fetch(explain + execute)
        generic = Plan("generic", "\n".join(row[0] for row in rows))
    finally:
        await driver.execute("RESET plan_cache_mode; DEALLOCATE bench_explain")
    return custom, generic


def walk_to_deep_page(handler: Handler) -> str | None:
    """The API's own cursor to products_page_1000's first page, walked from page 1."""
    from bench import scenarios
    from devstack.lambda_runtime import LambdaContext
    from tests.helpers.lambda_events import json_body

    cursor: str | None = None
    for _ in range(scenarios.DEEP_PAGE - 1):
        query = [*scenarios.DEEP_QUERY, *([("cursor", cursor)] if cursor else [])]
        event = scenarios.query_event(scenarios.PRODUCTS, query)
        response = handler(event, LambdaContext(function_name="bench.explain"))
        cursor = json_body(response).get("next_cursor")
        if cursor is None:
            return None
    return cursor


def explain(
    scenarios: Sequence[Scenario], context: BenchContext
) -> tuple[list[Explained], list[str]]:
    """Send each scenario's distinct requests once; EXPLAIN every SELECT they ran. Also walk
    to the deep page through the API and compare with the cursor the bench computed in SQL:
    a mismatch means the bench's idea of the query and the API's differ."""
    from sqlalchemy import NullPool, event
    from sqlalchemy.ext.asyncio import create_async_engine

    from bench.scenarios import deep_cursors

    # Built first: event factories may asyncio.run() a lookup, which would unset the current
    # loop that the handler (Mangum) runs on.
    requests = [
        (scenario.name, request)
        for scenario in scenarios
        for request in distinct_events(scenario, context)
    ]
    deep = (
        asyncio.run(deep_cursors(context))[0]
        if any(s.name == "products_page_1000" for s in scenarios)
        else None
    )

    from devstack.lambda_runtime import LambdaContext
    from functions.api.handler import handler
    from shop import runtime
    from shop.db.engine import get_database

    recorded: list[Statement] = []

    def record(
        conn: Any, cursor: Any, sql: str, parameters: Any, context: Any, executemany: bool
    ) -> None:
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
            recorded.append(Statement(sql, tuple(parameters or ())))

    engine = get_database().engine
    event.listen(engine.sync_engine, "before_cursor_execute", record)
    explainer = create_async_engine(context.database_url, poolclass=NullPool)

    async def plans(statements: list[Statement]) -> list[tuple[Plan, Plan]]:
        async with explainer.connect() as conn:
            driver = (await conn.get_raw_connection()).driver_connection
            return [await _explain(driver, statement) for statement in statements]

    results: list[Explained] = []
    problems: list[str] = []
    try:
        if deep is not None and walk_to_deep_page(handler) != deep:
            problems.append(
                "products_page_1000: walking the API page by page does not reach the cursor the"
                " bench computes in SQL (bench/scenarios.py _DEEP_ROWS): the API's filters or"
                " order differ from the contract's, or the bench's do"
            )
        for name, request in requests:
            recorded.clear()
            response = handler(request, LambdaContext(function_name="bench.explain"))
            statements = list(recorded)
            status = int(response["statusCode"])
            results += (
                Explained(name, request_key(request), status, statement, pair)
                for statement, pair in zip(statements, runtime.run(plans(statements)), strict=True)
            )
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)
        runtime.run(explainer.dispose())
        runtime.run(engine.dispose())
    return results, problems


def write_plans(results: Sequence[Explained], directory: Path) -> list[Path]:
    """One file per scenario: each request, its statements, and both plans of each."""
    directory.mkdir(parents=True, exist_ok=True)
    by_scenario: dict[str, list[Explained]] = {}
    for result in results:
        by_scenario.setdefault(result.scenario, []).append(result)
    paths = []
    for scenario, items in by_scenario.items():
        lines = []
        for number, item in enumerate(items, 1):
            lines += [
                f"=== statement {number}: GET {item.request}  (status {item.status})",
                item.statement.sql,
                f"-- parameters: {list(item.statement.parameters)!r}",
                "",
            ]
            for plan in item.plans:
                lines += [f"--- {plan.kind} plan", plan.text, ""]
        path = directory / f"{scenario}.txt"
        path.write_text("\n".join(lines))
        paths.append(path)
    return paths


def summary(results: Sequence[Explained]) -> list[str]:
    """A fixed-width table: one line per statement and plan kind."""
    header = ("scenario", "#", "plan", "rows", "buffers", "plan ms", "exec ms", "scans")
    table = [header]
    for number, item in enumerate(results, 1):
        for plan in item.plans:
            scans = ", ".join(plan.indexes + [f"Seq Scan {t}" for t in plan.seq_scans])
            table.append(
                (
                    item.scenario,
                    str(number),
                    plan.kind,
                    str(plan.rows),
                    str(plan.buffers),
                    f"{plan.planning_ms:.2f}",
                    f"{plan.execution_ms:.2f}",
                    scans,
                )
            )
    widths = [max(len(row[i]) for row in table) for i in range(len(header) - 1)]
    lines = []
    for row in table:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]))
    lines.insert(1, "  ".join(["-" * width for width in widths] + ["-----"]))
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    _importable_like_lambda()
    from bench import report
    from bench.database import bench_database
    from bench.runner import needed_datasets
    from bench.scenarios import BENCH_ORIGIN, DATASETS, SCENARIOS

    catalog = [
        s for s in SCENARIOS if CATALOG_DATASET in s.datasets and s.name not in SAME_STATEMENTS
    ]
    parser = argparse.ArgumentParser(prog="python -m bench.explain", description=__doc__)
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        choices=[s.name for s in catalog],
        metavar="SCENARIO",
        help="explain only this catalog scenario (repeatable)",
    )
    parser.add_argument("--out", type=Path, default=EXPLAIN_DIR, help="where the plans go")
    args = parser.parse_args(argv)
    chosen = [s for s in catalog if not args.only or s.name in args.only]
    os.environ.update(ENVIRONMENT="local", LOG_LEVEL="WARNING", CORS_ORIGINS=BENCH_ORIGIN)

    with bench_database(needed_datasets(chosen, DATASETS), report.progress) as context:
        results, problems = explain(chosen, context)
    for path in write_plans(results, args.out):
        report.progress(f"explain: wrote {path}")
    for line in summary(results):
        report.emit(line)
    failed = [r for r in results if r.status != 200]
    for result in failed:
        problems.append(f"status {result.status}: {result.scenario} GET {result.request}")
    for problem in problems:
        report.emit(f"PROBLEM {problem}")
    return 1 if problems or not results else 0


if __name__ == "__main__":
    sys.exit(main())
