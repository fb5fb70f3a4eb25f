"""Mail that need not go out before the response: handed to an SQS queue that the mailer Lambda
drains (WH-08: the webhook answers Stripe without waiting for SES), or sent at once when no
queue is configured (MAIL_QUEUE empty: tests, and shops that want no queue).

A message is `{"to", "subject", "text", "html"}` as JSON. The mailer reports the ones whose
sending failed in `batchItemFailures`: SQS redelivers those alone and, after the last try, moves
them to the dead-letter queue.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from shop.mail.messages import Message
from shop.mail.outbox import Outgoing, deliver
from shop.mail.sender import MailDeliveryError, MailSender, get_mail_sender
from shop.observability import get_logger

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import SendMessageBatchRequestEntryTypeDef

    from shop.config import Settings

BATCH = 10  # SendMessageBatch's maximum entries


class MailQueueError(Exception):
    """SQS could not be reached or refused the mails (details in the message, for the log)."""


class MailQueue:
    """The queue's client and URL, looked up on the first send and kept for the container."""

    def __init__(self, settings: Settings, name: str) -> None:
        self._settings = settings
        self._name = name
        self._target: tuple[SQSClient, str] | None = None
        self._lock = threading.Lock()

    async def put(self, outgoing: Sequence[Outgoing]) -> None:
        await asyncio.to_thread(self._put, outgoing)

    def _put(self, outgoing: Sequence[Outgoing]) -> None:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            client, url = self._connect()
            for start in range(0, len(outgoing), BATCH):
                entries: list[SendMessageBatchRequestEntryTypeDef] = [
                    {"Id": str(n), "MessageBody": encode(mail)}
                    for n, mail in enumerate(outgoing[start : start + BATCH])
                ]
                response = client.send_message_batch(QueueUrl=url, Entries=entries)
                if response.get("Failed"):
                    raise MailQueueError(f"{len(response['Failed'])} mails refused by SQS")
        except (BotoCoreError, ClientError) as exc:
            raise MailQueueError(type(exc).__name__) from exc

    def _connect(self) -> tuple[SQSClient, str]:
        with self._lock:
            if self._target is None:
                import boto3

                client = boto3.session.Session().client(
                    "sqs",
                    region_name=self._settings.aws_region,
                    endpoint_url=self._settings.aws_endpoint_url,
                )
                self._target = (client, client.get_queue_url(QueueName=self._name)["QueueUrl"])
            return self._target


_queues: dict[str, MailQueue] = {}


async def send_later(settings: Settings, outgoing: Sequence[Outgoing]) -> None:
    """Queue the mails, or with no MAIL_QUEUE send them now, each on its own (one failure
    does not hold back the others). A queue that cannot be reached is logged like a failed
    send: the state change they report is committed either way."""
    if not outgoing:
        return
    if settings.mail_queue is None:
        sender = get_mail_sender(settings)
        await asyncio.gather(*(deliver(sender, [mail]) for mail in outgoing))
        return
    queue = _queues.get(settings.mail_queue)
    if queue is None:
        queue = _queues[settings.mail_queue] = MailQueue(settings, settings.mail_queue)
    try:
        await queue.put(outgoing)
    except MailQueueError as exc:
        get_logger().error(
            "mail not queued",
            extra={"event": "mail_unqueued", "error": str(exc), "count": len(outgoing)},
        )


def encode(mail: Outgoing) -> str:
    message = mail.message
    return json.dumps(
        {"to": mail.to, "subject": message.subject, "text": message.text, "html": message.html}
    )


def decode(body: str) -> Outgoing | None:
    """The queued mail, or None for a body that is no mail (a retry could not change it)."""
    try:
        data = json.loads(body)
        return Outgoing(data["to"], Message(data["subject"], data["text"], data["html"]))
    except (ValueError, TypeError, KeyError):
        return None


async def handle_batch(event: dict[str, Any], sender: MailSender) -> dict[str, Any]:
    """The mailer Lambda: send each queued mail; report the ones SES refused for a retry."""
    failures: list[dict[str, str]] = []
    for record in event.get("Records", []):
        mail = decode(record.get("body", ""))
        if mail is None:
            get_logger().warning(
                "not a queued mail", extra={"event": "mail_malformed", "id": record["messageId"]}
            )
            continue
        try:
            await sender.send(mail.to, mail.message)
        except MailDeliveryError:
            failures.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailures": failures}
