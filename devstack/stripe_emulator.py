"""A small Stripe for offline runs and tests: the API subset Facet calls, a pay page per Checkout
Session, and signed webhook events.

Nothing in a package registry emulates Checkout Sessions, so this keeps just what Facet needs:
`POST /v1/checkout/sessions` (form-encoded, Idempotency-Key replay and mismatch like Stripe),
`GET /v1/checkout/sessions/{id}`, `POST /v1/checkout/sessions/{id}/expire`, `POST` and
`GET /v1/refunds`, `GET /v1/payment_intents/{id}`, `GET /v1/events` (which ones the webhook did
not take, for the reconciliation) and `GET /pay/{id}` with Pay and Cancel buttons. Events are
signed with Stripe's own library and delivered in order from a background thread, as Stripe
delivers them: never inside the API call that caused them.
"""

from __future__ import annotations

import contextlib
import json
import queue
import secrets
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any

import stripe

from devstack.stripe_http import ApiError, handler_for, pay_page_html

HOST = "127.0.0.1"
DEFAULT_PORT = 12111  # stripe-mock's port
API_VERSION = "2025-10-29.clover"
MIN_EXPIRY_SECONDS = 1800  # Stripe: expires_at 30 minutes to 24 hours after creation
MAX_EXPIRY_SECONDS = 86_400
DELIVERY_TIMEOUT_SECONDS = 10.0

# (payload, Stripe-Signature header) -> the webhook's HTTP status.
Deliver = Callable[[bytes, str], int]


@dataclass
class Call:
    """One API request as received, for tests to inspect."""

    method: str
    path: str
    params: dict[str, Any]
    idempotency_key: str | None


