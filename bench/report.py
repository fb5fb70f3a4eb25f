"""Output: a fixed-width table on stdout and a JSON document for machines."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from bench.database import ROOT
from bench.results import Result, Verdict, exit_code

SCHEMA_VERSION = 1


def emit(text: str = "") -> None:
    """One line of the report (stdout)."""
    sys.stdout.write(text + "\n")


def progress(text: str) -> None:
    """One line of progress (stderr, so stdout holds only the report)."""
    sys.stderr.write(f"bench: {text}\n")
    sys.stderr.flush()


def _cpu_model() -> str | None:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.partition(":")[2].strip()
    except OSError:
        pass
    return platform.processor() or None


def _git_commit() -> str | None:
    try:
        completed = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
        )
    except OSError:
        return None
    return completed.stdout.strip() or None


def machine_info() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "load_average": [round(load, 2) for load in os.getloadavg()],
    }


def document(
    results: Sequence[Result],
    *,
    started_at: datetime,
    machine: dict[str, Any],
    settings: dict[str, Any],
) -> dict[str, Any]:
    """The JSON written to .data/bench.json: everything needed to compare two runs."""
    verdicts = [result.verdict for result in results]
    return {
        "schema_version": SCHEMA_VERSION,
        "timestamp": started_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "git_commit": _git_commit(),
        "machine": machine,
        "settings": settings,
        "results": [result.to_json() for result in results],
        "summary": {
            str(verdict): verdicts.count(verdict) for verdict in Verdict if verdict in verdicts
        },
        "exit_code": exit_code(results),
    }


def write_json(doc: dict[str, Any], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], numeric: set[int]) -> list[str]:
    """Columns padded to their widest cell; `numeric` columns are right-aligned."""
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        padded = (
            cell.rjust(width) if index in numeric else cell.ljust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        )
        return "  ".join(padded).rstrip()

    return [line(headers), line(["-" * width for width in widths]), *map(line, rows)]


def _figure(metrics: dict[str, float], name: str, spec: str) -> str:
    return format(metrics[name], spec) if name in metrics else "-"


def _budget(result: Result) -> str:
    if result.details.get("role") == "baseline":
        return "reference"
    return "; ".join(check.label for check in result.checks) or "-"


def _coldstart_rows(results: Sequence[Result]) -> list[list[str]]:
    rows = []
    for result in results:
        metrics = result.metrics
        fastapi = "-"
        if "fastapi_modules" in metrics:
            fastapi = "yes" if metrics["fastapi_modules"] else "no"
        rows.append(
            [
                result.name,
                str(result.n) if result.n else "-",
                _figure(metrics, "median_ms", ".1f"),
                _figure(metrics, "min_ms", ".1f"),
                _figure(metrics, "ratio_to_baseline", ".2f"),
                fastapi,
                _budget(result),
                str(result.verdict),
            ]
        )
    return rows


def _latency_rows(results: Sequence[Result]) -> list[list[str]]:
    figures = ("p50_ms", "p90_ms", "p99_ms", "mean_ms", "max_ms")
    return [
        [
            result.name,
            str(result.n) if result.n else "-",
            *(_figure(result.metrics, name, ".2f") for name in figures),
            _budget(result),
            str(result.verdict),
        ]
        for result in results
    ]


def render(doc: dict[str, Any], results: Sequence[Result]) -> list[str]:
    machine = doc["machine"]
    settings = doc["settings"]
    lines = [
        f"Facet bench  {doc['timestamp']}  {machine['implementation']} {machine['python']}  "
        f"{machine['cpu_count']} CPUs  {machine['platform']}",
    ]
    coldstart = [result for result in results if result.kind == "coldstart"]
    if coldstart:
        lines += [
            "",
            f"Cold start: import in a fresh process, .pyc compiled first, "
            f"median of {settings['coldstart_runs']} runs (ms)",
            *table(
                ["module", "n", "median", "min", "x base", "fastapi", "budget", "verdict"],
                _coldstart_rows(coldstart),
                numeric={1, 2, 3, 4},
            ),
        ]
    latency = [result for result in results if result.kind == "latency"]
    if latency:
        lines += [
            "",
            f"Warm latency: through the Lambda handler, after {settings['warmup']} warm-up "
            "calls (ms)",
            *table(
                ["scenario", "n", "p50", "p90", "p99", "mean", "max", "budget", "verdict"],
                _latency_rows(latency),
                numeric={1, 2, 3, 4, 5, 6},
            ),
        ]
    thumbnails = [result for result in results if result.kind == "thumbnail"]
    if thumbnails:
        lines += [
            "",
            "Thumbnailer: the real handler in a fresh process, one warm-up call (ms, MB)",
            *table(
                ["scenario", "n", "p50", "max", "peak RSS", "budget", "verdict"],
                [
                    [
                        result.name,
                        str(result.n) if result.n else "-",
                        _figure(result.metrics, "p50_ms", ".0f"),
                        _figure(result.metrics, "max_ms", ".0f"),
                        _figure(result.metrics, "peak_rss_mb", ".0f"),
                        _budget(result),
                        str(result.verdict),
                    ]
                    for result in thumbnails
                ],
                numeric={1, 2, 3, 4},
            ),
        ]
    notes = [
        f"  {result.verdict} {result.name}: {result.error or result.skipped}"
        for result in results
        if result.error or result.skipped
    ]
    if notes:
        lines += ["", "Notes:", *notes]
    summary = ", ".join(f"{count} {verdict}" for verdict, count in doc["summary"].items())
    lines += ["", f"Result: {summary or 'nothing measured'}; exit code {doc['exit_code']}"]
    return lines
