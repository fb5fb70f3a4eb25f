from __future__ import annotations

import pytest
from sqlalchemy import make_url

from bench.coldstart import BASELINE_MODULE, ImportFailed, import_once, parse_probe, probe_env
from bench.database import BenchContext

CONTEXT = BenchContext(make_url("postgresql+asyncpg://postgres@127.0.0.1/facet_bench"), "15")


def test_probe_output_is_read_from_its_last_line() -> None:
    stdout = 'noise from an import\n{"seconds": 0.25, "has_handler": true, "fastapi_modules": 3}\n'

    sample = parse_probe(stdout)

    assert (sample.seconds, sample.has_handler, sample.fastapi_modules) == (0.25, True, 3)


def test_a_silent_probe_is_a_failed_import() -> None:
    with pytest.raises(ImportFailed):
        parse_probe("\n")


def test_probe_sees_the_handler_and_the_fastapi_modules_it_loads() -> None:
    sample = import_once(BASELINE_MODULE, probe_env(CONTEXT))

    assert sample.has_handler
    assert sample.fastapi_modules > 0


def test_probe_of_a_module_without_fastapi_or_handler() -> None:
    sample = import_once("bench.stats", probe_env(CONTEXT))

    assert not sample.has_handler
    assert sample.fastapi_modules == 0


def test_probe_reports_an_import_error() -> None:
    with pytest.raises(ImportFailed, match="ModuleNotFoundError"):
        import_once("bench.no_such_module", probe_env(CONTEXT))


def test_probe_env_points_the_app_at_the_bench_database() -> None:
    env = probe_env(CONTEXT)

    assert env["ENVIRONMENT"] == "local"
    assert env["DATABASE_URL"].endswith("/facet_bench")
    assert "layers/shared" in env["PYTHONPATH"]