@dataclass
class _State:
    sessions: dict[str, dict[str, Any]] = field(default_factory=dict)
    intents: dict[str, dict[str, Any]] = field(default_factory=dict)
    idempotent: dict[str, tuple[str, int, dict[str, Any]]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    deliveries: list[tuple[str, int]] = field(default_factory=list)  # (event type, status)
    refunds: list[dict[str, Any]] = field(default_factory=list)  # oldest first
    events: list[dict[str, Any]] = field(default_factory=list)  # every event, oldest first
    delivered: set[str] = field(default_factory=set)  # ids of events the endpoint took (2xx)


def http_deliverer(url: str) -> Deliver:
    """POST events to a webhook URL (the local gateway's /api/v1/webhooks/stripe)."""

    def deliver(payload: bytes, signature: str) -> int:
        request = urllib.request.Request(
            url,
            data=payload,
            method="POST",
            headers={"Content-Type": "application/json", "Stripe-Signature": signature},
        )
        try:
            with urllib.request.urlopen(request, timeout=DELIVERY_TIMEOUT_SECONDS) as response:
                return int(response.status)
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            return 0

    return deliver


class StripeEmulator:
    """`with StripeEmulator(secret, deliver) as stripe_emulator:` serves on `.url`."""

    def __init__(
        self,
        webhook_secret: str,
        deliver: Deliver,
        *,
        api_key: str | None = None,
        host: str = HOST,
        port: int = 0,
    ) -> None:
        self.webhook_secret = webhook_secret
        self.api_key = api_key
        self._deliver = deliver
        self._state = _State()
        self._lock = threading.RLock()
        self._outbox: queue.Queue[tuple[str, bytes] | None] = queue.Queue()
        self.failing = False  # tests: every API call answers 500, like a Stripe outage
        self._captured: list[tuple[str, bytes]] | None = None
        self._server = ThreadingHTTPServer((host, port), handler_for(self))
        self._server.daemon_threads = True
        self.url = f"http://{host}:{self._server.server_address[1]}"
        self._threads = [
            threading.Thread(target=self._server.serve_forever, daemon=True),
            threading.Thread(target=self._deliver_forever, daemon=True),
        ]

    def __enter__(self) -> StripeEmulator:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._outbox.put(None)
        self._server.shutdown()
        self._server.server_close()
        for thread in self._threads:
            thread.join(timeout=DELIVERY_TIMEOUT_SECONDS)

    # --- what tests read

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._state.calls)

    @property
    def deliveries(self) -> list[tuple[str, int]]:
        with self._lock:
            return list(self._state.deliveries)

    def session(self, session_id: str) -> dict[str, Any]:
        with self._lock:
            copied: dict[str, Any] = json.loads(json.dumps(self._state.sessions[session_id]))
            return copied

    def wait_for_deliveries(self, timeout: float = DELIVERY_TIMEOUT_SECONDS) -> None:
        """Block until every queued event was delivered (bounded)."""
        deadline = time.monotonic() + timeout
        while self._outbox.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)
        if self._outbox.unfinished_tasks:
            raise TimeoutError("webhook deliveries still pending")

    @contextlib.contextmanager
    def outage(self) -> Iterator[None]:
        self.failing = True
        try:
            yield
        finally:
            self.failing = False

    @contextlib.contextmanager
    def capture(self) -> Iterator[list[tuple[str, bytes]]]:
        """Keep events instead of delivering them, for tests that deliver them out of order."""
        captured: list[tuple[str, bytes]] = []
        with self._lock:
            self._captured = captured
        try:
            yield captured
        finally:
            with self._lock:
                self._captured = None

    def emit(self, event_type: str, obj: dict[str, Any]) -> None:
        """Send an event of any shape, as Stripe would (tests of what Facet does with one)."""
        with self._lock:
            self._emit(event_type, obj)

    # --- the pay page's buttons

    def pay(self, session_id: str, buyer: dict[str, str] | None = None) -> None:
        """Complete the session as paid, as the Pay button does (completed event queued)."""
        buyer = buyer or {}
        with self._lock:
            session = self._open_session(session_id)
            country = session["shipping_address_collection"]["allowed_countries"][0]
            address = {
                "line1": buyer.get("line1", "1 Demo Street"),
                "line2": None,
                "city": buyer.get("city", "Berlin"),
                "postal_code": buyer.get("postal_code", "10115"),
                "state": None,
                "country": buyer.get("country", country),
            }
            email = buyer.get("email") or session.get("customer_email") or "buyer@example.com"
            name = buyer.get("name", "Demo Buyer")
            intent_id = _new_id("pi")
            intent_metadata = (session.get("payment_intent_data") or {}).get("metadata") or {}
            self._state.intents[intent_id] = {
                "id": intent_id,
                "object": "payment_intent",
                "amount": session["amount_total"],
                "amount_refunded": 0,
                "currency": session["currency"],
                "metadata": intent_metadata,
                "latest_charge": _new_id("ch"),
                "status": "succeeded",
            }
            session.update(
                status="complete",
                payment_status="paid",
                payment_intent=intent_id,
                customer_details={"email": email, "name": name, "address": address},
                collected_information={"shipping_details": {"name": name, "address": address}},
            )
            self._emit("checkout.session.completed", session)

    def pay_page(self, session_id: str) -> str:
        with self._lock:
            return pay_page_html(self._open_session(session_id))

    def cancel(self, session_id: str) -> None:
        """End the session unpaid, as the Cancel button does (expired event queued)."""
        with self._lock:
            session = self._open_session(session_id)
            session["status"] = "expired"
            self._emit("checkout.session.expired", session)

    # --- API

    def api(self, method: str, path: str, params: dict[str, Any], key: str | None) -> Any:
        with self._lock:
            self._state.calls.append(Call(method, path, params, key))
            if self.failing:
                raise ApiError(500, "api_error", "Emulated Stripe outage")
            if key is not None and method == "POST":
                fingerprint = json.dumps([path, params], sort_keys=True)
                seen = self._state.idempotent.get(key)
                if seen is not None:
                    if seen[0] != fingerprint:
                        raise ApiError(
                            400,
                            "idempotency_error",
                            "Keys for idempotent requests can only be used with the same "
                            "parameters they were first used with.",
                        )
                    return seen[2]
                result = self._route(method, path, params)
                self._state.idempotent[key] = (fingerprint, 200, result)
                return result
            return self._route(method, path, params)

    def _route(self, method: str, path: str, params: dict[str, Any]) -> Any:
        parts = path.strip("/").split("/")
        match method, parts:
            case "POST", ["v1", "checkout", "sessions"]:
                return self._create_session(params)
            case "GET", ["v1", "checkout", "sessions", session_id]:
                return self._known_session(session_id)
            case "POST", ["v1", "checkout", "sessions", session_id, "expire"]:
                session = self._open_session(session_id)
                session["status"] = "expired"
                self._emit("checkout.session.expired", session)
                return session
            case "POST", ["v1", "refunds"]:
                return self._refund(params)
            case "GET", ["v1", "refunds"]:
                intent = params.get("payment_intent")
                refunds = [r for r in self._state.refunds[::-1] if r["payment_intent"] == intent]
                return _page("/v1/refunds", refunds, params)
            case "GET", ["v1", "events"]:
                return self._list_events(params)
            case "GET", ["v1", "payment_intents", intent_id]:
                intent = self._state.intents.get(intent_id)
                if intent is None:
                    raise ApiError(404, "invalid_request_error", "No such payment_intent")
                return intent
        raise ApiError(404, "invalid_request_error", f"Unrecognized request URL ({path})")

    def _create_session(self, params: dict[str, Any]) -> dict[str, Any]:
        now = int(time.time())
        expires_at = int(params.get("expires_at") or now + MAX_EXPIRY_SECONDS)
        if not MIN_EXPIRY_SECONDS <= expires_at - now <= MAX_EXPIRY_SECONDS:
            raise ApiError(
                400,
                "invalid_request_error",
                "The `expires_at` timestamp must be between 30 minutes and 24 hours from now.",
                "parameter_invalid_integer",
            )
        lines = params.get("line_items") or []
        currencies = {line["price_data"]["currency"] for line in lines}
        if not lines or len(currencies) != 1:
            raise ApiError(400, "invalid_request_error", "line_items need one currency")
        amount = sum(
            int(line["price_data"]["unit_amount"]) * int(line["quantity"]) for line in lines
        )
        session_id = _new_id("cs_test")
        session = {
            "id": session_id,
            "object": "checkout.session",
            "url": f"{self.url}/pay/{session_id}",
            "status": "open",
            "payment_status": "unpaid",
            "mode": params.get("mode", "payment"),
            "amount_subtotal": amount,
            "amount_total": amount,
            "currency": currencies.pop(),
            "client_reference_id": params.get("client_reference_id"),
            "metadata": params.get("metadata") or {},
            "payment_intent_data": params.get("payment_intent_data") or {},
            "customer_email": params.get("customer_email"),
            "customer_details": None,
            "collected_information": None,
            "payment_intent": None,
            "shipping_address_collection": params.get("shipping_address_collection")
            or {"allowed_countries": ["US"]},
            "line_items": lines,
            "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"),
            "expires_at": expires_at,
            "created": now,
            "livemode": False,
        }
        self._state.sessions[session_id] = session
        return session

    def _refund(self, params: dict[str, Any]) -> dict[str, Any]:
        intent = self._state.intents.get(str(params.get("payment_intent")))
        if intent is None:
            raise ApiError(404, "invalid_request_error", "No such payment_intent")
        left = intent["amount"] - intent["amount_refunded"]
        amount = int(params.get("amount") or left)
        if not 0 < amount <= left:
            raise ApiError(400, "invalid_request_error", "Refund amount exceeds the charge")
        intent["amount_refunded"] += amount
        charge = {
            "id": intent["latest_charge"],
            "object": "charge",
            "amount": intent["amount"],
            "amount_refunded": intent["amount_refunded"],
            "currency": intent["currency"],
            "payment_intent": intent["id"],
            "refunded": intent["amount_refunded"] == intent["amount"],
        }
        self._emit("charge.refunded", charge)
        refund = {
            "id": _new_id("re"),
            "object": "refund",
            "amount": amount,
            "currency": intent["currency"],
            "payment_intent": intent["id"],
            "metadata": params.get("metadata") or {},
            "status": "succeeded",
        }
        self._state.refunds.append(refund)
        return refund

    def _known_session(self, session_id: str) -> dict[str, Any]:
        session = self._state.sessions.get(session_id)
        if session is None:
            raise ApiError(404, "invalid_request_error", "No such checkout.session")
        if session["status"] == "open" and session["expires_at"] <= time.time():
            session["status"] = "expired"
        return session

    def _open_session(self, session_id: str) -> dict[str, Any]:
        session = self._known_session(session_id)
        if session["status"] != "open":
            raise ApiError(
                400, "invalid_request_error", f"This Checkout Session is {session['status']}."
            )
        return session

    # --- events

    def _emit(self, event_type: str, obj: dict[str, Any]) -> None:
        event = {
            "id": _new_id("evt"),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()),
            "livemode": False,
            "type": event_type,
            "data": {"object": json.loads(json.dumps(obj))},
        }
        self._state.events.append(event)
        payload = json.dumps(event).encode()
        if self._captured is not None:
            self._captured.append((event_type, payload))
        else:
            self._outbox.put((event_type, payload))

    def _list_events(self, params: dict[str, Any]) -> dict[str, Any]:
        """`GET /v1/events`, newest first, with the filters the reconciliation uses:
        `delivery_success`, `created[gte]`, `types[]`, and pages (`_page`)."""
        events = self._state.events[::-1]
        if "delivery_success" in params:
            wanted = str(params["delivery_success"]).lower() == "true"
            events = [e for e in events if (e["id"] in self._state.delivered) == wanted]
        if "gte" in (created := params.get("created") or {}):
            events = [e for e in events if e["created"] >= int(created["gte"])]
        if types := params.get("types"):
            events = [e for e in events if e["type"] in types]
        return _page("/v1/events", events, params)

    def _deliver_forever(self) -> None:
        while (item := self._outbox.get()) is not None:
            event_type, payload = item
            try:
                signature = stripe.WebhookSignature.generate_signature_header(
                    payload.decode(), self.webhook_secret
                )
                status = self._deliver(payload, signature)
                with self._lock:
                    self._state.deliveries.append((event_type, status))
                    if 200 <= status < 300:
                        self._state.delivered.add(json.loads(payload)["id"])
            finally:
                self._outbox.task_done()
        self._outbox.task_done()


def _page(url: str, items: list[dict[str, Any]], params: dict[str, Any]) -> dict[str, Any]:
    """One page of a Stripe list (newest first): `limit` items after `starting_after`."""
    if after := params.get("starting_after"):
        ids = [item["id"] for item in items]
        items = items[ids.index(after) + 1 :] if after in ids else []
    limit = int(params.get("limit", 10))
    return {
        "object": "list",
        "url": url,
        "has_more": len(items) > limit,
        "data": json.loads(json.dumps(items[:limit])),
    }


def _new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"
