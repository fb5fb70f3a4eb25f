"""The webhook Lambda believes only events Stripe signed over these exact bytes (WH-01, WH-02)
and only events of its own mode (WH-04); anything else is refused and writes nothing."""

from __future__ import annotations

import json
import time

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from devstack.lambda_runtime import FunctionContainer
from shop.config import Settings
from shop.models import StripeEvent
from shop.payments import service
from tests.helpers.lambda_events import json_body
from tests.helpers.live import Live
from tests.payments.events import deliver, event, placed_order, session_object, sign


async def _recorded(live: Live, event_id: str) -> bool:
    async with AsyncSession(live.engine) as session:
        return (
            await session.scalar(select(StripeEvent.id).where(StripeEvent.id == event_id))
            is not None
        )


@pytest.fixture
async def completed(live: Live) -> tuple[str, dict[str, object]]:
    """A signed-ready completed event for a fresh pending order, and the order id."""
    _, ring = await live.seller_with_product(stock=3)
    order = await placed_order(live, [(ring, 1)])
    return str(order.id), event("checkout.session.completed", session_object(order))


async def test_wh_01_a_valid_signature_is_applied_plain_and_base64(
    live: Live, stripe_webhook: FunctionContainer, completed: tuple[str, dict[str, object]]
) -> None:
    order_id, paid = completed
    other = event("checkout.session.expired", {"object": "checkout.session", "metadata": {}})

    plain = deliver(stripe_webhook, paid, live=live)
    encoded = deliver(stripe_webhook, other, base64_body=True, live=live)

    assert plain["statusCode"] == encoded["statusCode"] == 200
    assert json_body(plain) == {"received": True, "applied": True}
    assert (await live.order(order_id)).status == "paid"
    assert await _recorded(live, str(other["id"]))


@pytest.mark.parametrize(
    "case", ["tampered body", "stale timestamp", "missing header", "wrong secret", "garbage"]
)
async def test_wh_01_a_bad_signature_is_400_and_nothing_is_written(
    live: Live,
    stripe_webhook: FunctionContainer,
    completed: tuple[str, dict[str, object]],
    case: str,
) -> None:
    order_id, paid = completed
    payload = json.dumps(paid)
    signature = {
        "tampered body": sign(payload),
        "stale timestamp": sign(payload, timestamp=int(time.time()) - 301),
        "missing header": "",
        "wrong secret": sign(payload, secret="whsec_someone_else"),
        "garbage": "t=abc,v1=zzz",
    }[case]
    if case == "tampered body":
        payload = payload.replace('"paid"', '"paid" ', 1)

    response = deliver(stripe_webhook, payload, signature=signature)

    assert response["statusCode"] == 400
    assert json_body(response)["error"] == "invalid_signature"
    assert not await _recorded(live, str(paid["id"]))
    assert (await live.order(order_id)).status == "pending"


async def test_wh_02_a_header_with_two_v1_signatures_one_valid_is_accepted(
    live: Live, stripe_webhook: FunctionContainer, completed: tuple[str, dict[str, object]]
) -> None:
    order_id, paid = completed
    payload = json.dumps(paid)
    old = sign(payload, secret="whsec_previous_secret")
    new = sign(payload)
    rolled = f"{old},v1={new.split('v1=')[1]}"

    response = deliver(stripe_webhook, payload, signature=rolled, live=live)

    assert response["statusCode"] == 200
    assert (await live.order(order_id)).status == "paid"


async def test_wh_04_an_event_of_the_other_mode_is_a_logged_no_op(
    live: Live, settings: Settings, completed: tuple[str, dict[str, object]]
) -> None:
    order_id, paid = completed
    live_event = paid | {"livemode": True}
    payload = json.dumps(live_event)
    production = settings.model_copy(update={"environment": "production"})

    in_test = await service.handle(payload.encode(), sign(payload), settings=settings)
    test_in_prod = await service.handle(
        json.dumps(paid).encode(), sign(json.dumps(paid)), settings=production
    )

    assert in_test.status_code == test_in_prod.status_code == 200
    assert in_test.body == test_in_prod.body == {"received": True, "applied": False}
    assert (await live.order(order_id)).status == "pending"
    assert not await _recorded(live, str(paid["id"]))


async def test_an_unknown_event_type_is_200_and_changes_nothing(
    live: Live, stripe_webhook: FunctionContainer
) -> None:
    unknown = event("customer.created", {"object": "customer", "id": "cus_1"})

    response = deliver(stripe_webhook, unknown)

    assert response["statusCode"] == 200
    assert json_body(response) == {"received": True, "applied": False}
    assert not await _recorded(live, str(unknown["id"]))
