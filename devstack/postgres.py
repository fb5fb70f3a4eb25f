"""Find or start a PostgreSQL server, the way ARCHITECTURE.md orders it:
DATABASE_URL if set, else the server on 127.0.0.1:5432, else a project-local cluster under
.data/postgres started from the Debian/Homebrew binaries (stopped again on exit)."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import asyncpg
from sqlalchemy import URL, make_url

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / ".data" / "postgres"
EMBEDDED_PORT = 54329
DEFAULT_SERVER = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


def port_open(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=0.5):
        return True
    return False


def _pg_binary(name: str) -> str:
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)), None
    )
    if found is None:
        raise RuntimeError(
            f"PostgreSQL is not running on 127.0.0.1:5432 and `{name}` is not installed: "
            "set DATABASE_URL or install PostgreSQL (apt-get install postgresql)"
        )
    return found


def _as_cluster_owner(args: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


def _start_embedded() -> None:
    DATA_DIR.parent.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(DATA_DIR.parent, "postgres")
    if not (DATA_DIR / "PG_VERSION").exists():
        subprocess.run(
            _as_cluster_owner(
                [_pg_binary("initdb"), "-D", str(DATA_DIR), "-U", "postgres", "--auth=trust"]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    subprocess.run(
        _as_cluster_owner(
            [
                _pg_binary("pg_ctl"),
                "-D",
                str(DATA_DIR),
                "-l",
                str(DATA_DIR / "server.log"),
                "-o",
                f"-p {EMBEDDED_PORT} -h 127.0.0.1 -k {DATA_DIR}",
                "-w",
                "start",
            ]
        ),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _stop_embedded() -> None:
    subprocess.run(
        _as_cluster_owner([_pg_binary("pg_ctl"), "-D", str(DATA_DIR), "-m", "fast", "stop"]),
        check=False,
        stdout=subprocess.DEVNULL,
    )


@contextlib.contextmanager
def server() -> Iterator[URL]:
    """Yield a URL of a running server (its maintenance database); stop what was started."""
    configured = os.environ.get("DATABASE_URL")
    if configured:
        yield make_url(configured).set(drivername="postgresql+asyncpg")
        return
    if port_open("127.0.0.1", 5432):
        yield make_url(DEFAULT_SERVER)
        return
    if port_open("127.0.0.1", EMBEDDED_PORT):  # left running by another local process
        yield make_url(DEFAULT_SERVER).set(port=EMBEDDED_PORT)
        return
    _start_embedded()
    try:
        yield make_url(DEFAULT_SERVER).set(port=EMBEDDED_PORT)
    finally:
        _stop_embedded()


def _asyncpg_dsn(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _quoted_name(url: URL) -> str:
    assert url.database, "the URL must name a database"
    return '"' + url.database.replace('"', '""') + '"'


async def create_database(url: URL, *, recreate: bool = False) -> None:
    """Create url.database on its server if missing (dropping it first when recreate)."""
    conn = await asyncpg.connect(_asyncpg_dsn(url.set(database="postgres")))
    try:
        if recreate:
            await conn.execute(f"DROP DATABASE IF EXISTS {_quoted_name(url)} WITH (FORCE)")
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", url.database)
        if not exists:
            await conn.execute(f"CREATE DATABASE {_quoted_name(url)}")
    finally:
        await conn.close()


async def drop_database(url: URL) -> None:
    conn = await asyncpg.connect(_asyncpg_dsn(url.set(database="postgres")))
    try:
        await conn.execute(f"DROP DATABASE IF EXISTS {_quoted_name(url)} WITH (FORCE)")
    finally:
        await conn.close()
