"""Cold start: the import time of each handler module in fresh processes, next to a bare
FastAPI + Mangum app imported in the same run, with the bytecode compiled beforehand."""

from __future__ import annotations

import compileall
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import sysconfig
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bench.database import ROOT, BenchContext
from bench.results import Check, Result

BASELINE_MODULE = "bench.baseline_app"
SOURCE_DIRS = ("layers/shared", "functions", "bench")

# Runs in the fresh interpreter: only `sys` and `time` (both loaded at startup) precede the timer,
# so everything the module pulls in, json included, is on the clock.
_PROBE = """\
import sys, time
started = time.perf_counter()
__import__(sys.argv[1])
elapsed = time.perf_counter() - started
import json
module = sys.modules[sys.argv[1]]
fastapi = [name for name in sys.modules if name == "fastapi" or name.startswith("fastapi.")]
sys.stdout.write("\\n" + json.dumps({
    "seconds": elapsed,
    "has_handler": callable(getattr(module, "handler", None)),
    "fastapi_modules": len(fastapi),
}) + "\\n")
"""


@dataclass(frozen=True, slots=True)
class ColdStartTarget:
    """A handler module and its cold-start budgets."""

    module: str
    max_ratio: float | None = None  # median import at most this multiple of the baseline's
    forbid_fastapi: bool = False  # the import must load no fastapi module


@dataclass(frozen=True, slots=True)
class ImportSample:
    seconds: float
    has_handler: bool
    fastapi_modules: int


class ImportFailed(RuntimeError):
    pass


def compile_bytecode() -> float:
    """Compile the project and the venv's site-packages (timestamp .pyc, so later edits still
    take effect); returns the seconds spent. Lambda ships unchecked-hash .pyc instead, which
    skips one stat per module: the same bytecode, a hair faster."""
    started = time.perf_counter()
    for directory in SOURCE_DIRS:
        compileall.compile_dir(ROOT / directory, quiet=1, workers=os.cpu_count() or 1)
    # Some third-party packages ship files that do not compile (py2 test data): stay quiet.
    for directory in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}:
        compileall.compile_dir(directory, quiet=2, workers=os.cpu_count() or 1)
    return time.perf_counter() - started


def probe_env(context: BenchContext) -> dict[str, str]:
    """The environment the handlers get in the fresh process (no PYTHON* from the caller)."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("PYTHON")}
    env.update(
        PYTHONPATH=os.pathsep.join([str(ROOT / "layers" / "shared"), str(ROOT)]),
        ENVIRONMENT="local",
        LOG_LEVEL="WARNING",
        DATABASE_URL=context.database_url.render_as_string(hide_password=False),
    )
    return env


def parse_probe(stdout: str) -> ImportSample:
    """The probe's JSON is its last output line (an import might print before it)."""
    lines = [line for line in stdout.splitlines() if line.strip()]
    if not lines:
        raise ImportFailed("the probe printed nothing")
    data: dict[str, Any] = json.loads(lines[-1])
    return ImportSample(
        seconds=float(data["seconds"]),
        has_handler=bool(data["has_handler"]),
        fastapi_modules=int(data["fastapi_modules"]),
    )


def run_probe(code: str, args: Sequence[str], env: dict[str, str]) -> str:
    """Run `code` in a fresh interpreter from the repository root; its stdout."""
    completed = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        tail = completed.stderr.strip().splitlines()[-1:] or ["no output"]
        raise ImportFailed(f"import failed (exit {completed.returncode}): {tail[0]}")
    return completed.stdout


def import_once(module: str, env: dict[str, str]) -> ImportSample:
    return parse_probe(run_probe(_PROBE, [module], env))


def module_exists(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:
        return False


def _ms(seconds: Sequence[float]) -> list[float]:
    return [round(value * 1000, 3) for value in seconds]


def _baseline_result(seconds: list[float]) -> Result:
    return Result(
        BASELINE_MODULE,
        "coldstart",
        n=len(seconds),
        metrics={
            "median_ms": round(statistics.median(seconds) * 1000, 3),
            "min_ms": round(min(seconds) * 1000, 3),
        },
        details={"role": "baseline", "samples_ms": _ms(seconds)},
    )


def evaluate(
    target: ColdStartTarget, seconds: list[float], fastapi_modules: int, baseline: list[float]
) -> Result:
    """A handler's result: its figures and budgets against the baseline's import `seconds`."""
    median = statistics.median(seconds)
    metrics = {
        "median_ms": round(median * 1000, 3),
        "min_ms": round(min(seconds) * 1000, 3),
        "fastapi_modules": float(fastapi_modules),
    }
    checks = []
    if baseline:
        ratio = median / statistics.median(baseline)
        metrics["ratio_to_baseline"] = round(ratio, 4)
        metrics["min_ratio_to_baseline"] = round(min(seconds) / min(baseline), 4)
        if target.max_ratio is not None:
            checks.append(
                Check(
                    f"≤ {target.max_ratio:g}x baseline",
                    "ratio_to_baseline",
                    target.max_ratio,
                    ratio,
                )
            )
    elif target.max_ratio is not None:
        return Result(target.module, "coldstart", error="the baseline could not be measured")
    if target.forbid_fastapi:
        checks.append(Check("no fastapi", "fastapi_modules", 0, fastapi_modules))
    return Result(
        target.module,
        "coldstart",
        n=len(seconds),
        metrics=metrics,
        checks=tuple(checks),
        details={"role": "handler", "samples_ms": _ms(seconds)},
    )


def measure(
    targets: Sequence[ColdStartTarget],
    context: BenchContext,
    *,
    runs: int,
    progress: Callable[[str], None],
) -> list[Result]:
    """Import the baseline and every present handler `runs` times, interleaved round by round
    so that drift in machine load hits all of them alike; one discarded round warms the disk."""
    env = probe_env(context)
    results: dict[str, Result] = {}
    modules = [BASELINE_MODULE]
    for target in targets:
        if module_exists(target.module):
            modules.append(target.module)
        else:
            results[target.module] = Result(
                target.module, "coldstart", skipped="module not present yet"
            )
    samples: dict[str, list[ImportSample]] = {module: [] for module in modules}
    for round_number in range(runs + 1):
        label = f"{round_number}/{runs}" if round_number else "warm-up"
        progress(f"cold start: round {label}, {len(modules)} modules")
        for module in list(modules):
            try:
                sample = import_once(module, env)
            except ImportFailed as exc:
                results[module] = Result(module, "coldstart", error=str(exc))
                modules.remove(module)
                continue
            if not sample.has_handler and module != BASELINE_MODULE:
                results[module] = Result(module, "coldstart", skipped="defines no `handler` yet")
                modules.remove(module)
            elif round_number:  # round 0 warms the disk cache and is discarded
                samples[module].append(sample)

    baseline = [sample.seconds for sample in samples[BASELINE_MODULE]]
    if BASELINE_MODULE not in results:
        results[BASELINE_MODULE] = _baseline_result(baseline)
    for target in targets:
        taken = samples.get(target.module)
        if target.module not in results and taken:
            results[target.module] = evaluate(
                target,
                [sample.seconds for sample in taken],
                max(sample.fastapi_modules for sample in taken),
                baseline,
            )
    return [results[module] for module in (BASELINE_MODULE, *(t.module for t in targets))]
