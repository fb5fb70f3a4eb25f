"""Rebuild the statistics rollups from the orders: `python -m shop.stats.rebuild`
(`make stats-rebuild`), after a migration or a fix that changes what the rollups count.

One transaction: payments arriving meanwhile wait for it (the rollups are locked), readers see
the old figures until it commits.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from shop import runtime
from shop.config import get_settings
from shop.db.engine import Database
from shop.db.session import unit_of_work
from shop.observability import get_logger
from shop.stats import service


async def rebuild(database: Database | None = None) -> int:
    async with unit_of_work(database) as session:
        refunds = await service.rebuild(session, get_settings())
    get_logger().info("statistics rebuilt", extra={"event": "stats_rebuilt", "refunds": refunds})
    return refunds


def main(argv: Sequence[str] | None = None) -> int:
    argparse.ArgumentParser(prog="python -m shop.stats.rebuild", description=__doc__).parse_args(
        argv
    )
    refunds = runtime.run(rebuild())
    sys.stdout.write(f"statistics rebuilt from the orders ({refunds} refunds replayed)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
