"""Stripe webhook events: verified on the raw body, recorded in the inbox and applied to the
order in one transaction, so any number of repeats, in any order, has one effect."""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from shop.clock import utcnow
from shop.config import Settings
from shop.db.engine import Database
from shop.db.session import retrying, unit_of_work
from shop.exceptions import ShopError
from shop.mail import outbox
from shop.mail.outbox import Outgoing
from shop.models import Order
from shop.observability import get_logger
from shop.orders import notifications
from shop.orders import service as orders_service
from shop.payments.repository import PaymentRepository
from shop.payments.stripe_api import PaymentProviderError, StripeGateway, get_gateway, stripe_keys

PAID_STATUSES = ("paid", "no_payment_required")


class InvalidWebhook(ShopError):
    """Bad or missing signature, stale timestamp, or not an event: nothing is written."""

    code = "invalid_signature"


@dataclass(frozen=True, slots=True)
class WebhookResult:
    status_code: int
    body: dict[str, Any]


@dataclass(slots=True)
class _Context:
    session: AsyncSession
    settings: Settings
    gateway: StripeGateway
    now: datetime
    mails: list[Outgoing] = field(default_factory=list)


_Handler = Callable[[_Context, Order, dict[str, Any]], Awaitable[None]]


def verify(settings: Settings, payload: bytes, signature: str | None) -> dict[str, Any]:
    """The event, if `Stripe-Signature` signs these exact bytes within the tolerance (WH-01);
    any v1 signature in the header may match, so a secret can be rolled (WH-02)."""
    import stripe

    if not signature:
        raise InvalidWebhook("Missing Stripe-Signature header")
    try:
        text = payload.decode("utf-8")
        stripe.Webhook.construct_event(
            text,
            signature,
            stripe_keys(settings).webhook_secret,
            tolerance=settings.stripe_webhook_tolerance_seconds,
        )
        event = json.loads(text)
    except (stripe.SignatureVerificationError, ValueError) as exc:
        raise InvalidWebhook("The signature does not match this payload") from exc
    if not (
        isinstance(event, dict)
        and isinstance(event.get("id"), str)
        and isinstance(event.get("type"), str)
        and isinstance(event.get("data", {}).get("object"), dict)
    ):
        raise InvalidWebhook("Not a Stripe event")
    return event


async def handle(
    payload: bytes,
    signature: str | None,
    *,
    settings: Settings,
    database: Database | None = None,
    now: datetime | None = None,
) -> WebhookResult:
    """Verify, dedupe and apply one delivery. 400: bad signature; 503: try again later (the
    database or Stripe failed, nothing was recorded); 200 otherwise."""
    try:
        event = verify(settings, payload, signature)
    except InvalidWebhook as exc:
        get_logger().warning("webhook refused", extra={"event": "webhook_invalid_signature"})
        return WebhookResult(400, {"error": exc.code, "detail": exc.message})
    return await process(event, settings=settings, database=database, now=now)


async def process(
    event: dict[str, Any],
    *,
    settings: Settings,
    database: Database | None = None,
    now: datetime | None = None,
) -> WebhookResult:
    """Dedupe and apply an authentic event: a verified delivery, or one read from Stripe's API
    by the reconciliation (`shop.payments.reconcile`)."""
    log = {"stripe_event_id": event["id"], "stripe_event_type": event["type"]}
    if bool(event.get("livemode")) != (settings.environment == "production"):
        # WH-04: a test event never fulfils in production, a live one never outside it.
        get_logger().warning(
            "webhook livemode mismatch", extra={"event": "webhook_livemode", **log}
        )
        return WebhookResult(200, {"received": True, "applied": False})
    handler = _HANDLERS.get(event["type"])
    if handler is None:
        get_logger().info("webhook event ignored", extra={"event": "webhook_ignored", **log})
        return WebhookResult(200, {"received": True, "applied": False})
    try:
        at = now or utcnow()
        applied = await retrying(lambda: _apply(event, handler, settings, database, at))
    except (SQLAlchemyError, OSError, PaymentProviderError) as exc:
        # Rolled back, inbox row included: Stripe's retry gets a clean attempt (WH-08).
        get_logger().error(
            "webhook failed", extra={"event": "webhook_failed", "error": type(exc).__name__, **log}
        )
        return WebhookResult(503, {"error": "retry_later", "detail": "Please retry"})
    get_logger().info(
        "webhook processed", extra={"event": "webhook_processed", "applied": applied, **log}
    )
    return WebhookResult(200, {"received": True, "applied": applied})


