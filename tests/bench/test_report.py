from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from bench.report import document, machine_info, render, table, write_json
from bench.results import Check, Result

SETTINGS = {"coldstart_runs": 7, "warmup": 100, "calls": 1000}
RESULTS = [
    Result(
        "bench.baseline_app",
        "coldstart",
        n=7,
        metrics={"median_ms": 250.0, "min_ms": 240.0},
        details={"role": "baseline", "samples_ms": [250.0] * 7},
    ),
    Result(
        "functions.api.handler",
        "coldstart",
        n=7,
        metrics={"median_ms": 500.0, "min_ms": 480.0, "ratio_to_baseline": 2.0},
        checks=(Check("≤ 1.5x baseline", "ratio_to_baseline", 1.5, 2.0),),
    ),
    Result("functions.thumbnailer.handler", "coldstart", skipped="module not present yet"),
    Result(
        "health",
        "latency",
        n=1000,
        metrics={"p50_ms": 1.2, "p90_ms": 2.0, "p99_ms": 4.0, "mean_ms": 1.5, "max_ms": 5.0},
        checks=(Check("p50 ≤ 3 ms", "p50_ms", 3, 1.2),),
    ),
]


def _doc() -> dict[str, object]:
    return document(
        RESULTS,
        started_at=datetime(2026, 11, 25, 13, 0, tzinfo=UTC),
        machine=machine_info(),
        settings=SETTINGS,
    )


def test_document_records_machine_time_results_and_outcome(tmp_path: Path) -> None:
    path = tmp_path / "out" / "bench.json"

    write_json(_doc(), path)
    written = json.loads(path.read_text(encoding="utf-8"))

    assert written["timestamp"] == "2026-11-25T13:00:00Z"
    assert {"python", "cpu_count", "platform"} <= written["machine"].keys()
    assert [r["name"] for r in written["results"]] == [r.name for r in RESULTS]
    assert [r["verdict"] for r in written["results"]] == ["INFO", "FAIL", "SKIP", "PASS"]
    assert written["results"][1]["checks"][0] == {
        "label": "≤ 1.5x baseline",
        "metric": "ratio_to_baseline",
        "limit": 1.5,
        "value": 2.0,
        "passed": False,
        "source": "ARCHITECTURE.md",
    }
    assert written["summary"] == {"PASS": 1, "FAIL": 1, "INFO": 1, "SKIP": 1}
    assert written["exit_code"] == 1


def test_table_pads_every_column_to_its_widest_cell() -> None:
    lines = table(["name", "n"], [["health", "1000"], ["list", "5"]], numeric={1})

    assert lines == [
        "name       n",
        "------  ----",
        "health  1000",
        "list       5",
    ]


def test_render_shows_each_result_with_its_budget_and_verdict() -> None:
    text = "\n".join(render(_doc(), RESULTS))

    assert "functions.api.handler" in text
    assert "≤ 1.5x baseline" in text
    assert "p50 ≤ 3 ms" in text
    assert "SKIP functions.thumbnailer.handler: module not present yet" in text
    assert text.rstrip().endswith("exit code 1")
    health = next(line for line in text.splitlines() if line.startswith("health"))
    assert health.split() == [
        "health",
        "1000",
        "1.20",
        "2.00",
        "4.00",
        "1.50",
        "5.00",
        "p50",
        "≤",
        "3",
        "ms",
        "PASS",
    ]
