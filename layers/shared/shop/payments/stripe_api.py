"""The Stripe calls Facet makes, through Stripe's own library (`stripe.StripeClient`).

The same code talks to api.stripe.com or, with STRIPE_API_BASE, to the local emulator. Calls
are blocking (the library's sync path with a bounded timeout) and run in a worker thread.
"""

from __future__ import annotations

import asyncio
import functools
import json
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from shop.config import Settings, stripe_key_allowed
from shop.exceptions import ShopError
from shop.observability import get_logger

if TYPE_CHECKING:
    from stripe import StripeClient

    from shop.models import Order, OrderItem


class PaymentProviderError(ShopError):
    """Stripe refused or could not be reached; its own words go to the log only."""

    status_code = 502
    code = "payment_provider_error"

    def __init__(self) -> None:
        super().__init__("The payment provider could not be reached; please try again")


class StripeKeyRefused(ShopError):
    status_code = 500
    code = "stripe_key_refused"


@dataclass(frozen=True, slots=True)
class StripeKeys:
    secret_key: str
    webhook_secret: str


@dataclass(frozen=True, slots=True)
class CheckoutSession:
    id: str
    url: str


def order_metadata(order_id: str) -> dict[str, str]:
    """The only metadata Facet sends (PAY-05): an opaque order id, nothing personal."""
    return {"order_id": order_id}


def stripe_keys(settings: Settings) -> StripeKeys:
    """The keys, read once per container: from STRIPE_SECRET_ARN when set, else the settings.
    A live key outside production is refused (PAY-07)."""
    return _stripe_keys(settings.stripe_secret_arn, settings)


@functools.cache
def _stripe_keys_from_secret(arn: str) -> StripeKeys:
    # Imported here: boto3 costs ~0.5 s of cold start and only deployed containers need it.
    from aws_lambda_powertools.utilities import parameters

    secret = json.loads(str(parameters.get_secret(arn)))
    return StripeKeys(secret["STRIPE_SECRET_KEY"], secret["STRIPE_WEBHOOK_SECRET"])


def _stripe_keys(arn: str | None, settings: Settings) -> StripeKeys:
    if arn is not None:
        keys = _stripe_keys_from_secret(arn)
    else:
        keys = StripeKeys(
            settings.stripe_secret_key.get_secret_value(),
            settings.stripe_webhook_secret.get_secret_value(),
        )
    if not stripe_key_allowed(settings, keys.secret_key):
        raise StripeKeyRefused("A live Stripe key is configured outside production")
    return keys


