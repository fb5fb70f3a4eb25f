from __future__ import annotations

import time
from pathlib import Path

import pytest

from bench import package
from bench.package import deterministic_zip, layer_problems


def make_layer(root: Path, *, compiled: bool = True, extra: tuple[str, ...] = ()) -> Path:
    site = root / "SharedLayer" / "python"
    (site / "shop").mkdir(parents=True)
    (site / "shop" / "app.py").write_text("x = 1\n")
    if compiled:
        (site / "shop" / "__pycache__").mkdir()
        (site / "shop" / "__pycache__" / "app.cpython-312.pyc").write_bytes(b"\x00")
    for path in extra:
        (site / path).mkdir(parents=True)
        (site / path / "__init__.py").write_text("")
    return site


def test_a_lean_compiled_layer_passes(tmp_path: Path) -> None:
    assert layer_problems(make_layer(tmp_path)) == []


def test_boto3_test_suites_and_missing_bytecode_are_reported(tmp_path: Path) -> None:
    site = make_layer(tmp_path, compiled=False, extra=("boto3", "greenlet/tests"))

    problems = layer_problems(site)

    assert "boto3 is bundled" in problems
    assert "test suite greenlet/tests" in problems
    assert any("without .pyc" in p for p in problems)


def test_the_zip_does_not_depend_on_file_times(tmp_path: Path) -> None:
    site = make_layer(tmp_path)
    first = deterministic_zip(site.parent)
    time.sleep(0.01)
    (site / "shop" / "app.py").write_text("x = 1\n")  # same bytes, a newer mtime

    assert deterministic_zip(site.parent) == first


def test_an_artifact_over_the_budget_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_layer(tmp_path)
    monkeypatch.setattr(package, "ZIPPED_BUDGET_MB", 0.0)

    [layer] = package.measure(tmp_path)

    assert layer.name == "SharedLayer"
    assert any("over 0 MB" in p for p in layer.problems)
