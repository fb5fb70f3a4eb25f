"""`make run`'s Stripe: the emulator unless a real test key is set; and the scheduled functions
(the reservation sweeper, the mailer) on timers, as EventBridge runs them in AWS."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from devstack.lambda_runtime import SCHEDULED_EVENT, FunctionContainer
from devstack.postgres import port_open
from devstack.stripe_emulator import DEFAULT_PORT, HOST, StripeEmulator, http_deliverer

# Local only (refused by Settings when deployed): the emulator checks the key, the webhook the
# signature, as with real Stripe.
EMULATOR_API_KEY = "sk_test_facet_local_emulator"
EMULATOR_WEBHOOK_SECRET = "whsec_facet_local_emulator"
SWEEPER = "functions.reservation_sweeper.handler:handler"
SWEEP_EVERY_SECONDS = 60.0  # EventBridge runs it every 5 minutes; locally sooner is handier
MAILER = "functions.mailer.handler:handler"
MAIL_EVERY_SECONDS = 2.0  # every minute in AWS; locally the order mail should show up at once


@dataclass(frozen=True, slots=True)
class StripeEndpoint:
    description: str
    pay_hint: str


@contextlib.contextmanager
def stripe_endpoint(webhook_url: str) -> Iterator[StripeEndpoint]:
    """Real Stripe test mode with STRIPE_SECRET_KEY=sk_test_... (events then come from
    `stripe listen --forward-to <webhook_url>`, whose secret goes in STRIPE_WEBHOOK_SECRET);
    otherwise the emulator, with STRIPE_API_BASE pointed at it. Sets the environment before
    the settings are first read."""
    key = os.environ.get("STRIPE_SECRET_KEY", "")
    if key.startswith(("sk_test_", "rk_test_")):
        yield StripeEndpoint(
            "Stripe test mode (your key)", f"stripe listen --forward-to {webhook_url}"
        )
        return
    port = DEFAULT_PORT if not port_open(HOST, DEFAULT_PORT) else 0
    emulator = StripeEmulator(
        EMULATOR_WEBHOOK_SECRET,
        http_deliverer(webhook_url),
        api_key=EMULATOR_API_KEY,
        port=port,
    )
    os.environ.update(
        {
            "STRIPE_API_BASE": emulator.url,
            "STRIPE_SECRET_KEY": EMULATOR_API_KEY,
            "STRIPE_WEBHOOK_SECRET": EMULATOR_WEBHOOK_SECRET,
        }
    )
    with emulator:
        yield StripeEndpoint(f"emulator {emulator.url}", "open the checkout_url: Pay or Cancel")


@contextlib.contextmanager
def periodic(handler: str, every_seconds: float) -> Iterator[None]:
    """Invoke the Lambda at `handler` in its own container on a timer until the block ends."""
    container = FunctionContainer(handler)
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(every_seconds):
            container.invoke(SCHEDULED_EVENT)

    thread = threading.Thread(target=loop, name=container.name, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every_seconds)
        container.close()
