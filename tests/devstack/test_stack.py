from __future__ import annotations

from datetime import date
from pathlib import Path

from devstack.stack import next_revision_id


def test_revision_ids_continue_the_sequence_across_dates(tmp_path: Path) -> None:
    for name in ("20261125_0001_initial_schema.py", "20261126_0007_orders.py", "README"):
        (tmp_path / name).write_text("")

    assert next_revision_id(tmp_path, date(2026, 12, 3)) == "20261203_0008"


def test_the_first_revision_is_0001(tmp_path: Path) -> None:
    assert next_revision_id(tmp_path, date(2026, 11, 25)) == "20261125_0001"
