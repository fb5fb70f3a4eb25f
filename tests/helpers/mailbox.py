"""Mail the test run's moto server accepted through SES, read back from its state dump.

moto keeps one body per message: the HTML part when a mail has both text and HTML. Tests tell
their mail apart by sending to an address of their own (`fresh_address`)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, TypedDict

import boto3
import httpx

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient

    from shop.config import Settings


class SentMail(TypedDict):
    source: str
    subject: str
    body: str


# The `order_mail` fixture: runs the mailer (as its schedule does), then `sent_mail(to)`.
type OrderMail = Callable[[str], list[SentMail]]


def fresh_address(label: str = "user", domain: str = "mail.example.com") -> str:
    """An address no other test sends to (or verifies, domain included)."""
    return f"{label}-{uuid.uuid4().hex[:12]}@{domain}"


def ses_client(settings: Settings) -> SESClient:
    return boto3.client(
        "ses", region_name=settings.aws_region, endpoint_url=settings.aws_endpoint_url
    )


def verify_sender(settings: Settings) -> None:
    """Like real SES, moto refuses mail from an address it has not verified."""
    ses_client(settings).verify_email_identity(EmailAddress=settings.mail_sender)


def sent_mail(to: str) -> list[SentMail]:
    """Every mail moto accepted for `to`, oldest first.

    Shape relied on: `{"ses": {"Message": [{"id", "source", "subject", "body",
    "destinations": {"ToAddresses": [...], ...}}, ...]}}`.
    """
    response = httpx.get(f"{os.environ['AWS_ENDPOINT_URL']}/moto-api/data.json")
    response.raise_for_status()
    messages = response.json().get("ses", {}).get("Message", [])
    return [
        SentMail(source=m["source"], subject=m["subject"], body=m["body"])
        for m in messages
        if to in m["destinations"].get("ToAddresses", [])
    ]
