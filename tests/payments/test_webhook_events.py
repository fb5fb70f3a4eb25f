"""What each Stripe event does to an order, exactly once, whatever the order of delivery and the
number of repeats (WH-05..WH-10), with the mails and statistics that follow a payment."""

from __future__ import annotations

import asyncio
import json
import uuid

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from devstack.lambda_runtime import FunctionContainer
from devstack.stripe_emulator import StripeEmulator
from shop.config import Settings
from shop.db.engine import Database, build_engine
from shop.db.session import MAX_RETRIES
from shop.models import Order, Product, SellerMonthlyStat, StripeEvent
from shop.payments import service
from tests.helpers.faults import deadlocks
from tests.helpers.lambda_events import json_body
from tests.helpers.live import Live
from tests.helpers.mailbox import OrderMail, fresh_address, sent_mail
from tests.payments.events import (
    charge_object,
    deliver,
    event,
    placed_order,
    released_order,
    session_object,
    sign,
)

COMPLETED = "checkout.session.completed"


async def _units_in_stats(live: Live) -> int:
    """Units in the sellers' monthly rollups of this test."""
    async with AsyncSession(live.engine) as session:
        total = await session.scalar(
            select(func.coalesce(func.sum(SellerMonthlyStat.units_sold), 0)).where(
                SellerMonthlyStat.seller_id.in_(live.users)
            )
        )
    return int(total or 0)


async def test_a_paid_checkout_records_buyer_shipping_and_mails_buyer_and_each_seller(
    live: Live, stripe_webhook: FunctionContainer, order_mail: OrderMail
) -> None:
    seller, ring = await live.seller_with_product(name="Signet ring", stock=5, price_cents=9_900)
    other_seller, chain = await live.seller_with_product(name="Box chain", stock=5)
    order = await placed_order(live, [(ring, 2), (chain, 1)])
    buyer = fresh_address("buyer")

    response = deliver(
        stripe_webhook, event(COMPLETED, session_object(order, email=buyer)), live=live
    )

    assert response["statusCode"] == 200
    paid = await live.order(order.id)
    assert (paid.status, paid.email, paid.shipping_name) == ("paid", buyer, "Rosa Lima")
    assert paid.shipping_address is not None
    assert paid.shipping_address["city"] == "Lisbon"
    assert paid.paid_at is not None
    assert not paid.stock_held
    assert (await live.stock(ring), await live.stock(chain)) == (3, 4)
    # The webhook answered without calling SES: its mails wait in the outbox for the mailer.
    assert sent_mail(buyer) == []
    [confirmation] = order_mail(buyer)
    assert "Signet ring" in confirmation["body"]
    assert "Box chain" in confirmation["body"]
    assert "7 Harbour Road" in confirmation["body"]
    [to_seller] = order_mail(seller.email)
    assert "Signet ring" in to_seller["body"]
    assert "Box chain" not in to_seller["body"]
    assert "7 Harbour Road" in to_seller["body"]
    [to_other] = order_mail(other_seller.email)
    assert "Box chain" in to_other["body"]
    assert "Signet ring" not in to_other["body"]
    assert await _units_in_stats(live) == 3


async def test_wh_05_the_same_event_twice_and_ten_times_concurrently_has_one_effect(
    live: Live, settings: Settings, stripe_webhook: FunctionContainer, order_mail: OrderMail
) -> None:
    _, ring = await live.seller_with_product(stock=5)
    first, second = await placed_order(live, [(ring, 1)]), await placed_order(live, [(ring, 1)])
    buyers = fresh_address("twice"), fresh_address("tenfold")
    repeated = event(COMPLETED, session_object(first, email=buyers[0]))
    storm = event(COMPLETED, session_object(second, email=buyers[1]))
    live.events.append(str(storm["id"]))
    payload = json.dumps(storm)

    answers = [deliver(stripe_webhook, repeated, live=live) for _ in range(2)]
    results = await asyncio.gather(
        *(
            service.handle(
                payload.encode(), sign(payload), settings=settings, database=live.database
            )
            for _ in range(10)
        )
    )

    assert [json_body(a)["applied"] for a in answers] == [True, False]
    assert sorted(r.body["applied"] for r in results) == [False] * 9 + [True]
    assert [(await live.order(o.id)).status for o in (first, second)] == ["paid", "paid"]
    assert await live.stock(ring) == 3
    assert [len(order_mail(b)) for b in buyers] == [1, 1]
    assert await _units_in_stats(live) == 2


