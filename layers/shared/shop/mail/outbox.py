"""Mail decided inside a transaction and sent only after it commits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from shop.mail.messages import Message
from shop.mail.sender import MailDeliveryError, MailSender
from shop.observability import get_logger


@dataclass(frozen=True, slots=True)
class Outgoing:
    to: str
    message: Message


async def deliver(sender: MailSender, outgoing: Sequence[Outgoing]) -> None:
    """Send each mail; a failure is logged and the rest still go out (the user can ask again)."""
    for mail in outgoing:
        try:
            await sender.send(mail.to, mail.message)
        except MailDeliveryError:
            get_logger().warning(
                "mail not delivered",
                extra={"event": "mail_undelivered", "subject": mail.message.subject},
            )
