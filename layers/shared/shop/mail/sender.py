"""Mail delivery through Amazon SES (the v1 API, which moto and LocalStack also speak) or an SMTP
server, picked by `settings.mail_backend`."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
import threading
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import TYPE_CHECKING, Protocol

from shop.exceptions import ShopError
from shop.observability import get_logger

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient

    from shop.config import Settings
    from shop.mail.messages import Message

CHARSET = "UTF-8"


class MailDeliveryError(ShopError):
    """The provider refused or could not be reached; its own words go to the log only."""

    status_code = 503
    code = "mail_unavailable"

    def __init__(self) -> None:
        super().__init__("The email could not be sent right now; please try again later")


class MailSender(Protocol):
    async def send(self, to: str, message: Message) -> None: ...


class SesSender:
    """Sends with SES `SendEmail`. The boto3 client is built on the first send and kept for the
    container's life: importing boto3 costs ~0.5 s that the API's cold start must not pay."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._client: SESClient | None = None
        self._client_lock = threading.Lock()

    async def send(self, to: str, message: Message) -> None:
        await asyncio.to_thread(self._send, to, message)

    def _send(self, to: str, message: Message) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            self._get_client().send_email(
                Source=self._settings.mail_sender,
                Destination={"ToAddresses": [to]},
                Message={
                    "Subject": {"Data": message.subject, "Charset": CHARSET},
                    "Body": {
                        "Text": {"Data": message.text, "Charset": CHARSET},
                        "Html": {"Data": message.html, "Charset": CHARSET},
                    },
                },
            )
        except (BotoCoreError, ClientError) as exc:
            raise _delivery_failed("ses", to, exc) from exc

    def _get_client(self) -> SESClient:
        # Two first sends in worker threads at once must not build two clients.
        with self._client_lock:
            if self._client is None:
                import boto3
                from botocore.config import Config

                settings = self._settings
                # Mangum awaits background tasks before answering, so a slow provider delays the
                # response: SES gets the same bound as SMTP instead of botocore's 60 s.
                timeout = settings.mail_timeout_seconds
                self._client = boto3.session.Session().client(
                    "ses",
                    region_name=settings.aws_region,
                    endpoint_url=settings.aws_endpoint_url,
                    config=Config(
                        connect_timeout=timeout, read_timeout=timeout, retries={"mode": "standard"}
                    ),
                )
            return self._client


class SmtpSender:
    """Sends a text/plain + text/html alternative over a new SMTP connection per mail."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings

    async def send(self, to: str, message: Message) -> None:
        await asyncio.to_thread(self._send, to, message)

    def _send(self, to: str, message: Message) -> None:
        settings = self._settings
        mail = _email_message(settings.mail_sender, to, message)
        try:
            with smtplib.SMTP(
                settings.smtp_host, settings.smtp_port, timeout=settings.mail_timeout_seconds
            ) as smtp:
                if settings.smtp_starttls:
                    # smtplib's own default context skips certificate checks.
                    smtp.starttls(context=ssl.create_default_context())
                if settings.smtp_username is not None:
                    password = settings.smtp_password
                    smtp.login(
                        settings.smtp_username, password.get_secret_value() if password else ""
                    )
                smtp.send_message(mail)
        # SMTPException, refused connections and timeouts are all OSErrors.
        except OSError as exc:
            raise _delivery_failed("smtp", to, exc) from exc


def get_mail_sender(settings: Settings) -> MailSender:
    """One sender per Settings object, so the SES client lives as long as the container."""
    # Settings holds a list, so it is unhashable and functools.cache cannot key on it. Keeping
    # the Settings object in the value stops its id from being reused by another object.
    cached = _senders.get(id(settings))
    if cached is None:
        sender: MailSender = (
            SesSender(settings) if settings.mail_backend == "ses" else SmtpSender(settings)
        )
        cached = _senders[id(settings)] = (settings, sender)
    return cached[1]


_senders: dict[int, tuple[Settings, MailSender]] = {}


def _email_message(sender: str, to: str, message: Message) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = message.subject
    mail["From"] = sender
    mail["To"] = to
    mail["Date"] = formatdate(usegmt=True)
    # An explicit domain: without one make_msgid asks DNS for this host's name.
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    mail.set_content(message.text)
    mail.add_alternative(message.html, subtype="html")
    return mail


def _delivery_failed(backend: str, to: str, exc: Exception) -> MailDeliveryError:
    # The body holds codes and links, so only the provider's error is logged, never the mail.
    get_logger().error(
        "mail send failed",
        extra={
            "event": "mail_send_failed",
            "backend": backend,
            "recipient_domain": to.rpartition("@")[2],
            "error_type": type(exc).__name__,
            "error": str(exc),
        },
    )
    return MailDeliveryError()
