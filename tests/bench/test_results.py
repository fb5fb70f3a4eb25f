from __future__ import annotations

import pytest

from bench.coldstart import ColdStartTarget, evaluate
from bench.latency import Budget
from bench.results import BENCH_TARGET, Check, Result, Verdict, exit_code
from bench.stats import Summary


def _latency(*checks: Check) -> Result:
    return Result("list", "latency", n=1000, checks=checks)


def test_verdict_follows_the_checks() -> None:
    met = Check("p50 ≤ 3 ms", "p50_ms", 3, 2.9)
    missed = Check("p99 ≤ 8 ms", "p99_ms", 8, 8.1)

    assert _latency(met).verdict is Verdict.PASS
    assert _latency(met, missed).verdict is Verdict.FAIL
    assert _latency().verdict is Verdict.INFO
    assert Result("x", "coldstart", skipped="absent").verdict is Verdict.SKIP
    assert Result("x", "coldstart", error="boom").verdict is Verdict.ERROR


def test_a_value_equal_to_its_limit_meets_the_budget() -> None:
    assert Check("p50 ≤ 3 ms", "p50_ms", 3, 3.0).passed


PASSED = _latency(Check("p50 ≤ 1 ms", "p50_ms", 1, 0.5))
MISSED = _latency(Check("p50 ≤ 1 ms", "p50_ms", 1, 2.0))
UNMEASURED = Result("checkout", "latency", error="unexpected responses")
ABSENT = Result("functions.thumbnailer.handler", "coldstart", skipped="absent")


@pytest.mark.parametrize(
    ("results", "code"),
    [([PASSED, _latency(), ABSENT], 0), ([PASSED, MISSED], 1), ([UNMEASURED], 1)],
)
def test_exit_code_fails_on_missed_or_unmeasured_budgets(results: list[Result], code: int) -> None:
    assert exit_code(results) == code


def test_budget_checks_only_the_percentiles_it_bounds() -> None:
    summary = Summary.from_ms([1.0, 2.0, 3.0])

    checks = Budget(p50_ms=3, source=BENCH_TARGET).checks(summary)

    assert [(c.label, c.metric, c.value, c.source) for c in checks] == [
        ("p50 ≤ 3 ms", "p50_ms", 2.0, BENCH_TARGET)
    ]
    assert len(Budget(p50_ms=3, p99_ms=8).checks(summary)) == 2


def test_cold_start_ratio_compares_medians_with_the_baseline() -> None:
    target = ColdStartTarget("functions.api.handler", max_ratio=1.5)

    result = evaluate(target, [0.30, 0.31, 0.90], 40, baseline=[0.20, 0.19, 0.50])

    assert result.metrics["ratio_to_baseline"] == pytest.approx(1.55)
    assert result.verdict is Verdict.FAIL


def test_a_handler_that_must_not_import_fastapi_fails_when_it_does() -> None:
    target = ColdStartTarget("functions.stripe_webhook.handler", forbid_fastapi=True)

    assert evaluate(target, [0.1], 0, baseline=[0.2]).verdict is Verdict.PASS
    assert evaluate(target, [0.1], 12, baseline=[0.2]).verdict is Verdict.FAIL


def test_ratio_budget_without_a_baseline_is_an_error() -> None:
    target = ColdStartTarget("functions.api.handler", max_ratio=1.5)

    assert evaluate(target, [0.3], 40, baseline=[]).verdict is Verdict.ERROR
