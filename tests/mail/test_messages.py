from __future__ import annotations

import html
import re

import pytest

from shop.config import Settings
from shop.mail import messages
from shop.mail.messages import Message

BASE = "https://shop.facet.test"
TOKEN = "Zm9v-YmFy_dG9rZW4"
HOSTILE_NAME = "<script>x</script>"


def every_message(name: str) -> list[Message]:
    return [
        messages.verification_code("042917", name, 10),
        messages.account_exists(name, f"{BASE}/login", f"{BASE}/forgot-password"),
        messages.password_reset(name, f"{BASE}/reset-password#token={TOKEN}", 30),
        messages.password_changed(name),
    ]


def visible_text(document: str) -> str:
    """What a reader of the HTML part sees, whitespace collapsed."""
    body = document.split("<body>", 1)[1].split("</body>", 1)[0]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


@pytest.fixture
def shop_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"public_base_url": BASE})


def test_verification_mail_shows_the_code_and_its_lifetime() -> None:
    mail = messages.verification_code("042917", "Ada", 10)

    for body in (mail.text, visible_text(mail.html)):
        assert "042917" in body
        assert "expires in 10 minutes" in body
        assert "Hi Ada," in body


def test_reset_link_puts_the_token_in_the_fragment_of_the_configured_site(
    shop_settings: Settings,
) -> None:
    link = messages.reset_link(shop_settings, TOKEN)

    assert link == f"{BASE}/reset-password#token={TOKEN}"
    assert "?" not in link


def test_links_ignore_a_trailing_slash_in_the_base_url(settings: Settings) -> None:
    slashed = settings.model_copy(update={"public_base_url": f"{BASE}/"})

    assert messages.login_url(slashed) == f"{BASE}/login"
    assert messages.reset_link(slashed, TOKEN).startswith(f"{BASE}/reset-password#")


def test_password_reset_mail_links_to_the_reset_page_and_states_the_lifetime(
    shop_settings: Settings,
) -> None:
    link = messages.reset_link(shop_settings, TOKEN)
    mail = messages.password_reset("Ada", link, 30)

    assert link in mail.text
    assert f'href="{html.escape(link)}"' in mail.html
    assert "expires in 30 minutes" in mail.text


def test_account_exists_mail_offers_sign_in_and_reset_without_a_new_account(
    shop_settings: Settings,
) -> None:
    mail = messages.account_exists(
        "Ada", messages.login_url(shop_settings), messages.forgot_password_url(shop_settings)
    )

    assert f"{BASE}/login" in mail.text
    assert f"{BASE}/forgot-password" in mail.text
    assert "no new one was created" in mail.text


def test_password_changed_mail_tells_the_owner_what_to_do_if_it_was_not_them() -> None:
    default = messages.password_changed("Ada")
    custom = messages.password_changed("Ada", "Call us on 0800 000 000.")

    assert "contact Facet support" in default.text
    assert "Call us on 0800 000 000." in custom.text


@pytest.mark.parametrize("mail", every_message("Ada"), ids=lambda m: m.subject)
def test_text_and_html_parts_say_the_same(mail: Message) -> None:
    assert " ".join(mail.text.split()) == visible_text(mail.html)


@pytest.mark.parametrize("mail", every_message(HOSTILE_NAME), ids=lambda m: m.subject)
def test_display_name_is_shown_as_text_not_run_as_html(mail: Message) -> None:
    assert "<script>" not in mail.html
    assert "&lt;script&gt;x&lt;/script&gt;" in mail.html
    assert HOSTILE_NAME in mail.text


@pytest.mark.parametrize("mail", every_message("Ada"), ids=lambda m: m.subject)
def test_subject_carries_no_code_or_token(mail: Message) -> None:
    # Subjects are logged when delivery fails; the secret must only be in the body.
    assert "042917" not in mail.subject
    assert TOKEN not in mail.subject


def test_a_sellers_links_lead_to_the_dashboard(shop_settings: Settings) -> None:
    assert messages.login_url(shop_settings, "seller") == f"{BASE}/seller/login"
    assert messages.forgot_password_url(shop_settings, "seller") == f"{BASE}/seller/forgot-password"
    assert messages.reset_link(shop_settings, TOKEN, "seller").startswith(
        f"{BASE}/seller/reset-password#token="
    )
    assert messages.login_url(shop_settings, "admin") == f"{BASE}/login"
