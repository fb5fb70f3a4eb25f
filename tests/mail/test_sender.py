from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

import shop
from shop.config import Settings
from shop.mail import messages
from shop.mail.sender import MailDeliveryError, SesSender, SmtpSender, get_mail_sender
from tests.helpers.mailbox import fresh_address, sent_mail, verify_sender
from tests.helpers.smtp_sink import SmtpSink

BASE = "https://shop.facet.test"
CODE = "042917"
# moto accepts a sender whose domain is verified: keep unverified senders off shared domains.
UNVERIFIED_DOMAIN = "unverified.facet.test"


@pytest.fixture
def ses_settings(settings: Settings) -> Settings:
    configured = settings.model_copy(update={"public_base_url": BASE, "mail_backend": "ses"})
    verify_sender(configured)
    return configured


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def smtp_settings(settings: Settings, smtp_sink: SmtpSink) -> Settings:
    return settings.model_copy(
        update={
            "mail_backend": "smtp",
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp_sink.port,
            "smtp_starttls": False,
        }
    )


async def test_ses_delivers_the_verification_code_to_the_recipient(
    ses_settings: Settings,
) -> None:
    to, bystander = fresh_address("new"), fresh_address("bystander")

    await SesSender(ses_settings).send(to, messages.verification_code(CODE, "Ada", 10))

    [mail] = sent_mail(to)
    assert mail["source"] == ses_settings.mail_sender
    assert mail["subject"] == "Your Facet verification code"
    assert CODE in mail["body"]
    assert sent_mail(bystander) == []


async def test_ses_reset_mail_links_to_the_configured_site_with_the_token_in_the_fragment(
    ses_settings: Settings,
) -> None:
    to, token = fresh_address("reset"), "Zm9v-YmFy_dG9rZW4"
    link = messages.reset_link(ses_settings, token)

    await SesSender(ses_settings).send(to, messages.password_reset("Ada", link, 30))

    [mail] = sent_mail(to)
    assert f'href="{BASE}/reset-password#token={token}"' in mail["body"]
    assert "?token=" not in mail["body"]


async def test_ses_mail_shows_a_hostile_display_name_as_text(ses_settings: Settings) -> None:
    to = fresh_address("hostile")

    await SesSender(ses_settings).send(
        to, messages.verification_code(CODE, "<script>x</script>", 10)
    )

    [mail] = sent_mail(to)
    assert "<script>" not in mail["body"]
    assert "Hi &lt;script&gt;x&lt;/script&gt;," in mail["body"]


async def test_ses_unverified_sender_fails_with_a_generic_503(ses_settings: Settings) -> None:
    unverified = ses_settings.model_copy(
        update={"mail_sender": fresh_address("unverified", domain=UNVERIFIED_DOMAIN)}
    )
    to = fresh_address("nobody")

    with pytest.raises(MailDeliveryError) as failure:
        await SesSender(unverified).send(to, messages.verification_code(CODE, "Ada", 10))

    assert (failure.value.status_code, failure.value.code) == (503, "mail_unavailable")
    assert "verified" not in failure.value.message
    assert unverified.mail_sender not in failure.value.message
    assert sent_mail(to) == []


async def test_failed_send_logs_the_provider_error_but_not_the_mail(
    ses_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    unverified = ses_settings.model_copy(
        update={"mail_sender": fresh_address("unverified", domain=UNVERIFIED_DOMAIN)}
    )
    link = messages.reset_link(ses_settings, "secret-token-value")

    with caplog.at_level(logging.ERROR), pytest.raises(MailDeliveryError):
        await SesSender(unverified).send(fresh_address(), messages.password_reset("Ada", link, 30))

    [record] = [r for r in caplog.records if getattr(r, "event", None) == "mail_send_failed"]
    assert "MessageRejected" in record.__dict__["error"]
    logged = " ".join(str(value) for value in record.__dict__.values())
    assert "secret-token-value" not in logged


async def test_smtp_delivers_text_and_html_alternatives_with_the_right_headers(
    smtp_settings: Settings, smtp_sink: SmtpSink
) -> None:
    to = fresh_address("smtp")

    await SmtpSender(smtp_settings).send(to, messages.verification_code(CODE, "Ada <3", 10))

    [received] = smtp_sink.received
    assert (received.mail_from, received.rcpt_to) == (smtp_settings.mail_sender, [to])
    mail = received.message
    assert mail["From"] == smtp_settings.mail_sender
    assert mail["To"] == to
    assert mail["Subject"] == "Your Facet verification code"
    assert mail["Message-ID"] is not None
    assert mail.get_content_type() == "multipart/alternative"
    text, html = (mail.get_body((kind,)) for kind in ("plain", "html"))
    assert text is not None
    assert html is not None
    assert "Hi Ada <3," in text.get_content()
    assert "Hi Ada &lt;3," in html.get_content()
    assert CODE in text.get_content()
    assert CODE in html.get_content()


async def test_smtp_logs_in_when_a_username_is_configured(
    smtp_settings: Settings, smtp_sink: SmtpSink
) -> None:
    with_login = smtp_settings.model_copy(
        update={"smtp_username": "facet", "smtp_password": SecretStr("app-password")}
    )

    await SmtpSender(with_login).send(fresh_address(), messages.password_changed("Ada"))

    [received] = smtp_sink.received
    assert received.login == ("facet", "app-password")


async def test_smtp_unreachable_server_fails_with_a_generic_503(settings: Settings) -> None:
    # A port that was just free and has no listener: the connection is refused.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    unreachable = settings.model_copy(
        update={"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_starttls": False}
    )

    with pytest.raises(MailDeliveryError) as failure:
        await SmtpSender(unreachable).send(fresh_address(), messages.password_changed("Ada"))

    assert failure.value.status_code == 503
    assert "refused" not in failure.value.message.lower()


@pytest.mark.parametrize(("backend", "kind"), [("ses", SesSender), ("smtp", SmtpSender)])
def test_mail_backend_setting_picks_one_sender_for_the_container(
    settings: Settings, backend: str, kind: type[object]
) -> None:
    configured = settings.model_copy(update={"mail_backend": backend})

    sender = get_mail_sender(configured)

    assert isinstance(sender, kind)
    assert get_mail_sender(configured) is sender


def test_importing_the_sender_does_not_import_boto3() -> None:
    # The API imports this module at cold start; boto3 must wait for the first mail.
    probe = "import sys, shop.mail.sender, shop.mail.messages; print('boto3' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": str(Path(shop.__file__).parents[1])}

    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )

    assert result.stdout.strip() == "False"
