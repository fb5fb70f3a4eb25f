"""Mail queued for the mailer Lambda (WH-08): with MAIL_QUEUE set the webhook only queues its
mails, and the mailer sends them from SQS, reporting what SES refused for another try. Real
SQS and SES semantics from the moto server."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import TYPE_CHECKING, Any

import boto3
import pytest

from devstack.lambda_runtime import FunctionContainer
from devstack.sqs_poller import MAILER, sqs_event
from shop.config import Settings
from shop.mail import queue
from shop.mail.messages import Message
from shop.mail.outbox import Outgoing
from shop.mail.sender import get_mail_sender
from shop.payments import service as payments
from tests.helpers.live import Live
from tests.helpers.mailbox import fresh_address, sent_mail
from tests.payments.events import event, placed_order, session_object, sign

if TYPE_CHECKING:
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_sqs.type_defs import MessageTypeDef


def sqs(settings: Settings) -> SQSClient:
    return boto3.client(
        "sqs", region_name=settings.aws_region, endpoint_url=settings.aws_endpoint_url
    )


@pytest.fixture
def queued(settings: Settings) -> Settings:
    """The settings with a fresh mail queue of their own on the emulator."""
    name = f"facet-mail-test-{uuid.uuid4().hex[:8]}"
    sqs(settings).create_queue(QueueName=name)
    return settings.model_copy(update={"mail_queue": name})


def drain(settings: Settings) -> list[MessageTypeDef]:
    assert settings.mail_queue is not None
    client = sqs(settings)
    url = client.get_queue_url(QueueName=settings.mail_queue)["QueueUrl"]
    messages: list[MessageTypeDef] = []
    while batch := client.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        messages += batch
    return messages


def mail(to: str, subject: str = "Your order") -> Outgoing:
    return Outgoing(to, Message(subject, "Thank you.", "<p>Thank you.</p>"))


async def test_with_a_queue_mails_wait_in_it_and_none_goes_out_yet(queued: Settings) -> None:
    addresses = [fresh_address("queued") for _ in range(12)]  # two SendMessageBatch calls

    await queue.send_later(queued, [mail(to) for to in addresses])

    bodies = [json.loads(m["Body"]) for m in drain(queued)]
    assert sorted(b["to"] for b in bodies) == sorted(addresses)
    assert {b["subject"] for b in bodies} == {"Your order"}
    assert all(sent_mail(to) == [] for to in addresses)


async def test_without_a_queue_mails_go_out_at_once(settings: Settings) -> None:
    to = fresh_address("direct")

    await queue.send_later(settings, [mail(to)])

    assert len(sent_mail(to)) == 1


async def test_a_queue_that_cannot_be_reached_is_logged_and_raises_nothing(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    missing = settings.model_copy(update={"mail_queue": f"facet-missing-{uuid.uuid4().hex}"})

    await queue.send_later(missing, [mail(fresh_address("lost"))])

    assert any(getattr(r, "event", None) == "mail_unqueued" for r in caplog.records)


def test_the_mailer_lambda_sends_each_queued_mail_and_drops_what_is_no_mail(
    queued: Settings,
) -> None:
    buyer, seller = fresh_address("buyer"), fresh_address("seller")
    asyncio.run(queue.send_later(queued, [mail(buyer), mail(seller, "New order")]))
    messages = drain(queued)
    messages.append({**messages[0], "MessageId": "junk", "Body": "not a mail"})
    mailer = FunctionContainer(MAILER)
    try:
        response = mailer.invoke(sqs_event(messages, "arn:aws:sqs:us-east-1:1:q", "us-east-1"))
    finally:
        mailer.close()

    assert response == {"batchItemFailures": []}
    assert [m["subject"] for m in sent_mail(buyer)] == ["Your order"]
    assert [m["subject"] for m in sent_mail(seller)] == ["New order"]


async def test_a_mail_ses_refuses_is_reported_for_another_try(queued: Settings) -> None:
    to = fresh_address("retry")
    await queue.send_later(queued, [mail(to)])
    messages = drain(queued)
    # Like real SES, moto refuses a sender it has not verified.
    unverified = queued.model_copy(update={"mail_sender": fresh_address("nobody")})

    result = await queue.handle_batch(
        sqs_event(messages, "arn:aws:sqs:us-east-1:1:q", "us-east-1"),
        get_mail_sender(unverified),
    )

    assert result == {"batchItemFailures": [{"itemIdentifier": messages[0]["MessageId"]}]}
    assert sent_mail(to) == []


async def test_the_webhook_queues_the_order_mails_instead_of_sending_them(
    live: Live, queued: Settings
) -> None:
    _, ring = await live.seller_with_product(stock=3)
    order = await placed_order(live, [(ring, 1)])
    buyer = fresh_address("buyer")
    body: dict[str, Any] = event("checkout.session.completed", session_object(order, email=buyer))
    live.events.append(body["id"])
    payload = json.dumps(body)

    result = await payments.handle(
        payload.encode(), sign(payload), settings=queued, database=live.database
    )

    assert result.status_code == 200
    assert sent_mail(buyer) == []
    queued_to = [json.loads(m["Body"])["to"] for m in drain(queued)]
    assert buyer in queued_to
    assert len(queued_to) == 2  # the buyer's confirmation and the seller's order mail