class StripeGateway:
    """One per container (see `get_gateway`): the StripeClient keeps its HTTP connections."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._client: StripeClient | None = None
        self._lock = threading.Lock()

    def _stripe(self) -> StripeClient:
        with self._lock:
            if self._client is None:
                import stripe

                settings = self._settings
                bases: dict[str, str] = {}
                if settings.stripe_api_base:
                    bases = {"api": settings.stripe_api_base.rstrip("/")}
                self._client = stripe.StripeClient(
                    stripe_keys(settings).secret_key,
                    base_addresses=bases,  # type: ignore[arg-type]
                    max_network_retries=settings.stripe_max_network_retries,
                    http_client=stripe.RequestsClient(timeout=settings.stripe_timeout_seconds),
                )
            return self._client

    async def create_checkout_session(
        self, order: Order, items: list[OrderItem], customer_email: str | None
    ) -> CheckoutSession:
        """Idempotent per order: a retry (or a concurrent twin) gets the same Session."""
        settings = self._settings
        base = settings.public_base_url.rstrip("/")
        order_id = str(order.id)
        # Derived from the order, not from now: a retry must send identical parameters.
        expires_at = order.created_at + timedelta(seconds=settings.checkout_session_ttl_seconds)
        params: dict[str, Any] = {
            "mode": "payment",
            "line_items": [
                {
                    "quantity": item.quantity,
                    "price_data": {
                        "currency": order.currency.lower(),
                        "unit_amount": item.unit_price_cents,
                        "product_data": {"name": item.product_name},
                    },
                }
                for item in items
            ],
            "client_reference_id": order_id,
            "metadata": order_metadata(order_id),
            # Refund events carry the PaymentIntent, which leads back to the order.
            "payment_intent_data": {"metadata": order_metadata(order_id)},
            "expires_at": int(expires_at.timestamp()),
            "shipping_address_collection": {
                "allowed_countries": list(settings.checkout_shipping_countries)
            },
            "success_url": f"{base}/orders/{order_id}?checkout=success",
            "cancel_url": f"{base}/cart?checkout=cancelled",
        }
        if customer_email:
            params["customer_email"] = customer_email
        session = await self._call(
            "checkout_session_create",
            lambda c: c.v1.checkout.sessions.create(
                params,  # type: ignore[arg-type]
                {"idempotency_key": f"checkout:{order_id}"},
            ),
        )
        return CheckoutSession(id=str(session["id"]), url=str(session["url"]))

    async def expire_session(self, session_id: str) -> None:
        """Ask Stripe to end a session whose hold is gone; one already ended is fine."""
        await self._call(
            "checkout_session_expire",
            lambda c: c.v1.checkout.sessions.expire(session_id),
            refused_ok=True,
        )

    async def refund(self, order_id: str, payment_intent: str) -> str:
        """Refund the whole payment, idempotent per order (INV-05); the refund id."""
        refund = await self._call(
            "refund_create",
            lambda c: c.v1.refunds.create(
                {"payment_intent": payment_intent, "metadata": order_metadata(order_id)},
                {"idempotency_key": f"refund:{order_id}"},
            ),
        )
        return str(refund["id"])

    async def has_refund(self, payment_intent: str) -> bool:
        """Whether any refund of this PaymentIntent exists, such as the one an earlier attempt
        at the same event asked for before its transaction failed (INV-05)."""
        page = await self._call(
            "refund_list",
            lambda c: c.v1.refunds.list({"payment_intent": payment_intent, "limit": 1}),
        )
        return bool(page.data)

    async def payment_intent_order_id(self, payment_intent: str) -> str | None:
        """The order a PaymentIntent belongs to (its metadata), for refunds that arrive before
        the completed event told us the PaymentIntent."""
        intent = await self._call(
            "payment_intent_retrieve",
            lambda c: c.v1.payment_intents.retrieve(payment_intent),
            refused_ok=True,
        )
        if intent is None:  # not one of ours (another integration on the account)
            return None
        order_id = (intent.to_dict().get("metadata") or {}).get("order_id")
        return str(order_id) if order_id else None

    async def undelivered_events(
        self, since: datetime, types: Sequence[str]
    ) -> list[dict[str, Any]]:
        """Events of these types created since `since` that Stripe has not delivered to every
        endpoint, still retrying or given up on (WH-09), oldest first."""

        def list_all(client: StripeClient) -> list[dict[str, Any]]:
            page = client.v1.events.list(
                {
                    "delivery_success": False,
                    "created": {"gte": int(since.timestamp())},
                    "types": list(types),
                    "limit": 100,
                }
            )
            return [event.to_dict() for event in page.auto_paging_iter()]

        newest_first: list[dict[str, Any]] = await self._call("events_list", list_all)
        return newest_first[::-1]  # Stripe lists newest first

    async def _call(
        self, operation: str, call: Callable[[StripeClient], Any], *, refused_ok: bool = False
    ) -> Any:
        """The call's result; None when Stripe refused the request itself (4xx: unknown object,
        session already ended) and `refused_ok`. Anything else is PaymentProviderError."""
        import stripe

        client = self._stripe()
        try:
            return await asyncio.to_thread(call, client)
        except stripe.InvalidRequestError:
            if not refused_ok:
                raise PaymentProviderError() from None
            get_logger().info(
                "stripe refused", extra={"event": "stripe_refused", "operation": operation}
            )
            return None
        except stripe.StripeError as exc:
            get_logger().error(
                "stripe call failed",
                extra={
                    "event": "stripe_call_failed",
                    "operation": operation,
                    "error_type": type(exc).__name__,
                    "stripe_code": exc.code,
                    "http_status": exc.http_status,
                },
            )
            raise PaymentProviderError() from exc


def get_gateway(settings: Settings) -> StripeGateway:
    """One gateway per Settings object (Settings holds lists, so it cannot be a cache key)."""
    cached = _gateways.get(id(settings))
    if cached is None:
        cached = _gateways[id(settings)] = (settings, StripeGateway(settings))
    return cached[1]


_gateways: dict[int, tuple[Settings, StripeGateway]] = {}
