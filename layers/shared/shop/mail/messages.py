"""Mail templates: one function per message, each giving a subject, a plain-text body and the same
words as HTML. A new message is one more function built from `_compose` blocks."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from shop.config import Settings

SHOP_NAME = "Facet"
DEFAULT_SUPPORT_HINT = (
    "If you did not change it, reset your password right away and contact Facet support."
)


@dataclass(frozen=True, slots=True)
class Message:
    subject: str
    text: str
    html: str


@dataclass(frozen=True, slots=True)
class _Link:
    url: str


@dataclass(frozen=True, slots=True)
class _Code:
    value: str


# A paragraph of prose, a link shown in full, or a one-time code set apart.
_Block = str | _Link | _Code


def reset_link(settings: Settings, token: str, role: str = "customer") -> str:
    """The reset page with the token in the URL fragment, which browsers never send to a server
    nor put in a Referer header, so it stays out of logs (RESET-07)."""
    return f"{_app_url(settings, role)}/reset-password#token={quote(token, safe='')}"


def login_url(settings: Settings, role: str = "customer") -> str:
    return f"{_app_url(settings, role)}/login"


def forgot_password_url(settings: Settings, role: str = "customer") -> str:
    return f"{_app_url(settings, role)}/forgot-password"


def verification_code(code: str, display_name: str, minutes: int) -> Message:
    # Subjects reach logs (shop.mail.outbox): the code goes only in the body.
    return _compose(
        f"Your {SHOP_NAME} verification code",
        _greeting(display_name),
        f"Use this code to confirm your email address for {SHOP_NAME}:",
        _Code(code),
        f"The code expires in {_minutes(minutes)}. If you did not sign up for {SHOP_NAME}, "
        "you can ignore this mail.",
    )


def account_exists(display_name: str, login_url: str, reset_url: str) -> Message:
    """Sent to the owner when someone registers an address that already has an account, so the
    sign-up response never reveals which addresses are registered."""
    return _compose(
        f"You already have a {SHOP_NAME} account",
        _greeting(display_name),
        f"Someone, maybe you, tried to create a {SHOP_NAME} account with this email address. "
        "You already have an account, so no new one was created.",
        "To sign in, go to:",
        _Link(login_url),
        "If you forgot your password, you can choose a new one here:",
        _Link(reset_url),
        "If this was not you, you can ignore this mail: nothing about your account has changed.",
    )


def password_reset(display_name: str, reset_link: str, minutes: int) -> Message:
    return _compose(
        f"Reset your {SHOP_NAME} password",
        _greeting(display_name),
        f"Someone asked to reset the password of your {SHOP_NAME} account. "
        "To choose a new password, open this link:",
        _Link(reset_link),
        f"The link works once and expires in {_minutes(minutes)}. If you did not ask for this, "
        "you can ignore this mail: your password stays the same.",
    )


def password_changed(display_name: str, support_hint: str = DEFAULT_SUPPORT_HINT) -> Message:
    return _compose(
        f"Your {SHOP_NAME} password was changed",
        _greeting(display_name),
        f"The password of your {SHOP_NAME} account was just changed, and your other sessions "
        "were signed out.",
        support_hint,
    )


# --- Order mails. Lines are (name, quantity, unit price in minor units).

OrderLine = tuple[str, int, int]
# ISO 4217 currencies without minor units (Stripe's list); every other one has two decimals.
ZERO_DECIMAL_CURRENCIES = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV"}
)


def money(cents: int, currency: str) -> str:
    if currency.upper() in ZERO_DECIMAL_CURRENCIES:
        return f"{cents:,} {currency.upper()}"
    return f"{cents // 100:,}.{cents % 100:02d} {currency.upper()}"


def order_confirmation(
    order_ref: str,
    lines: list[OrderLine],
    total_cents: int,
    currency: str,
    shipping: list[str],
) -> Message:
    return _compose(
        f"Your {SHOP_NAME} order {order_ref} is confirmed",
        "Hi,",
        f"Thank you for your order. We received your payment of {money(total_cents, currency)}.",
        *_order_lines(lines, currency),
        f"Total: {money(total_cents, currency)}",
        "It will be shipped to:",
        *shipping,
    )


def seller_new_order(
    order_ref: str, lines: list[OrderLine], currency: str, shipping: list[str]
) -> Message:
    return _compose(
        f"New {SHOP_NAME} order {order_ref} to ship",
        "Hi,",
        f"Order {order_ref} was paid. Please ship these items:",
        *_order_lines(lines, currency),
        "Ship to:",
        *shipping,
    )


def order_refunded_unavailable(order_ref: str, total_cents: int, currency: str) -> Message:
    return _compose(
        f"Your {SHOP_NAME} order {order_ref} was refunded",
        "Hi,",
        "Your payment arrived after the items you ordered were no longer reserved for you, and "
        "they have sold out meanwhile. We are sorry: nothing will be shipped, and the full "
        f"amount of {money(total_cents, currency)} is being refunded to your payment method.",
    )


def seller_order_unfilled(order_ref: str, lines: list[OrderLine], currency: str) -> Message:
    return _compose(
        f"{SHOP_NAME} order {order_ref}: nothing to ship",
        "Hi,",
        f"Order {order_ref} was paid after its reservation had ended, and these items had sold "
        "out meanwhile, so the buyer was refunded in full. There is nothing to ship; this is "
        "for your records:",
        *_order_lines(lines, currency),
    )


def order_payment_failed(order_ref: str) -> Message:
    return _compose(
        f"Your {SHOP_NAME} order {order_ref} was not paid",
        "Hi,",
        "Your payment for this order did not go through, so the order was cancelled and nothing "
        "will be shipped. You have not been charged. You are welcome to order again.",
    )


def _order_lines(lines: list[OrderLine], currency: str) -> list[str]:
    return [
        f"{quantity} x {name}, {money(price, currency)} each" for name, quantity, price in lines
    ]


def _compose(subject: str, *blocks: _Block) -> Message:
    text = "\n\n".join(_as_text(block) for block in blocks)
    body = "\n".join(_as_html(block) for block in blocks)
    document = (
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
        f"<title>{html.escape(subject)}</title></head>\n<body>\n{body}\n</body>\n</html>\n"
    )
    return Message(subject=subject, text=text + "\n", html=document)


def _as_text(block: _Block) -> str:
    if isinstance(block, _Link):
        return block.url
    if isinstance(block, _Code):
        return block.value
    return block


def _as_html(block: _Block) -> str:
    # Whole blocks are escaped, not just the values put into them, so no template can forget one.
    if isinstance(block, _Link):
        url = html.escape(block.url)
        return f'<p><a href="{url}">{url}</a></p>'
    if isinstance(block, _Code):
        return f'<p style="font-size:24px;letter-spacing:4px"><b>{html.escape(block.value)}</b></p>'
    return f"<p>{html.escape(block)}</p>"


def _greeting(display_name: str) -> str:
    name = display_name.strip()
    return f"Hi {name}," if name else "Hi,"


def _minutes(minutes: int) -> str:
    return "1 minute" if minutes == 1 else f"{minutes} minutes"


def _base_url(settings: Settings) -> str:
    # Links come from configuration, never from the request's Host header (CODE-06).
    return settings.public_base_url.rstrip("/")


# A seller's account pages are the dashboard's, served under /seller/ on the same site.
SELLER_APP_PATH = "/seller"


def _app_url(settings: Settings, role: str) -> str:
    return _base_url(settings) + (SELLER_APP_PATH if role == "seller" else "")
