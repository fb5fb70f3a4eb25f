"""What a bench run produces: results with their budget checks and verdicts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

Kind = Literal["coldstart", "latency", "thumbnail"]

ARCHITECTURE = "ARCHITECTURE.md"
BENCH_TARGET = "bench target (docs/benchmarks.md)"


class Verdict(StrEnum):
    PASS = "PASS"  # every budget met
    FAIL = "FAIL"  # a budget missed
    ERROR = "ERROR"  # could not be measured (import error, unexpected response)
    INFO = "INFO"  # measured, no budget
    SKIP = "SKIP"  # not measured (the module does not exist yet)

    @property
    def failed(self) -> bool:
        return self in (Verdict.FAIL, Verdict.ERROR)


@dataclass(frozen=True, slots=True)
class Check:
    """One budget: `metric` must be at most `limit`."""

    label: str
    metric: str
    limit: float
    value: float
    source: str = ARCHITECTURE

    @property
    def passed(self) -> bool:
        return self.value <= self.limit

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "metric": self.metric,
            "limit": self.limit,
            "value": round(self.value, 4),
            "passed": self.passed,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class Result:
    name: str
    kind: Kind
    n: int = 0
    metrics: dict[str, float] = field(default_factory=dict)
    checks: tuple[Check, ...] = ()
    details: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    skipped: str | None = None

    @property
    def verdict(self) -> Verdict:
        if self.error is not None:
            return Verdict.ERROR
        if self.skipped is not None:
            return Verdict.SKIP
        if not self.checks:
            return Verdict.INFO
        return Verdict.PASS if all(check.passed for check in self.checks) else Verdict.FAIL

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "kind": self.kind,
            "verdict": str(self.verdict),
            "n": self.n,
            "metrics": self.metrics,
            "checks": [check.to_json() for check in self.checks],
            "details": self.details,
            "error": self.error,
            "skipped": self.skipped,
        }


def exit_code(results: Iterable[Result]) -> int:
    """0 when every budget is met, 1 when one is missed or could not be measured."""
    return 1 if any(result.verdict.failed for result in results) else 0
