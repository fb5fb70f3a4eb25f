from __future__ import annotations

from pathlib import Path

from shop.config import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_env_example_lists_every_setting_and_nothing_else() -> None:
    lines = (ROOT / ".env.example").read_text().splitlines()
    documented = {line.split("=", 1)[0] for line in lines if line and not line.startswith("#")}

    assert documented == {name.upper() for name in Settings.model_fields}