async def test_wh_06_unpaid_then_async_success_then_a_duplicate_completed_fulfils_once(
    live: Live, stripe_webhook: FunctionContainer, order_mail: OrderMail
) -> None:
    _, ring = await live.seller_with_product(stock=4)
    order = await placed_order(live, [(ring, 2)])
    buyer = fresh_address("sepa")
    intent = f"pi_{uuid.uuid4().hex[:24]}"

    def session(status: str) -> dict[str, object]:
        return session_object(order, payment_status=status, email=buyer, payment_intent=intent)

    deliver(stripe_webhook, event(COMPLETED, session("unpaid")), live=live)
    waiting = await live.order(order.id)
    deliver(
        stripe_webhook,
        event("checkout.session.async_payment_succeeded", session("paid")),
        live=live,
    )
    deliver(stripe_webhook, event(COMPLETED, session("paid")), live=live)

    assert (waiting.status, waiting.stock_held) == ("awaiting_payment", True)
    final = await live.order(order.id)
    assert final.status == "paid"
    assert final.stripe_payment_intent_id == intent
    assert await live.stock(ring) == 2
    assert len(order_mail(buyer)) == 1
    assert await _units_in_stats(live) == 2


async def test_wh_07_a_refund_delivered_before_completion_leaves_the_order_refunded(
    live: Live, stripe_webhook: FunctionContainer, stripe_emulator: StripeEmulator
) -> None:
    _, ring = await live.seller_with_product(stock=3, price_cents=5_000)
    order = await placed_order(live, [(ring, 1)])
    assert order.stripe_session_id is not None

    with stripe_emulator.capture() as events:
        stripe_emulator.pay(order.stripe_session_id)
        intent = stripe_emulator.session(order.stripe_session_id)["payment_intent"]
        stripe_emulator.api("POST", "/v1/refunds", {"payment_intent": intent}, None)
    (completed_type, completed), (refunded_type, refunded) = events
    # Delivered the other way round: the refund names only the PaymentIntent, which Facet
    # does not know yet; it finds the order through Stripe's copy of the intent's metadata.
    refund = deliver(stripe_webhook, refunded.decode(), signature=sign(refunded.decode()))
    late = deliver(stripe_webhook, completed.decode(), signature=sign(completed.decode()))
    live.events += [json.loads(p)["id"] for _, p in events]

    assert (completed_type, refunded_type) == (COMPLETED, "charge.refunded")
    assert refund["statusCode"] == late["statusCode"] == 200
    final = await live.order(order.id)
    assert (final.status, final.amount_refunded, final.stock_held) == ("refunded", 5_000, False)
    assert final.paid_at is None
    assert await live.stock(ring) == 3


async def test_inv_05_a_payment_after_the_hold_was_released_retakes_the_stock(
    live: Live, stripe_webhook: FunctionContainer, stripe_emulator: StripeEmulator
) -> None:
    _, ring, order = await released_order(live, stripe_webhook, stock=2)
    released = await live.stock(ring)
    assert order.stripe_session_id is not None

    stripe_emulator.pay(order.stripe_session_id)
    stripe_emulator.wait_for_deliveries()

    assert released == 2
    assert (await live.order(order.id)).status == "paid"
    assert await live.stock(ring) == 0


