"""The order-mail outbox against PostgreSQL and SES (moto): mail exists only if its transaction
commits, every due mail is sent once, a refused one is tried again on a schedule and then kept
as failed, a crashed mailer's claim runs out."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from shop.clock import utcnow
from shop.config import Settings
from shop.db.session import unit_of_work
from shop.mail import outbox
from shop.mail.messages import Message
from shop.mail.outbox import FAILED_RETENTION, LEASE, MAX_TRIES, RETRY_DELAYS, Drained, Outgoing
from shop.mail.repository import MailRepository
from shop.mail.sender import get_mail_sender
from shop.models import MailOutbox
from tests.helpers.live import Live
from tests.helpers.mailbox import fresh_address, sent_mail, verify_sender

UNVERIFIED_SENDER = "shop@outbox-unverified.facet.test"  # moto refuses it, as SES would


def order_mail(to: str, subject: str = "Your order 1A2B3C4D") -> Outgoing:
    return Outgoing(to, Message(subject, f"Thanks, {to}", f"<p>Thanks, {to}</p>"))


@pytest.fixture
async def empty_outbox(live: Live) -> AsyncIterator[None]:
    """The outbox holds only this test's rows (earlier tests' leftovers would be due too)."""

    async def clear() -> None:
        async with AsyncSession(live.engine) as session, session.begin():
            await session.execute(delete(MailOutbox))

    await clear()
    yield
    await clear()


@pytest.fixture
def ses_settings(settings: Settings) -> Settings:
    configured = settings.model_copy(update={"mail_backend": "ses", "mail_outbox_batch_size": 3})
    verify_sender(configured)
    return configured


async def put(live: Live, mails: list[Outgoing]) -> None:
    async with unit_of_work(live.database) as session:
        await outbox.enqueue(session, mails)


async def rows(live: Live) -> list[MailOutbox]:
    async with AsyncSession(live.engine) as session:
        return list(await session.scalars(select(MailOutbox).order_by(MailOutbox.id)))


async def drain(live: Live, settings: Settings, now: datetime | None = None) -> Drained:
    return await outbox.drain(settings, get_mail_sender(settings), database=live.database, now=now)


@pytest.mark.usefixtures("empty_outbox")
async def test_mail_of_a_rolled_back_transaction_is_never_sent(
    live: Live, ses_settings: Settings
) -> None:
    to = fresh_address("buyer")

    async def change_that_fails() -> None:
        async with unit_of_work(live.database) as session:
            await outbox.enqueue(session, [order_mail(to)])
            raise RuntimeError("the order change failed after its mail was written")

    with pytest.raises(RuntimeError):
        await change_that_fails()

    assert await rows(live) == []
    assert await drain(live, ses_settings) == Drained()
    assert sent_mail(to) == []


@pytest.mark.usefixtures("empty_outbox")
async def test_every_due_mail_is_sent_once_in_batches_and_leaves_the_outbox(
    live: Live, ses_settings: Settings
) -> None:
    addresses = [fresh_address(f"buyer{n}") for n in range(7)]  # batches of 3: 3 + 3 + 1
    await put(live, [order_mail(to) for to in addresses])

    assert [len(sent_mail(to)) for to in addresses] == [0] * 7  # nothing before the mailer
    assert await drain(live, ses_settings) == Drained(sent=7)

    assert [len(sent_mail(to)) for to in addresses] == [1] * 7
    [mail] = sent_mail(addresses[0])
    assert (mail["subject"], mail["body"]) == (
        "Your order 1A2B3C4D",
        f"<p>Thanks, {addresses[0]}</p>",
    )
    assert await rows(live) == []
    assert await drain(live, ses_settings) == Drained()
    assert [len(sent_mail(to)) for to in addresses] == [1] * 7


@pytest.mark.usefixtures("empty_outbox")
async def test_two_mailers_at_once_send_each_mail_once(live: Live, ses_settings: Settings) -> None:
    addresses = [fresh_address(f"buyer{n}") for n in range(12)]
    await put(live, [order_mail(to) for to in addresses])

    first, second = await asyncio.gather(drain(live, ses_settings), drain(live, ses_settings))

    assert first.sent + second.sent == 12
    assert [len(sent_mail(to)) for to in addresses] == [1] * 12


@pytest.mark.usefixtures("empty_outbox")
async def test_a_refused_mail_is_retried_on_schedule_then_kept_as_failed(
    live: Live, ses_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    refused = ses_settings.model_copy(update={"mail_sender": UNVERIFIED_SENDER})
    to = fresh_address("buyer")
    await put(live, [order_mail(to)])
    now = utcnow()

    for tries, delay in enumerate(RETRY_DELAYS, start=1):
        assert await drain(live, refused, now) == Drained(retried=1)
        [row] = await rows(live)
        assert (row.attempts, row.next_attempt_at, row.failed_at) == (tries, now + delay, None)
        # Not due before its time: nothing is tried.
        assert await drain(live, refused, now + delay - timedelta(seconds=1)) == Drained()
        now += delay

    with caplog.at_level(logging.ERROR):
        assert await drain(live, refused, now) == Drained(failed=1)
    [row] = await rows(live)
    assert (row.attempts, row.failed_at) == (len(RETRY_DELAYS) + 1, now)
    [gave_up] = [r for r in caplog.records if getattr(r, "event", None) == "mail_gave_up"]
    assert gave_up.recipient_domain == "mail.example.com"  # type: ignore[attr-defined]
    assert to not in "\n".join(str(vars(r)) for r in caplog.records)  # no address, no body
    # Given up: even a working SES does not get it, until it ages out of the table.
    assert await drain(live, ses_settings, now + timedelta(days=1)) == Drained()
    assert sent_mail(to) == []
    await drain(live, ses_settings, now + FAILED_RETENTION + timedelta(seconds=1))
    assert await rows(live) == []


@pytest.mark.usefixtures("empty_outbox")
async def test_a_refused_mail_goes_out_on_a_later_try_and_the_others_are_not_held_back(
    live: Live, ses_settings: Settings
) -> None:
    to, other = fresh_address("buyer"), fresh_address("seller")
    await put(live, [order_mail(to), order_mail(other)])
    refused = ses_settings.model_copy(update={"mail_sender": UNVERIFIED_SENDER})
    now = utcnow()

    assert await drain(live, refused, now) == Drained(retried=2)
    assert await drain(live, ses_settings, now + RETRY_DELAYS[0]) == Drained(sent=2)

    assert (len(sent_mail(to)), len(sent_mail(other))) == (1, 1)
    assert await rows(live) == []


@pytest.mark.usefixtures("empty_outbox")
async def test_a_claim_whose_mailer_died_runs_out_and_the_mail_goes_out(
    live: Live, ses_settings: Settings
) -> None:
    to = fresh_address("buyer")
    await put(live, [order_mail(to)])
    now = utcnow()
    async with unit_of_work(live.database) as session:  # a mailer that claims, then dies
        [claimed] = await MailRepository(session).claim(now, lease_until=now + LEASE, limit=10)
    assert claimed.to == to

    assert await drain(live, ses_settings, now + LEASE - timedelta(seconds=1)) == Drained()
    assert await drain(live, ses_settings, now + LEASE) == Drained(sent=1)
    assert len(sent_mail(to)) == 1


@pytest.mark.usefixtures("empty_outbox")
async def test_sends_still_running_at_the_deadline_are_cut_off_and_tried_again_later(
    live: Live, settings: Settings
) -> None:
    # An SMTP server that takes the connection and never says a word: every send hangs.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        hanging = settings.model_copy(
            update={
                "mail_backend": "smtp",
                "smtp_port": silent.getsockname()[1],
                "smtp_starttls": False,
                "mail_timeout_seconds": 3.0,
            }
        )
        await put(live, [order_mail(fresh_address("buyer"))])
        loop = asyncio.get_running_loop()
        started = loop.time()

        drained = await outbox.drain(
            hanging, get_mail_sender(hanging), database=live.database, stop_after=started + 0.5
        )
        took = loop.time() - started

    assert drained == Drained(retried=1)
    assert took < 2.0  # the send was cut off at the deadline, not left to its 3 s timeout
    [row] = await rows(live)
    assert (row.attempts, row.failed_at) == (1, None)
    assert row.next_attempt_at > utcnow()


@pytest.mark.usefixtures("empty_outbox")
async def test_a_mail_claimed_more_often_than_its_tries_is_given_up_unsent(
    live: Live, ses_settings: Settings
) -> None:
    to = fresh_address("buyer")
    await put(live, [order_mail(to)])
    now = utcnow()
    for _ in range(MAX_TRIES):  # mailers that claimed it and died before recording anything
        async with unit_of_work(live.database) as session:
            await MailRepository(session).claim(now, lease_until=now, limit=1)

    assert await drain(live, ses_settings, now) == Drained(failed=1)
    assert sent_mail(to) == []
    [row] = await rows(live)
    assert (row.attempts, row.failed_at) == (MAX_TRIES + 1, now)
