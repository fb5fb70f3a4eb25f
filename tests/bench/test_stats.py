from __future__ import annotations

import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bench.stats import Summary, percentile


def test_percentile_interpolates_between_closest_ranks() -> None:
    values = [1.0, 2.0, 3.0, 4.0]

    assert percentile(values, 50) == 2.5
    assert percentile(values, 0) == 1.0
    assert percentile(values, 100) == 4.0
    assert percentile(values, 90) == pytest.approx(3.7)


def test_percentile_of_one_value_is_that_value() -> None:
    assert percentile([7.5], 99) == 7.5


@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=2, max_size=200))
def test_percentile_agrees_with_statistics_inclusive_quantiles(values: list[float]) -> None:
    ordered = sorted(values)
    expected = statistics.quantiles(ordered, n=100, method="inclusive")

    for q in (1, 50, 90, 99):
        assert percentile(ordered, q) == pytest.approx(expected[q - 1], abs=1e-6)


@pytest.mark.parametrize("q", [-1, 100.5])
def test_percentile_rejects_out_of_range(q: float) -> None:
    with pytest.raises(ValueError, match="within"):
        percentile([1.0, 2.0], q)


def test_percentile_rejects_no_values() -> None:
    with pytest.raises(ValueError, match="no values"):
        percentile([], 50)


def test_summary_from_nanoseconds_reports_milliseconds() -> None:
    summary = Summary.from_ns([3_000_000, 1_000_000, 2_000_000])

    assert summary.n == 3
    assert (summary.min_ms, summary.p50_ms, summary.max_ms) == (1.0, 2.0, 3.0)
    assert summary.mean_ms == 2.0
    assert set(summary.metrics()) == {"min_ms", "p50_ms", "p90_ms", "p99_ms", "mean_ms", "max_ms"}
