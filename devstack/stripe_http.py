"""The Stripe emulator's HTTP side: Stripe-shaped errors, the request handler (API calls and the
pay page's form) and the pay page itself."""

from __future__ import annotations

import html
import json
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from devstack.stripe_forms import decode_form

if TYPE_CHECKING:
    from devstack.stripe_emulator import StripeEmulator


class ApiError(Exception):
    def __init__(self, status: int, kind: str, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status, self.kind, self.code = status, kind, code

    def body(self) -> dict[str, Any]:
        return {"error": {"type": self.kind, "message": str(self), "code": self.code}}


def pay_page_html(session: dict[str, Any]) -> str:
    total = f"{session['amount_total'] / 100:.2f} {session['currency'].upper()}"
    rows = "".join(
        f"<li>{int(line['quantity'])} x {html.escape(line['price_data']['product_data']['name'])}"
        "</li>"
        for line in session["line_items"]
    )
    action = f"/pay/{html.escape(session['id'])}"
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Stripe emulator'
        f"</title></head><body><h1>Pay {total}</h1><ul>{rows}</ul>"
        f'<form method="post" action="{action}"><p><label>Email <input name="email" '
        f'value="{html.escape(session.get("customer_email") or "buyer@example.com")}"></label>'
        '</p><p><label>Name <input name="name" value="Demo Buyer"></label></p>'
        '<p><label>Street <input name="line1" value="1 Demo Street"></label></p>'
        '<p><label>City <input name="city" value="Berlin"></label></p>'
        '<p><button name="action" value="pay">Pay</button> '
        '<button name="action" value="cancel">Cancel</button></p></form></body></html>'
    )


def return_url(session: dict[str, Any], *, cancelled: bool) -> str | None:
    """Where Checkout sends the shopper after the pay page (Stripe fills the template in
    success_url only)."""
    if cancelled:
        cancel_url: str | None = session.get("cancel_url")
        return cancel_url
    success_url: str | None = session.get("success_url")
    return success_url.replace("{CHECKOUT_SESSION_ID}", session["id"]) if success_url else None


def handler_for(emulator: StripeEmulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            return  # the app's log is what matters; tests read emulator.calls

        def do_GET(self) -> None:
            self._dispatch("GET")

        def do_POST(self) -> None:
            self._dispatch("POST")

        def _dispatch(self, method: str) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode() if length else ""
            path, _, query = self.path.partition("?")
            if path.startswith("/pay/"):
                self._pay_page(method, path.removeprefix("/pay/"), body)
                return
            if emulator.api_key and self.headers.get("Authorization") != (
                f"Bearer {emulator.api_key}"
            ):
                self._json(401, ApiError(401, "invalid_request_error", "Invalid API Key").body())
                return
            params = decode_form(body if method == "POST" else query)
            try:
                result = emulator.api(method, path, params, self.headers.get("Idempotency-Key"))
            except ApiError as exc:
                self._json(exc.status, exc.body())
                return
            self._json(200, result)

        def _pay_page(self, method: str, session_id: str, body: str) -> None:
            try:
                if method == "GET":
                    self._html(200, emulator.pay_page(session_id))
                    return
                form = dict(parse_qsl(body))
                cancelled = form.get("action") == "cancel"
                if cancelled:
                    emulator.cancel(session_id)
                else:
                    emulator.pay(session_id, form)
                emulator.wait_for_deliveries()
                # Like Checkout: back to the shop only once the webhook has been told.
                target = return_url(emulator.session(session_id), cancelled=cancelled)
                if target is None:
                    self._html(200, "<!DOCTYPE html><p>Done: the shop was notified.</p>")
                    return
                self.send_response(303)
                self.send_header("Location", target)
                self.send_header("Content-Length", "0")
                self.end_headers()
            except (ApiError, TimeoutError) as exc:
                self._html(400, f"<!DOCTYPE html><p>{html.escape(str(exc))}</p>")

        def _json(self, status: int, body: Any) -> None:
            self._send(status, "application/json", json.dumps(body).encode())

        def _html(self, status: int, page: str) -> None:
            self._send(status, "text/html; charset=utf-8", page.encode())

        def _send(self, status: int, content_type: str, data: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler
