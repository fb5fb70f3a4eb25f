"""PAY-01 as a property: for any cart, the Checkout Session Stripe receives charges exactly the
database prices times the quantities, and that sum is the order's total."""

from __future__ import annotations

import uuid

import httpx
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncSession

from devstack.stripe_emulator import StripeEmulator
from shop.config import Settings
from shop.models import Order
from tests.catalog.factories import make_account, make_product
from tests.catalog.test_list_properties import rolled_back

examples = hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
Line = tuple[int, int]  # (unit price in cents, quantity)


@examples
@given(cart=st.lists(st.tuples(st.integers(1, 10**7), st.integers(1, 100)), min_size=1, max_size=6))
async def test_pay_01_session_line_items_are_database_prices_and_sum_to_the_order_total(
    client: httpx.AsyncClient,
    session: AsyncSession,
    settings: Settings,
    stripe_emulator: StripeEmulator,
    cart: list[Line],
) -> None:
    async with rolled_back(session):
        seller = await make_account(session, settings)
        products = [
            await make_product(session, seller, price_cents=price, stock=100) for price, _ in cart
        ]
        response = await client.post(
            "/api/v1/checkout",
            json={
                "items": [
                    {"product_id": str(p.id), "quantity": q}
                    for p, (_, q) in zip(products, cart, strict=True)
                ]
            },
            headers={"Idempotency-Key": f"property-{uuid.uuid4()}"},
        )
        assert response.status_code == 200, response.text
        order = await session.get(Order, uuid.UUID(response.json()["order_id"]))
        assert order is not None
        [created] = [
            c for c in stripe_emulator.calls if c.params.get("client_reference_id") == str(order.id)
        ]
        charged = sorted(
            (int(i["price_data"]["unit_amount"]), int(i["quantity"]))
            for i in created.params["line_items"]
        )

        assert charged == sorted(cart)
        assert order.amount_total == sum(price * quantity for price, quantity in cart)