async def test_inv_05_a_late_payment_for_sold_out_stock_is_refunded_automatically(
    live: Live,
    stripe_webhook: FunctionContainer,
    stripe_emulator: StripeEmulator,
    order_mail: OrderMail,
) -> None:
    seller, ring, order = await released_order(live, stripe_webhook, stock=2)
    assert order.stripe_session_id is not None
    async with AsyncSession(live.engine) as session, session.begin():
        await session.execute(text("UPDATE products SET stock = 1 WHERE id = :id"), {"id": ring.id})
    buyer = fresh_address("late")

    stripe_emulator.pay(order.stripe_session_id, {"email": buyer})
    stripe_emulator.wait_for_deliveries()

    refunds = [c for c in stripe_emulator.calls if c.path == "/v1/refunds" and c.idempotency_key]
    assert [c.idempotency_key for c in refunds] == [f"refund:{order.id}"]
    final = await live.order(order.id)
    assert (final.status, final.amount_refunded, final.paid_at) == (
        "refunded",
        final.amount_total,
        None,
    )
    assert await live.stock(ring) == 1
    [notice] = order_mail(buyer)
    assert "refunded" in notice["subject"]
    [to_seller] = order_mail(seller.email)
    assert "nothing to ship" in to_seller["subject"]
    assert ring.name in to_seller["body"]


async def test_inv_05_a_late_payment_refunded_by_a_failed_attempt_stays_refunded(
    live: Live,
    settings: Settings,
    stripe_emulator: StripeEmulator,
    stripe_webhook: FunctionContainer,
) -> None:
    """The refund is asked for inside the transaction: if that transaction then fails, the
    retry (or Stripe's next delivery) must not sell the stock after all, even if it is back."""
    _, ring, order = await released_order(live, stripe_webhook, stock=2)
    assert order.stripe_session_id is not None
    await _set_stock(live, ring, 1)  # sold out for this order of 2
    with stripe_emulator.capture() as events:  # Stripe's deliveries are ours to make
        stripe_emulator.pay(order.stripe_session_id)
        [(_, paid)] = events
        live.events.append(json.loads(paid)["id"])
        payload = paid.decode()

        async def apply() -> service.WebhookResult:
            return await service.handle(
                paid, sign(payload), settings=settings, database=live.database
            )

        async with deadlocks(live.engine, "mail_outbox", times=100):
            failed = await apply()  # refund asked for, then every commit failed
        await _set_stock(live, ring, 2)  # the stock is back before Stripe delivers again
        redelivered = await apply()

    assert (failed.status_code, redelivered.status_code) == (503, 200)
    final = await live.order(order.id)
    assert (final.status, final.paid_at) == ("refund_pending", None)
    assert await live.stock(ring) == 2  # not sold to a buyer who was refunded
    asked = [
        c.idempotency_key
        for c in stripe_emulator.calls
        if (c.method, c.path) == ("POST", "/v1/refunds")
        and c.params.get("payment_intent") == final.stripe_payment_intent_id
    ]
    assert set(asked) == {f"refund:{order.id}"}  # asked again, but always with its one key


async def _set_stock(live: Live, product: Product, stock: int) -> None:
    async with AsyncSession(live.engine) as session, session.begin():
        await session.execute(
            text("UPDATE products SET stock = :stock WHERE id = :id"),
            {"stock": stock, "id": product.id},
        )


async def test_partial_then_full_refunds_move_a_paid_order_forward_only(
    live: Live, stripe_webhook: FunctionContainer
) -> None:
    _, ring = await live.seller_with_product(stock=3, price_cents=4_000)
    order = await placed_order(live, [(ring, 2)])
    intent = f"pi_{uuid.uuid4().hex[:24]}"
    deliver(
        stripe_webhook, event(COMPLETED, session_object(order, payment_intent=intent)), live=live
    )

    deliver(
        stripe_webhook,
        event("charge.refunded", charge_object(intent, 8_000, 3_000, "EUR")),
        live=live,
    )
    partial = await live.order(order.id)
    deliver(
        stripe_webhook,
        event("charge.refunded", charge_object(intent, 8_000, 8_000, "EUR")),
        live=live,
    )
    deliver(
        stripe_webhook,
        event("charge.refunded", charge_object(intent, 8_000, 3_000, "EUR")),
        live=live,
    )

    assert (partial.status, partial.amount_refunded) == ("partially_refunded", 3_000)
    final = await live.order(order.id)
    assert (final.status, final.amount_refunded) == ("refunded", 8_000)
    assert await live.stock(ring) == 1  # a refund does not restock (business rule: none)