async def _apply(
    event: dict[str, Any],
    handler: _Handler,
    settings: Settings,
    database: Database | None,
    now: datetime,
) -> bool:
    gateway = get_gateway(settings)
    obj: dict[str, Any] = event["data"]["object"]
    order_id = await _order_id(obj, settings, gateway, database)
    async with unit_of_work(database) as session:
        if not await PaymentRepository(session).record_event(event["id"], event["type"]):
            return False  # a repeat: already applied (WH-05)
        order = await orders_service.lock_order(session, order_id) if order_id else None
        if order is None:
            get_logger().warning(
                "webhook for an unknown order",
                extra={"event": "webhook_unknown_order", "stripe_event_id": event["id"]},
            )
            return True
        if _other_session(order, obj):
            get_logger().warning(
                "webhook session does not match the order",
                extra={"event": "webhook_session_mismatch", "stripe_event_id": event["id"]},
            )
            return True
        context = _Context(session, settings, gateway, now)
        # One UPDATE of the order at commit, not one per query that would autoflush it.
        with session.no_autoflush:
            await handler(context, order, obj)
        # The mails commit with the change they report; the mailer sends them (WH-08: no
        # call to SES or a queue before Stripe gets its answer).
        await outbox.enqueue(session, context.mails)
        return True


async def _order_id(
    obj: dict[str, Any], settings: Settings, gateway: StripeGateway, database: Database | None
) -> uuid.UUID | None:
    """Checkout events name the order; a charge names its PaymentIntent, which leads to the
    order through our table or, before the completed event arrived, its Stripe metadata."""
    if obj.get("object") == "checkout.session":
        raw = (obj.get("metadata") or {}).get("order_id") or obj.get("client_reference_id")
    else:
        intent = obj.get("payment_intent")
        if not isinstance(intent, str):
            return None
        async with unit_of_work(database) as session:
            known = await orders_service.order_id_for_payment_intent(session, intent)
        if known is not None:
            return known
        raw = await gateway.payment_intent_order_id(intent)
    try:
        return uuid.UUID(str(raw)) if raw else None
    except ValueError:
        return None


def _other_session(order: Order, obj: dict[str, Any]) -> bool:
    """A Checkout Session event naming this order but not the session it was given."""
    return (
        obj.get("object") == "checkout.session"
        and order.stripe_session_id is not None
        and obj.get("id") != order.stripe_session_id
    )


def _amount_matches(order: Order, obj: dict[str, Any]) -> bool:
    currency = str(obj.get("currency") or "").upper()
    return obj.get("amount_total") == order.amount_total and currency == order.currency


async def _completed(ctx: _Context, order: Order, obj: dict[str, Any]) -> None:
    orders_service.attach_checkout(order, obj, ctx.now)
    if not _amount_matches(order, obj):
        orders_service.mark_needs_review(order, ctx.now)
    elif obj.get("payment_status") in PAID_STATUSES:
        await _fulfil(ctx, order)
    else:
        orders_service.mark_awaiting_payment(order, ctx.now)


async def _async_succeeded(ctx: _Context, order: Order, obj: dict[str, Any]) -> None:
    orders_service.attach_checkout(order, obj, ctx.now)
    if not _amount_matches(order, obj):
        orders_service.mark_needs_review(order, ctx.now)
    else:
        await _fulfil(ctx, order)


async def _expired(ctx: _Context, order: Order, obj: dict[str, Any]) -> None:
    await orders_service.release_hold(ctx.session, order, "expired", ctx.now)


async def _async_failed(ctx: _Context, order: Order, obj: dict[str, Any]) -> None:
    orders_service.attach_checkout(order, obj, ctx.now)
    if await orders_service.release_hold(ctx.session, order, "payment_failed", ctx.now):
        ctx.mails += notifications.payment_failed(order)


async def _refunded(ctx: _Context, order: Order, obj: dict[str, Any]) -> None:
    amount = obj.get("amount_refunded")
    if isinstance(amount, int):
        await orders_service.record_refund(ctx.session, order, amount, ctx.settings, ctx.now)


async def _fulfil(ctx: _Context, order: Order) -> None:
    items = await orders_service.items(ctx.session, order)
    intent = order.stripe_payment_intent_id

    async def refunded() -> bool:
        # Asked only for a late payment (its hold released): an earlier attempt at this event
        # may have refunded it before its commit failed; it stays refunded then.
        return intent is not None and await ctx.gateway.has_refund(intent)

    outcome = await orders_service.fulfil(
        ctx.session, order, items, ctx.settings, ctx.now, refunded=refunded
    )
    if outcome is orders_service.Fulfilment.PAID:
        ctx.mails += await notifications.paid(ctx.session, order, items)
    elif outcome is orders_service.Fulfilment.NEEDS_REFUND:
        # Inside the transaction on purpose: if the commit fails, Stripe's retry asks again
        # with the same idempotency key and gets the same refund (never two).
        assert order.stripe_payment_intent_id is not None
        await ctx.gateway.refund(str(order.id), order.stripe_payment_intent_id)
        ctx.mails += await notifications.refunded_unavailable(ctx.session, order, items)


# The event types Facet acts on (also what the reconciliation asks Stripe for).
_HANDLERS: dict[str, _Handler] = {
    "checkout.session.completed": _completed,
    "checkout.session.async_payment_succeeded": _async_succeeded,
    "checkout.session.async_payment_failed": _async_failed,
    "checkout.session.expired": _expired,
    "charge.refunded": _refunded,
}

HANDLED_TYPES = tuple(_HANDLERS)
