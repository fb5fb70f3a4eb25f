"""A minimal SMTP server on 127.0.0.1 that keeps what it receives (no TLS; AUTH PLAIN accepted).

The stdlib lost `smtpd` in 3.12; this speaks just what smtplib's `login` and `send_message` say.
A mail is stored before the reply to its DATA, so it is there once the client's send returns."""

from __future__ import annotations

import base64
import socketserver
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from types import TracebackType


@dataclass
class Received:
    mail_from: str
    rcpt_to: list[str]
    message: EmailMessage
    login: tuple[str, str] | None


@dataclass
class _Envelope:
    mail_from: str = ""
    rcpt_to: list[str] = field(default_factory=list)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[Received] = []


class _Handler(socketserver.StreamRequestHandler):
    server: _Server

    def handle(self) -> None:
        self._reply("220 sink ready")
        envelope, login = _Envelope(), None
        while line := self.rfile.readline():
            verb, _, arg = line.decode().rstrip("\r\n").partition(" ")
            match verb.upper():
                case "EHLO" | "HELO":
                    self._reply("250-sink", "250 AUTH PLAIN")
                case "AUTH":
                    _, user, password = base64.b64decode(arg.split()[1]).decode().split("\0")
                    login = (user, password)
                    self._reply("235 ok")
                case "MAIL":
                    envelope = _Envelope(mail_from=_address(arg))
                    self._reply("250 ok")
                case "RCPT":
                    envelope.rcpt_to.append(_address(arg))
                    self._reply("250 ok")
                case "DATA":
                    self._reply("354 go on")
                    message = message_from_bytes(self._data(), policy=policy.default)
                    self.server.received.append(
                        Received(envelope.mail_from, envelope.rcpt_to, message, login)
                    )
                    self._reply("250 queued")
                case "QUIT":
                    self._reply("221 bye")
                    return
                case "RSET" | "NOOP":
                    self._reply("250 ok")
                case _:
                    self._reply("502 not here")

    def _data(self) -> bytes:
        lines: list[bytes] = []
        while (line := self.rfile.readline()) not in (b".\r\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)  # undo dot-stuffing
        return b"".join(lines)

    def _reply(self, *lines: str) -> None:
        self.wfile.write("".join(f"{line}\r\n" for line in lines).encode())


def _address(arg: str) -> str:
    return arg.partition("<")[2].partition(">")[0]


class SmtpSink:
    """`with SmtpSink() as sink:` serves on `sink.port`; mail lands in `sink.received`."""

    def __init__(self) -> None:
        self._server = _Server()
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def received(self) -> list[Received]:
        return self._server.received

    def __enter__(self) -> SmtpSink:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()