async def test_wh_08_a_database_failure_mid_transaction_is_503_and_no_event_is_kept(
    live: Live, settings: Settings
) -> None:
    _, ring = await live.seller_with_product(stock=3)
    order = await placed_order(live, [(ring, 1)])
    paid = event(COMPLETED, session_object(order))
    payload = json.dumps(paid)
    impatient = settings.model_copy(update={"db_statement_timeout_ms": 200})
    database = Database.from_engine(build_engine(impatient))

    try:
        async with AsyncSession(live.engine) as blocker, blocker.begin():
            # Another transaction holds the order row: the webhook's inbox insert succeeds,
            # then its lock on the order times out, mid-transaction.
            await blocker.execute(
                text("SELECT id FROM orders WHERE id = :id FOR UPDATE"), {"id": order.id}
            )
            failed = await service.handle(
                payload.encode(), sign(payload), settings=impatient, database=database
            )
        retried = await service.handle(
            payload.encode(), sign(payload), settings=impatient, database=database
        )
    finally:
        await database.engine.dispose()
    live.events.append(str(paid["id"]))

    assert failed.status_code == 503
    assert retried.status_code == 200
    assert retried.body["applied"] is True
    assert (await live.order(order.id)).status == "paid"
    async with AsyncSession(live.engine) as session:
        kept = await session.scalar(select(func.count()).where(StripeEvent.id == paid["id"]))
    assert kept == 1


async def _pay_through_deadlocks(
    live: Live, settings: Settings, email: str, times: int
) -> tuple[Product, Order, service.WebhookResult, int]:
    """A one-line order's payment, delivered while its first `times` outbox inserts deadlock
    (the mails are the transaction's last insert: each failure rolls a whole attempt back)."""
    _, ring = await live.seller_with_product(stock=3)
    order = await placed_order(live, [(ring, 1)])
    paid = event(COMPLETED, session_object(order, email=email))
    live.events.append(str(paid["id"]))
    payload = json.dumps(paid)
    async with deadlocks(live.engine, "mail_outbox", times=times) as injected:
        result = await service.handle(
            payload.encode(), sign(payload), settings=settings, database=live.database
        )
        return ring, order, result, await injected.inserts()


async def test_inv_03_an_event_postgres_ends_as_a_deadlock_is_applied_on_a_retry_once(
    live: Live, settings: Settings, order_mail: OrderMail
) -> None:
    buyer = fresh_address("buyer")

    ring, order, result, inserts = await _pay_through_deadlocks(live, settings, buyer, times=2)

    assert (result.status_code, result.body["applied"]) == (200, True)
    assert inserts == 2 + 2  # two attempts failed on their first mail, the third wrote both
    assert (await live.order(order.id)).status == "paid"
    assert await live.stock(ring) == 2
    assert len(order_mail(buyer)) == 1
    assert await _units_in_stats(live) == 1


async def test_inv_03_a_lasting_deadlock_is_503_after_bounded_retries_and_keeps_nothing(
    live: Live, settings: Settings
) -> None:
    buyer = fresh_address("buyer")

    ring, order, result, inserts = await _pay_through_deadlocks(live, settings, buyer, times=100)

    assert result.status_code == 503  # Stripe delivers it again later
    assert inserts == 1 + MAX_RETRIES
    assert (await live.order(order.id)).status == "pending"
    assert await live.stock(ring) == 2  # still held for the payment Stripe will deliver again
    async with AsyncSession(live.engine) as session:
        kept = await session.scalar(select(func.count()).where(StripeEvent.id.in_(live.events)))
    assert kept == 0


