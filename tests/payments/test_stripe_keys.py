"""Stripe keys come from Secrets Manager once per container, and a live key is refused outside
production wherever it comes from (PAY-07)."""

from __future__ import annotations

import json
import uuid

import boto3
import pytest
from pydantic import ValidationError

from shop.config import Settings
from shop.payments.stripe_api import StripeKeyRefused, stripe_keys


def _secret(settings: Settings, key: str) -> str:
    client = boto3.client(
        "secretsmanager", region_name=settings.aws_region, endpoint_url=settings.aws_endpoint_url
    )
    created = client.create_secret(
        Name=f"facet-stripe-{uuid.uuid4().hex[:8]}",
        SecretString=json.dumps({"STRIPE_SECRET_KEY": key, "STRIPE_WEBHOOK_SECRET": "whsec_x"}),
    )
    return str(created["ARN"])


def test_pay_07_a_live_key_in_a_non_production_environment_refuses_to_start() -> None:
    for environment in ("local", "test"):
        with pytest.raises(ValidationError, match="live Stripe key"):
            Settings.model_validate(
                {"environment": environment, "stripe_secret_key": "rk_live_" + "a" * 24}
            )


def test_pay_07_a_live_key_from_secrets_manager_is_refused_outside_production(
    settings: Settings,
) -> None:
    arn = _secret(settings, "sk_live_" + "b" * 24)

    with pytest.raises(StripeKeyRefused):
        stripe_keys(settings.model_copy(update={"stripe_secret_arn": arn}))

    production = settings.model_copy(update={"stripe_secret_arn": arn, "environment": "production"})
    assert stripe_keys(production).secret_key.startswith("sk_live_")


def test_keys_are_read_from_the_secret_when_one_is_named(settings: Settings) -> None:
    arn = _secret(settings, "sk_test_" + "c" * 24)

    keys = stripe_keys(settings.model_copy(update={"stripe_secret_arn": arn}))

    assert (keys.secret_key, keys.webhook_secret) == ("sk_test_" + "c" * 24, "whsec_x")
