"""The Stripe emulator answers Stripe's own library the way Stripe does for the calls Facet
makes: form-encoded params, idempotent replays and mismatches, Stripe-shaped errors."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
import pytest
import stripe

from devstack.stripe_emulator import StripeEmulator
from devstack.stripe_forms import decode_form
from tests.conftest import STRIPE_API_KEY


@pytest.fixture(scope="module")
def client(stripe_emulator: StripeEmulator) -> stripe.StripeClient:
    return stripe.StripeClient(
        STRIPE_API_KEY, base_addresses={"api": stripe_emulator.url}, max_network_retries=0
    )


def params(**extra: Any) -> dict[str, Any]:
    return {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 2,
                "price_data": {
                    "currency": "eur",
                    "unit_amount": 1250,
                    "product_data": {"name": "Ring"},
                },
            }
        ],
        "expires_at": int(time.time()) + 1900,
        "shipping_address_collection": {"allowed_countries": ["DE", "FR"]},
        **extra,
    }


def test_stripe_form_encoding_decodes_to_nested_values() -> None:
    decoded = decode_form(
        "line_items[0][quantity]=2&line_items[0][price_data][currency]=eur"
        "&metadata[order_id]=abc&shipping_address_collection[allowed_countries][0]=DE"
        "&shipping_address_collection[allowed_countries][1]=FR&mode=payment"
    )

    assert decoded == {
        "line_items": [{"quantity": "2", "price_data": {"currency": "eur"}}],
        "metadata": {"order_id": "abc"},
        "shipping_address_collection": {"allowed_countries": ["DE", "FR"]},
        "mode": "payment",
    }


def test_pay_03_a_repeated_idempotency_key_returns_the_same_session(
    client: stripe.StripeClient,
) -> None:
    key = f"checkout:{uuid.uuid4()}"
    body = params(client_reference_id="order-1")

    first = client.v1.checkout.sessions.create(body, {"idempotency_key": key})  # type: ignore[arg-type]
    again = client.v1.checkout.sessions.create(body, {"idempotency_key": key})  # type: ignore[arg-type]
    with pytest.raises(stripe.IdempotencyError):
        client.v1.checkout.sessions.create(
            params(client_reference_id="order-2"),  # type: ignore[arg-type]
            {"idempotency_key": key},
        )

    assert first.id == again.id
    assert first.amount_total == 2500
    assert client.v1.checkout.sessions.retrieve(first.id).status == "open"


def test_expiry_outside_30_minutes_to_24_hours_is_refused_like_stripe(
    client: stripe.StripeClient,
) -> None:
    for expires_at in (int(time.time()) + 600, int(time.time()) + 90_000):
        with pytest.raises(stripe.InvalidRequestError, match="expires_at"):
            client.v1.checkout.sessions.create(params(expires_at=expires_at))  # type: ignore[arg-type]


def test_a_wrong_api_key_is_refused(stripe_emulator: StripeEmulator) -> None:
    wrong = stripe.StripeClient(
        "sk_test_wrong", base_addresses={"api": stripe_emulator.url}, max_network_retries=0
    )

    with pytest.raises(stripe.AuthenticationError):
        wrong.v1.checkout.sessions.create(params())  # type: ignore[arg-type]


def test_an_ended_session_cannot_be_expired_or_paid_again(
    client: stripe.StripeClient, stripe_emulator: StripeEmulator
) -> None:
    with stripe_emulator.capture() as events:
        session = client.v1.checkout.sessions.create(params())  # type: ignore[arg-type]
        expired = client.v1.checkout.sessions.expire(session.id)
        with pytest.raises(stripe.InvalidRequestError):
            client.v1.checkout.sessions.expire(session.id)

    assert expired.status == "expired"
    assert [event_type for event_type, _ in events] == ["checkout.session.expired"]


def test_the_event_list_pages_through_the_undelivered_events_of_the_types_asked_for() -> None:
    def deliver(payload: bytes, signature: str) -> int:
        return 200 if b'"checkout.session.expired"' in payload else 500

    with StripeEmulator("whsec_list", deliver, api_key=STRIPE_API_KEY) as emulator:
        client = stripe.StripeClient(
            STRIPE_API_KEY, base_addresses={"api": emulator.url}, max_network_retries=0
        )
        ids = [client.v1.checkout.sessions.create(params())["id"] for _ in range(4)]  # type: ignore[arg-type]
        for session_id in ids[:3]:
            emulator.pay(session_id)
        emulator.cancel(ids[3])
        emulator.wait_for_deliveries()

        page = client.v1.events.list(
            {"delivery_success": False, "types": ["checkout.session.completed"], "limit": 2}
        )
        listed = [event.to_dict() for event in page.auto_paging_iter()]
        delivered = client.v1.events.list({"delivery_success": True})
        future = client.v1.events.list({"created": {"gte": int(time.time()) + 60}})

    assert [e["data"]["object"]["id"] for e in listed] == ids[2::-1]  # newest first
    assert [e["type"] for e in delivered.data] == ["checkout.session.expired"]
    assert future.data == []


@pytest.mark.parametrize(
    ("action", "event_type", "location"),
    [
        ("pay", "checkout.session.completed", "https://shop.test/orders/1?session={id}"),
        (
            "cancel",
            "checkout.session.expired",
            "https://shop.test/cart?session={CHECKOUT_SESSION_ID}",
        ),
    ],
)
def test_the_pay_page_redirects_to_the_shop_after_the_webhook_was_told(
    action: str, event_type: str, location: str
) -> None:
    delivered: list[bytes] = []

    def deliver(payload: bytes, signature: str) -> int:
        delivered.append(payload)
        return 200

    with StripeEmulator("whsec_pay", deliver, api_key=STRIPE_API_KEY) as emulator:
        client = stripe.StripeClient(
            STRIPE_API_KEY, base_addresses={"api": emulator.url}, max_network_retries=0
        )
        session = client.v1.checkout.sessions.create(
            params(  # type: ignore[arg-type]
                success_url="https://shop.test/orders/1?session={CHECKOUT_SESSION_ID}",
                cancel_url="https://shop.test/cart?session={CHECKOUT_SESSION_ID}",
            )
        )
        answer = httpx.post(f"{emulator.url}/pay/{session.id}", data={"action": action})

    assert answer.status_code == 303
    assert answer.headers["location"] == location.replace("{id}", session.id)
    assert [event_type.encode() in payload for payload in delivered] == [True]
