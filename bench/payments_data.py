"""The `payments` data set and its local services: a seller with well-stocked products, each in
two categories (as in a real shop: the payment adds to every category's rollup), pending orders
holding stock for the webhook scenarios, and the in-repo Stripe emulator.

Seeded first in the registry: it points STRIPE_API_BASE at the emulator, then drops the cached
settings so that every handler imported afterwards reads them. The webhook's mails stay in the
outbox table (in AWS the mailer function sends them, off the webhook's response path).
"""

from __future__ import annotations

import atexit
import json
import os
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import NullPool, insert
from sqlalchemy.ext.asyncio import create_async_engine

from bench.database import BenchContext
from devstack.stripe_emulator import StripeEmulator
from tests.helpers.lambda_events import http_api_event

SELLER_ID = uuid.UUID("00000000-0000-4000-8000-0000000c0001")
PRODUCTS = 20
CATEGORIES = ("bench-rings", "bench-gold")  # every product is in both
STOCK = 10**6
PRICE_CENTS = 12_500
PENDING_ORDERS = 5_000  # one per webhook call (warm-up + calls, with room for --calls)
WEBHOOK_SECRET = "whsec_bench_emulator"
API_KEY = "sk_test_bench_emulator"


def product_id(index: int) -> uuid.UUID:
    return uuid.uuid5(SELLER_ID, f"product-{index}")


def category_id(slug: str) -> uuid.UUID:
    return uuid.uuid5(SELLER_ID, f"category-{slug}")


def order_id(index: int) -> uuid.UUID:
    return uuid.uuid5(SELLER_ID, f"order-{index}")


def _start_services() -> None:
    # Nothing here calls the webhook: the checkout scenario only creates sessions.
    emulator = StripeEmulator(WEBHOOK_SECRET, lambda payload, signature: 200, api_key=API_KEY)
    emulator.__enter__()
    atexit.register(emulator.__exit__, None, None, None)
    os.environ.update(
        STRIPE_API_BASE=emulator.url,
        STRIPE_SECRET_KEY=API_KEY,
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
    )
    from shop.auth.keys import ensure_local_keyset_file
    from shop.config import get_settings

    # Alembic's env read the settings while migrating; the handlers, imported later, must see
    # these services (DATABASE_URL is unchanged).
    get_settings.cache_clear()
    # POST /checkout reads the (optional) session cookie with the local keyset: on a fresh
    # checkout, where no other scenario made the key file, it must exist too.
    settings = get_settings()
    ensure_local_keyset_file(settings.jwt_keys_file, settings.jwt_algorithm)


async def seed(context: BenchContext) -> None:
    from shop.models import Category, Order, OrderItem, Product, ProductCategory, User

    _start_services()
    now = datetime.now(UTC)
    engine = create_async_engine(context.database_url, poolclass=NullPool)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                insert(User).values(
                    id=SELLER_ID,
                    email="bench.seller@example.com",
                    password_hash="!unusable",
                    role="seller",
                    display_name="Bench Seller",
                    verified_at=now,
                )
            )
            await conn.execute(
                insert(Product),
                [
                    {
                        "id": product_id(i),
                        "seller_id": SELLER_ID,
                        "name": f"Bench ring {i}",
                        "material": "gold",
                        "price_cents": PRICE_CENTS,
                        "currency": "EUR",
                        "stock": STOCK,
                        "status": "active",
                    }
                    for i in range(PRODUCTS)
                ],
            )
            await conn.execute(
                insert(Category),
                [{"id": category_id(slug), "name": slug, "slug": slug} for slug in CATEGORIES],
            )
            await conn.execute(
                insert(ProductCategory),
                [
                    {"product_id": product_id(i), "category_id": category_id(slug)}
                    for i in range(PRODUCTS)
                    for slug in CATEGORIES
                ],
            )
            await conn.execute(
                insert(Order),
                [
                    {
                        "id": order_id(i),
                        "email": f"bench.buyer{i}@example.com",
                        "status": "pending",
                        "amount_total": PRICE_CENTS,
                        "currency": "EUR",
                        "stock_held": True,
                        "reserved_until": now + timedelta(hours=12),
                        "stripe_session_id": f"cs_test_bench_{i}",
                        "created_at": now,
                    }
                    for i in range(PENDING_ORDERS)
                ],
            )
            await conn.execute(
                insert(OrderItem),
                [
                    {
                        "order_id": order_id(i),
                        "product_id": product_id(i % PRODUCTS),
                        "seller_id": SELLER_ID,
                        "product_name": f"Bench ring {i % PRODUCTS}",
                        "unit_price_cents": PRICE_CENTS,
                        "quantity": 1,
                    }
                    for i in range(PENDING_ORDERS)
                ],
            )
    finally:
        await engine.dispose()


