"""`python -m bench` (`make bench`): measure, print the table, write .data/bench.json.

Exit code 0 when every budget is met, 1 when one is missed or could not be measured,
2 for a usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _importable_like_lambda() -> None:
    # `make bench` runs `python -m bench` without PYTHONPATH: make `shop` (the layer) and the
    # repository packages importable as pytest, mypy and Alembic do.
    for path in (ROOT, ROOT / "layers" / "shared"):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {number}")
    return number


def main(argv: Sequence[str] | None = None) -> int:
    _importable_like_lambda()
    from bench.runner import DEFAULT_JSON, Options, run
    from bench.scenarios import SCENARIOS, THUMBNAILS

    defaults = Options()
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--runs", type=_positive, default=defaults.runs, help="cold-start imports per module"
    )
    parser.add_argument(
        "--warmup", type=_positive, default=defaults.warmup, help="untimed calls per scenario"
    )
    parser.add_argument(
        "--calls", type=_positive, default=defaults.calls, help="timed calls per scenario"
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        choices=[s.name for s in SCENARIOS] + [t.name for t in THUMBNAILS],
        metavar="SCENARIO",
        help="run only this latency or thumbnail scenario (repeatable)",
    )
    parser.add_argument("--no-coldstart", action="store_true", help="skip the cold-start part")
    parser.add_argument("--no-latency", action="store_true", help="skip the latency part")
    parser.add_argument(
        "--no-thumbnail", action="store_true", help="skip the thumbnailer time and memory part"
    )
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="where to write JSON")
    args = parser.parse_args(argv)
    return run(
        Options(
            runs=args.runs,
            warmup=args.warmup,
            calls=args.calls,
            only=tuple(args.only),
            coldstart=not args.no_coldstart,
            latency=not args.no_latency,
            thumbnail=not args.no_thumbnail,
            json_path=args.json,
        )
    )


if __name__ == "__main__":
    sys.exit(main())
