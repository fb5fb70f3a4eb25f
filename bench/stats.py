"""Summary statistics of timing samples."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import asdict, dataclass

NS_PER_MS = 1_000_000


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) of ascending values, interpolating linearly between the two
    closest ranks (numpy's default, `statistics.quantiles(method="inclusive")`)."""
    if not sorted_values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within 0..100, got {q}")
    position = (len(sorted_values) - 1) * q / 100
    lower = math.floor(position)
    upper = min(lower + 1, len(sorted_values) - 1)
    fraction = position - lower
    return sorted_values[lower] + (sorted_values[upper] - sorted_values[lower]) * fraction


@dataclass(frozen=True, slots=True)
class Summary:
    """Latency distribution of one scenario, in milliseconds."""

    n: int
    min_ms: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float

    @classmethod
    def from_ms(cls, samples_ms: Sequence[float]) -> Summary:
        ordered = sorted(samples_ms)
        if not ordered:
            raise ValueError("no samples")
        return cls(
            n=len(ordered),
            min_ms=ordered[0],
            p50_ms=percentile(ordered, 50),
            p90_ms=percentile(ordered, 90),
            p99_ms=percentile(ordered, 99),
            mean_ms=statistics.fmean(ordered),
            max_ms=ordered[-1],
        )

    @classmethod
    def from_ns(cls, samples_ns: Sequence[int]) -> Summary:
        return cls.from_ms([sample / NS_PER_MS for sample in samples_ns])

    def metrics(self) -> dict[str, float]:
        """The figures as a JSON-ready mapping (without n)."""
        figures = asdict(self)
        del figures["n"]
        return {name: round(value, 4) for name, value in figures.items()}