def checkout_event(index: int, origin: str) -> dict[str, Any]:
    """A guest cart of two products (a new Idempotency-Key per call)."""
    lines = [product_id(index % PRODUCTS), product_id((index + 7) % PRODUCTS)]
    return http_api_event(
        "POST",
        "/api/v1/checkout",
        headers={"origin": origin, "idempotency-key": f"bench-{index}-{uuid.uuid4()}"},
        body={"items": [{"product_id": str(p), "quantity": 1} for p in lines]},
    )


# Pending orders [0, EXPIRED_FROM) are paid by the completed scenario, the rest expire.
EXPIRED_FROM = PENDING_ORDERS // 2


def completed_event(index: int) -> dict[str, Any]:
    """A signed checkout.session.completed (paid) for pending order `index`."""
    return _signed("checkout.session.completed", index)


def expired_event(index: int) -> dict[str, Any]:
    """A signed checkout.session.expired for another pending order (hold released, no mail)."""
    return _signed("checkout.session.expired", EXPIRED_FROM + index)


def _signed(event_type: str, index: int) -> dict[str, Any]:
    import stripe

    order = order_id(index)
    address = {"line1": "1 Bench Road", "city": "Berlin", "postal_code": "10115", "country": "DE"}
    event = {
        "id": f"evt_bench_{index}_{uuid.uuid4().hex[:8]}",
        "object": "event",
        "type": event_type,
        "livemode": False,
        "data": {
            "object": {
                "id": f"cs_test_bench_{index}",
                "object": "checkout.session",
                "client_reference_id": str(order),
                "metadata": {"order_id": str(order)},
                "amount_total": PRICE_CENTS,
                "currency": "eur",
                "payment_status": "paid",
                "payment_intent": f"pi_bench_{index}",
                "customer_details": {"email": f"bench.buyer{index}@example.com"},
                "collected_information": {
                    "shipping_details": {"name": "Bench Buyer", "address": address}
                },
            }
        },
    }
    payload = json.dumps(event)
    signature = stripe.WebhookSignature.generate_signature_header(payload, WEBHOOK_SECRET)
    return http_api_event(
        "POST",
        "/api/v1/webhooks/stripe",
        headers={"content-type": "application/json", "stripe-signature": signature},
        body=payload,
    )


_client: Any = None


def stripe_roundtrip(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Bench-only handler: just the Checkout Session create that POST /checkout makes (same
    library, client options and a like payload), i.e. Stripe's share of a checkout here."""
    global _client
    import stripe

    from shop.config import get_settings

    if _client is None:
        settings = get_settings()
        _client = stripe.StripeClient(
            API_KEY,
            base_addresses={"api": str(settings.stripe_api_base)},
            http_client=stripe.RequestsClient(timeout=settings.stripe_timeout_seconds),
        )
    item = {
        "quantity": 1,
        "price_data": {
            "currency": "eur",
            "unit_amount": PRICE_CENTS,
            "product_data": {"name": "Bench ring"},
        },
    }
    _client.v1.checkout.sessions.create(
        {
            "mode": "payment",
            "line_items": [item, item],
            "client_reference_id": str(uuid.uuid4()),
            "metadata": {"order_id": str(uuid.uuid4())},
            "expires_at": int((datetime.now(UTC) + timedelta(minutes=31)).timestamp()),
            "shipping_address_collection": {"allowed_countries": ["DE"]},
            "success_url": "https://shop.bench.test/ok",
            "cancel_url": "https://shop.bench.test/cart",
        },
        {"idempotency_key": f"bench:{uuid.uuid4()}"},
    )
    return {"statusCode": 200}
