"""Stripe events as Stripe sends them: JSON signed with Stripe's own library, wrapped in the API
Gateway v2 event that reaches the webhook Lambda."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import httpx
import stripe

from devstack.lambda_runtime import FunctionContainer
from shop.models import Order
from tests.conftest import STRIPE_WEBHOOK_SECRET, api_client
from tests.helpers.lambda_events import http_api_event
from tests.helpers.live import Live

WEBHOOK_PATH = "/api/v1/webhooks/stripe"


def session_object(
    order: Order,
    *,
    payment_status: str = "paid",
    amount_total: int | None = None,
    currency: str | None = None,
    email: str = "buyer@example.com",
    payment_intent: str | None = None,
) -> dict[str, Any]:
    address = {
        "line1": "7 Harbour Road",
        "line2": None,
        "city": "Lisbon",
        "postal_code": "1100-001",
        "state": None,
        "country": "PT",
    }
    return {
        "id": order.stripe_session_id or f"cs_test_{uuid.uuid4().hex}",
        "object": "checkout.session",
        "client_reference_id": str(order.id),
        "metadata": {"order_id": str(order.id)},
        "amount_total": order.amount_total if amount_total is None else amount_total,
        "currency": (currency or order.currency).lower(),
        "payment_status": payment_status,
        "payment_intent": payment_intent or f"pi_{uuid.uuid4().hex[:24]}",
        "customer_details": {"email": email, "name": "Rosa Lima", "address": address},
        "collected_information": {"shipping_details": {"name": "Rosa Lima", "address": address}},
        "livemode": False,
    }


def charge_object(payment_intent: str, amount: int, refunded: int, currency: str) -> dict[str, Any]:
    return {
        "id": f"ch_{uuid.uuid4().hex[:24]}",
        "object": "charge",
        "payment_intent": payment_intent,
        "amount": amount,
        "amount_refunded": refunded,
        "currency": currency.lower(),
        "refunded": refunded == amount,
    }


def event(event_type: str, obj: dict[str, Any], *, livemode: bool = False) -> dict[str, Any]:
    return {
        "id": f"evt_{uuid.uuid4().hex[:24]}",
        "object": "event",
        "type": event_type,
        "created": int(time.time()),
        "livemode": livemode,
        "data": {"object": obj},
    }


def sign(payload: str, secret: str = STRIPE_WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    return str(stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp))


def deliver(
    webhook: FunctionContainer,
    body: dict[str, Any] | str,
    *,
    signature: str | None = None,
    base64_body: bool = False,
    live: Live | None = None,
) -> dict[str, Any]:
    """POST the event to the webhook Lambda; `live` remembers its id for cleanup."""
    payload = body if isinstance(body, str) else json.dumps(body)
    if live is not None and isinstance(body, dict):
        live.events.append(body["id"])
    headers = {"content-type": "application/json"}
    header = sign(payload) if signature is None else signature
    if header:
        headers["stripe-signature"] = header
    api_event = http_api_event(
        "POST", WEBHOOK_PATH, headers=headers, body=payload, base64_body=base64_body
    )
    response: dict[str, Any] = webhook.invoke(api_event)
    return response


async def placed_order(
    live: Live, lines: list[tuple[Any, int]], client: httpx.AsyncClient | None = None
) -> Order:
    """An order placed through POST /checkout (committed, stock held, session created)."""
    async with api_client(live.app()) as fresh:
        response = await (client or fresh).post(
            "/api/v1/checkout",
            json={"items": [{"product_id": str(p.id), "quantity": q} for p, q in lines]},
            headers={"Idempotency-Key": f"order-{uuid.uuid4()}"},
        )
    assert response.status_code == 200, response.text
    return await live.order(response.json()["order_id"])


async def released_order(
    live: Live, webhook: FunctionContainer, stock: int
) -> tuple[Any, Any, Order]:
    """A seller, their product and an order for all its stock whose hold an expired event gave
    back, while its Stripe session is still open at the emulator (a payment can still arrive)."""
    seller, product = await live.seller_with_product(stock=stock)
    order = await placed_order(live, [(product, stock)])
    assert order.stripe_session_id is not None
    deliver(webhook, event("checkout.session.expired", session_object(order)), live=live)
    return seller, product, order