async def test_wh_10_an_amount_or_currency_mismatch_needs_review_and_fulfils_nothing(
    live: Live, stripe_webhook: FunctionContainer, order_mail: OrderMail
) -> None:
    _, ring = await live.seller_with_product(stock=3, price_cents=7_000)
    cheaper = await placed_order(live, [(ring, 1)])
    foreign = await placed_order(live, [(ring, 1)])
    buyer = fresh_address("mismatch")

    deliver(
        stripe_webhook,
        event(COMPLETED, session_object(cheaper, amount_total=1, email=buyer)),
        live=live,
    )
    deliver(
        stripe_webhook,
        event(COMPLETED, session_object(foreign, currency="usd", email=buyer)),
        live=live,
    )

    for order in (cheaper, foreign):
        flagged = await live.order(order.id)
        assert (flagged.status, flagged.paid_at, flagged.stock_held) == ("needs_review", None, True)
    assert await live.stock(ring) == 1
    assert order_mail(buyer) == []
    assert await _units_in_stats(live) == 0


async def test_expired_and_async_failed_release_the_hold_once(
    live: Live, stripe_webhook: FunctionContainer, order_mail: OrderMail
) -> None:
    _, ring = await live.seller_with_product(stock=4)
    abandoned = await placed_order(live, [(ring, 1)])
    failed = await placed_order(live, [(ring, 2)])
    buyer = fresh_address("declined")

    for _ in range(2):  # two distinct events each: the second finds no hold left
        deliver(
            stripe_webhook, event("checkout.session.expired", session_object(abandoned)), live=live
        )
        deliver(
            stripe_webhook,
            event("checkout.session.async_payment_failed", session_object(failed, email=buyer)),
            live=live,
        )

    assert (await live.order(abandoned.id)).status == "expired"
    assert (await live.order(failed.id)).status == "payment_failed"
    assert await live.stock(ring) == 4
    [notice] = order_mail(buyer)
    assert "not paid" in notice["subject"]


async def test_inv_06_the_order_is_the_snapshot_taken_at_checkout(
    live: Live, stripe_webhook: FunctionContainer, order_mail: OrderMail
) -> None:
    seller, ring = await live.seller_with_product(name="Opal ring", stock=3, price_cents=3_000)
    order = await placed_order(live, [(ring, 1)])
    async with AsyncSession(live.engine) as session, session.begin():
        await session.execute(
            text("UPDATE products SET name = 'Renamed', price_cents = 9000 WHERE id = :id"),
            {"id": ring.id},
        )
    repriced = await placed_order(live, [(ring, 1)])

    deliver(stripe_webhook, event(COMPLETED, session_object(order)), live=live)
    deliver(
        stripe_webhook,
        event(COMPLETED, session_object(repriced, amount_total=order.amount_total)),
        live=live,
    )

    paid = await live.order(order.id)
    assert (paid.status, paid.amount_total) == ("paid", 3_000)
    assert (await live.order(repriced.id)).status == "needs_review"
    [to_seller] = order_mail(seller.email)
    assert "Opal ring" in to_seller["body"]
    assert "Renamed" not in to_seller["body"]


async def test_events_that_lead_to_no_order_of_ours_are_200_and_change_nothing(
    live: Live, stripe_webhook: FunctionContainer
) -> None:
    _, ring = await live.seller_with_product(stock=2)
    order = await placed_order(live, [(ring, 1)])
    other_session = session_object(order) | {"id": "cs_test_not_this_orders_session"}
    stranger = charge_object("pi_unknown_to_stripe_and_us", 1_000, 1_000, "EUR")

    answers = [
        deliver(stripe_webhook, event(COMPLETED, other_session), live=live),
        deliver(stripe_webhook, event("charge.refunded", stranger), live=live),
    ]

    assert [a["statusCode"] for a in answers] == [200, 200]
    unchanged = await live.order(order.id)
    assert (unchanged.status, unchanged.stock_held) == ("pending", True)
    assert await live.stock(ring) == 1
