"""A shopper's whole path offline: checkout, the emulator's pay page, Stripe's signed webhook
to the webhook Lambda, the paid order in the buyer's list, and the mails in SES."""

from __future__ import annotations

import re
import uuid

import httpx

from devstack.stripe_emulator import StripeEmulator
from tests.catalog.factories import log_in
from tests.conftest import api_client
from tests.helpers.live import Live
from tests.helpers.mailbox import OrderMail


async def test_checkout_pay_page_webhook_paid_order_and_mails(
    live: Live, stripe_emulator: StripeEmulator, order_mail: OrderMail
) -> None:
    seller, brooch = await live.seller_with_product(
        name="Silver brooch", stock=2, price_cents=6_400
    )
    buyer = await live.customer()

    async with api_client(live.app()) as shop:
        await log_in(shop, buyer)
        started = await shop.post(
            "/api/v1/checkout",
            json={"items": [{"product_id": str(brooch.id), "quantity": 2}]},
            headers={"Idempotency-Key": f"e2e-{uuid.uuid4()}"},
        )
        checkout_url = started.json()["checkout_url"]
        async with httpx.AsyncClient() as browser:
            page = await browser.get(checkout_url)
            action = re.search(r'<form method="post" action="([^"]+)"', page.text)
            assert action is not None
            paid = await browser.post(
                f"{stripe_emulator.url}{action.group(1)}",
                data={"action": "pay", "name": "Ada Lovelace", "line1": "12 St James's Square"},
            )
        orders = await shop.get("/api/v1/orders")

    assert started.status_code == 200
    assert "Pay 128.00 EUR" in page.text
    assert paid.status_code == 303, paid.text
    assert paid.headers["location"] == (
        f"{live.settings.public_base_url.rstrip('/')}/orders/{started.json()['order_id']}?checkout=success"
    )
    [order] = orders.json()["items"]
    assert order["id"] == started.json()["order_id"]
    assert (order["status"], order["amount_total"], order["email"]) == ("paid", 12_800, buyer.email)
    assert order["shipping_name"] == "Ada Lovelace"
    assert order["shipping_address"]["line1"] == "12 St James's Square"
    assert await live.stock(brooch) == 0
    [confirmation] = order_mail(buyer.email)
    assert "Silver brooch" in confirmation["body"]
    assert "128.00 EUR" in confirmation["body"]
    [to_seller] = order_mail(seller.email)
    assert "12 St James&#x27;s Square" in to_seller["body"]
