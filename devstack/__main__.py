"""`python -m devstack run | openapi PATH | migration "message"` (what `make run`, `make api-types`
and `make migration` call)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from devstack import stack


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="serve Facet with demo data on 127.0.0.1:8000 ($PORT)")
    run.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    openapi = commands.add_parser("openapi", help="write the API's OpenAPI document (JSON)")
    openapi.add_argument("path", type=Path, help="where to write it")
    migration = commands.add_parser("migration", help="autogenerate the next Alembic revision")
    migration.add_argument("message", help="what the migration does")
    args = parser.parse_args(argv)
    try:
        if args.command == "run":
            stack.run(int(os.environ.get("PORT", stack.DEFAULT_PORT)), fresh=args.fresh)
        elif args.command == "openapi":
            stack.write_openapi(args.path)
        else:
            stack.new_migration(args.message)
    except KeyboardInterrupt:  # interrupted while starting: everything started is stopped
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
