"""Order mails: what the buyer and each seller read, with money in minor units shown right and
seller-chosen product names escaped in the HTML part."""

from __future__ import annotations

from shop.mail import messages

SHIPPING = ["Rosa Lima", "7 Harbour Road", "1100-001 Lisbon", "PT"]


def test_the_confirmation_lists_lines_total_and_shipping_address() -> None:
    mail = messages.order_confirmation(
        "AB12CD34", [("Signet ring", 2, 12_550), ("Box chain", 1, 999)], 26_099, "EUR", SHIPPING
    )

    assert "AB12CD34" in mail.subject
    assert "2 x Signet ring, 125.50 EUR each" in mail.text
    assert "Total: 260.99 EUR" in mail.text
    assert all(part in mail.text for part in SHIPPING)


def test_amounts_of_zero_decimal_currencies_are_not_divided() -> None:
    assert messages.money(1_500, "JPY") == "1,500 JPY"
    assert messages.money(123_456_7, "EUR") == "12,345.67 EUR"


def test_a_product_name_cannot_inject_markup_into_the_seller_mail() -> None:
    mail = messages.seller_new_order("AB12CD34", [("<b>Ring</b>", 1, 100)], "EUR", SHIPPING)

    assert "<b>Ring</b>" not in mail.html
    assert "&lt;b&gt;Ring&lt;/b&gt;" in mail.html
    assert "1 x <b>Ring</b>" in mail.text


def test_the_refund_notice_states_the_full_amount() -> None:
    mail = messages.order_refunded_unavailable("AB12CD34", 4_000, "EUR")

    assert "refunded" in mail.subject
    assert "40.00 EUR" in mail.text


def test_the_unfilled_notice_tells_the_seller_there_is_nothing_to_ship() -> None:
    mail = messages.seller_order_unfilled("AB12CD34", [("Signet ring", 2, 9_900)], "EUR")

    assert mail.subject.endswith("order AB12CD34: nothing to ship")
    assert "nothing to ship" in mail.text
    assert "Signet ring" in mail.text
