"""The local AWS endpoint: reuse whatever already answers on it (LocalStack from
docker-compose.localstack.yml, a moto server), else run moto in this process meanwhile."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from moto.server import ThreadedMotoServer

from devstack.postgres import port_open

HOST = "127.0.0.1"
PORT = 4566  # LocalStack's edge port, so either emulator serves the same URL


@dataclass(frozen=True, slots=True)
class Emulator:
    url: str
    started_here: bool


@contextlib.contextmanager
def aws_emulator(host: str = HOST, port: int = PORT) -> Iterator[Emulator]:
    """Yield the emulator on host:port; stop it afterwards only if it was started here."""
    url = f"http://{host}:{port}"
    if port_open(host, port):
        yield Emulator(url, started_here=False)
        return
    # moto's werkzeug server logs every AWS call at INFO; the app's own log is what matters here.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address=host, port=port, verbose=False)
    server.start()
    try:
        yield Emulator(url, started_here=True)
    finally:
        server.stop()
