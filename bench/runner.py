"""One bench run: database, cold start, warm latency, report; returns the exit code."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import coldstart, latency, report, thumbnail
from bench.database import ROOT, Dataset, bench_database
from bench.latency import Scenario
from bench.results import Result, exit_code
from bench.scenarios import BENCH_ORIGIN, COLD_START, DATASETS, SCENARIOS, THUMBNAILS
from bench.thumbnail import ThumbnailScenario

DEFAULT_JSON = ROOT / ".data" / "bench.json"


@dataclass(frozen=True, slots=True)
class Options:
    runs: int = 7
    warmup: int = 100
    calls: int = 1000
    only: tuple[str, ...] = ()  # scenario names; empty = all
    coldstart: bool = True
    latency: bool = True
    thumbnail: bool = True
    json_path: Path = DEFAULT_JSON


def select[S: (Scenario, ThumbnailScenario)](
    scenarios: Sequence[S], only: Sequence[str]
) -> list[S]:
    return [scenario for scenario in scenarios if not only or scenario.name in only]


def needed_datasets(scenarios: Sequence[Scenario], datasets: Sequence[Dataset]) -> list[Dataset]:
    """The data sets the scenarios name, in registry order; an unknown name is a registry bug."""
    by_name = {dataset.name: dataset for dataset in datasets}
    names = {name for scenario in scenarios for name in scenario.datasets}
    unknown = names - by_name.keys()
    if unknown:
        raise ValueError(f"scenarios name unknown data sets: {', '.join(sorted(unknown))}")
    return [dataset for dataset in datasets if dataset.name in names]


def run(options: Options) -> int:
    started_at = datetime.now(UTC)
    machine = report.machine_info()  # load average before the bench adds its own
    scenarios = select(SCENARIOS, options.only) if options.latency else []
    thumbnails = select(THUMBNAILS, options.only) if options.thumbnail else []
    datasets = needed_datasets(scenarios, DATASETS)
    # Everything shop's settings read, before anything calls get_settings() (it is cached).
    os.environ.update(
        ENVIRONMENT="local",
        LOG_LEVEL="WARNING",
        CORS_ORIGINS=BENCH_ORIGIN,
        # Every bench request comes from one address: lift the per-IP /auth/* budget.
        AUTH_IP_LIMIT=str(10**9),
    )

    results: list[Result] = []
    with bench_database(datasets, report.progress) as context:
        if options.coldstart:
            report.progress(
                f"cold start: compiled bytecode in {coldstart.compile_bytecode():.1f} s"
            )
            results += coldstart.measure(
                COLD_START, context, runs=options.runs, progress=report.progress
            )
        if scenarios:
            results += latency.measure(
                scenarios,
                context,
                warmup=options.warmup,
                calls=options.calls,
                progress=report.progress,
            )
        if thumbnails:
            results += thumbnail.measure(thumbnails, context, progress=report.progress)

    doc = report.document(
        results,
        started_at=started_at,
        machine=machine,
        settings={
            "coldstart_runs": options.runs,
            "bytecode": "compileall before timing (timestamp .pyc); imports read bytecode",
            "warmup": options.warmup,
            "calls": options.calls,
            "database": context.database_url.render_as_string(hide_password=True),
            "postgres": context.postgres_version,
        },
    )
    report.write_json(doc, options.json_path)
    for line in report.render(doc, results):
        report.emit(line)
    report.emit(f"JSON: {options.json_path}")
    return exit_code(results)
