"""WH-09: a payment whose events never reached the webhook (endpoint down, wrong secret) is
applied from Stripe's list of undelivered events, once, whatever arrives later."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from devstack.lambda_runtime import SCHEDULED_EVENT, FunctionContainer
from devstack.stripe_emulator import StripeEmulator
from shop.api.app import create_app
from shop.config import Settings
from shop.payments import reconcile
from tests.conftest import STRIPE_API_KEY, STRIPE_WEBHOOK_SECRET, api_client
from tests.helpers.lambda_events import json_body
from tests.helpers.live import Live
from tests.helpers.mailbox import OrderMail, fresh_address
from tests.payments.events import deliver, placed_order


class DownWebhook:
    """A Stripe whose every delivery fails (503), keeping what it tried to send."""

    def __init__(self) -> None:
        self.tried: list[str] = []

    def __call__(self, payload: bytes, signature: str) -> int:
        self.tried.append(payload.decode())
        return 503


@pytest.fixture
def down() -> DownWebhook:
    return DownWebhook()


@pytest.fixture
def stripe_down(down: DownWebhook) -> Iterator[StripeEmulator]:
    with StripeEmulator(STRIPE_WEBHOOK_SECRET, down, api_key=STRIPE_API_KEY) as emulator:
        yield emulator


@pytest.fixture
def local(settings: Settings, stripe_down: StripeEmulator) -> Settings:
    return settings.model_copy(update={"stripe_api_base": stripe_down.url})


async def test_wh_09_a_payment_the_webhook_never_got_is_applied_from_stripe_once(
    live: Live,
    local: Settings,
    stripe_down: StripeEmulator,
    down: DownWebhook,
    stripe_webhook: FunctionContainer,
    order_mail: OrderMail,
) -> None:
    seller, ring = await live.seller_with_product(stock=4, price_cents=9_000)
    async with api_client(create_app(local, live.database)) as client:
        order = await placed_order(live, [(ring, 1)], client)
    assert order.stripe_session_id is not None
    buyer = fresh_address("buyer")

    stripe_down.pay(order.stripe_session_id, {"email": buyer})
    stripe_down.wait_for_deliveries()
    assert (await live.order(order.id)).status == "pending"  # the webhook never got it

    replayed = await reconcile.replay_undelivered(local, database=live.database)
    again = await reconcile.replay_undelivered(local, database=live.database)

    assert (replayed, again) == (1, 0)
    paid = await live.order(order.id)
    assert (paid.status, paid.email, paid.shipping_name) == ("paid", buyer, "Demo Buyer")
    assert await live.stock(ring) == 3
    assert len(order_mail(buyer)) == 1
    # Stripe's own retry gets through once the endpoint is back: no second effect.
    [payment] = down.tried
    live.events.append(json.loads(payment)["id"])
    answer = deliver(stripe_webhook, payment)
    assert json_body(answer) == {"received": True, "applied": False}
    assert await live.stock(ring) == 3
    assert len(order_mail(buyer)) == 1
    assert len(order_mail(seller.email)) == 1


async def test_wh_09_an_unpaid_checkout_that_stripe_ended_releases_its_hold_from_the_list(
    live: Live, local: Settings, stripe_down: StripeEmulator
) -> None:
    _, ring = await live.seller_with_product(stock=2)
    async with api_client(create_app(local, live.database)) as client:
        order = await placed_order(live, [(ring, 2)], client)
    assert order.stripe_session_id is not None

    stripe_down.cancel(order.stripe_session_id)
    stripe_down.wait_for_deliveries()
    assert await live.stock(ring) == 0
    assert await reconcile.replay_undelivered(local, database=live.database) == 1

    assert (await live.order(order.id)).status == "expired"
    assert await live.stock(ring) == 2


async def test_the_sweeper_function_replays_what_the_webhook_missed(
    live: Live, stripe_emulator: StripeEmulator
) -> None:
    _, ring = await live.seller_with_product(stock=3)
    order = await placed_order(live, [(ring, 1)])
    assert order.stripe_session_id is not None
    with stripe_emulator.capture() as lost:  # the event never reaches the webhook
        stripe_emulator.pay(order.stripe_session_id)
    live.events += [json.loads(payload)["id"] for _, payload in lost]
    sweeper = FunctionContainer("functions.reservation_sweeper.handler:handler")
    try:
        result = sweeper.invoke(SCHEDULED_EVENT)
    finally:
        sweeper.close()

    assert result["replayed"] >= 1  # earlier tests' captured events may be listed too
    assert (await live.order(order.id)).status == "paid"
    assert await live.stock(ring) == 2


async def test_wh_09_an_event_that_cannot_be_applied_does_not_hold_back_the_others(
    live: Live, local: Settings, stripe_down: StripeEmulator
) -> None:
    _, ring = await live.seller_with_product(stock=4)
    async with api_client(create_app(local, live.database)) as client:
        broken, fine = [await placed_order(live, [(ring, 1)], client) for _ in range(2)]
    assert broken.stripe_session_id is not None
    assert fine.stripe_session_id is not None
    malformed = stripe_down.session(broken.stripe_session_id)
    malformed.update(payment_status="paid", collected_information={"shipping_details": "?"})

    stripe_down.emit("checkout.session.completed", malformed)  # listed first: it is older
    stripe_down.pay(fine.stripe_session_id)
    stripe_down.wait_for_deliveries()
    replayed = await reconcile.replay_undelivered(local, database=live.database)

    assert replayed == 1
    assert (await live.order(fine.id)).status == "paid"
    assert (await live.order(broken.id)).status == "pending"
