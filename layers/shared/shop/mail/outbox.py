"""Mail decided inside a transaction and sent only after it commits.

Account mail (codes, links) is sent by the request itself right after its commit (`deliver`):
the user is waiting for it. Order mail goes through the outbox table instead (`enqueue`, in the
webhook's own transaction): the webhook answers Stripe without any call to SES or a queue
(WH-08), a rolled-back change sends nothing and a committed one is never lost. The mailer
function (`drain`, every minute in AWS) sends what is due; a mail SES refuses is tried again
after `RETRY_DELAYS`, then kept as failed for a person to look at (alarm: `mail_gave_up`).

Delivery is at least once: if the mailer dies between SES's answer and the delete, that mail
goes out again when its lease runs out.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from shop.clock import utcnow
from shop.config import Settings
from shop.db.engine import Database
from shop.db.session import unit_of_work
from shop.mail.messages import Message
from shop.mail.repository import Claimed, MailRepository
from shop.mail.sender import MailDeliveryError, MailSender
from shop.observability import get_logger

# After the nth failed try, the next one waits RETRY_DELAYS[n - 1]; after the last, it gives up
# (seven tries over about 10 hours: an SES outage of an afternoon delays mail, loses none).
RETRY_DELAYS = tuple(timedelta(minutes=m) for m in (1, 5, 15, 60, 120, 360))
MAX_TRIES = len(RETRY_DELAYS) + 1
# A claimed row is the claimer's for this long; a mailer that died frees it by running out.
LEASE = timedelta(minutes=5)
# Failed rows hold addresses: kept two weeks for a person to requeue, then deleted.
FAILED_RETENTION = timedelta(days=14)


@dataclass(frozen=True, slots=True)
class Outgoing:
    to: str
    message: Message


@dataclass(frozen=True, slots=True)
class Drained:
    sent: int = 0
    retried: int = 0
    failed: int = 0


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


async def enqueue(session: AsyncSession, outgoing: Sequence[Outgoing]) -> None:
    """Put mails in the outbox, in the caller's transaction: they exist if and only if it
    commits."""
    await MailRepository(session).add(
        [(mail.to, mail.message.subject, mail.message.text, mail.message.html) for mail in outgoing]
    )


async def drain(
    settings: Settings,
    sender: MailSender,
    *,
    database: Database | None = None,
    now: datetime | None = None,
    stop_after: float | None = None,
) -> Drained:
    """Send every due mail, batch by batch, until none is due or the loop's clock reaches
    `stop_after` (asyncio loop time; the Lambda passes its deadline minus a margin): no batch
    is claimed after it, and sends still running then are cut off and tried again later. Each
    batch is claimed in a short transaction of its own, so two mailers never hold one row at
    once, and no transaction is open while SES is called."""
    loop = asyncio.get_running_loop()
    clock = utcnow if now is None else lambda: now
    total = Drained()
    async with unit_of_work(database) as session:
        await MailRepository(session).purge_failed(before=clock() - FAILED_RETENTION)
    while stop_after is None or loop.time() < stop_after:
        at = clock()
        async with unit_of_work(database) as session:
            batch = await MailRepository(session).claim(
                at, lease_until=at + LEASE, limit=settings.mail_outbox_batch_size
            )
        if not batch:
            break
        # A row claimed more often than it may be tried: earlier runs died before recording
        # how its sends ended. It is given up, not sent again.
        due = [mail for mail in batch if mail.attempts <= MAX_TRIES]
        seconds = None if stop_after is None else max(stop_after - loop.time(), 0.0)
        sent = await _send_all(sender, due, settings.mail_outbox_concurrency, seconds)
        failed = [mail for mail in batch if mail.id not in sent]
        async with unit_of_work(database) as session:
            repo = MailRepository(session)
            await repo.delete(sorted(sent))
            gave_up = await _reschedule(repo, failed, clock())
        total = Drained(
            total.sent + len(sent),
            total.retried + len(failed) - gave_up,
            total.failed + gave_up,
        )
        if len(batch) < settings.mail_outbox_batch_size:
            break
    if total != Drained():
        get_logger().info(
            "mail outbox drained",
            extra={
                "event": "mail_drained",
                "sent": total.sent,
                "retried": total.retried,
                "failed": total.failed,
            },
        )
    return total


async def _send_all(
    sender: MailSender, batch: Sequence[Claimed], concurrency: int, seconds: float | None
) -> set[int]:
    """Send the batch with at most `concurrency` mails in flight, for at most `seconds`; the
    ids of the mails sent. A send still running at the timeout is cancelled (if
    SES took it meanwhile, the retry sends it twice: at least once, never lost)."""
    gate = asyncio.Semaphore(concurrency)

    async def send(mail: Claimed) -> None:
        async with gate:
            await sender.send(mail.to, Message(mail.subject, mail.text, mail.html))

    tasks = {asyncio.create_task(send(mail)): mail.id for mail in batch}
    if not tasks:
        return set()
    done, running = await asyncio.wait(tasks, timeout=seconds)
    for task in running:
        task.cancel()
    await asyncio.gather(*running, return_exceptions=True)
    sent: set[int] = set()
    for task in done:
        error = task.exception()
        if error is None:
            sent.add(tasks[task])
        elif not isinstance(error, MailDeliveryError):  # the sender logged those itself
            get_logger().error(
                "mail send crashed",
                extra={"event": "mail_send_crashed", "error_type": type(error).__name__},
            )
    return sent


async def _reschedule(repo: MailRepository, failed: Sequence[Claimed], now: datetime) -> int:
    """The next try of each failed mail, or none after the last; the number given up."""
    gave_up = 0
    for mail in failed:
        if mail.attempts >= MAX_TRIES:
            gave_up += 1
            await repo.give_up(mail.id, now)
            get_logger().error(
                "mail given up",
                extra={
                    "event": "mail_gave_up",
                    "mail_id": mail.id,
                    "attempts": mail.attempts,
                    "subject": mail.subject,
                    "recipient_domain": mail.to.rpartition("@")[2],
                },
            )
        else:
            await repo.retry_at(mail.id, now + RETRY_DELAYS[mail.attempts - 1])
    return gave_up
