from __future__ import annotations

import pytest
from pydantic import ValidationError

from shop.config import Settings

REAL_SECRETS: dict[str, object] = {
    "stripe_secret_key": "sk_test_" + "a" * 24,
    "stripe_webhook_secret": "whsec_abc",
    "jwt_keys_secret_arn": "arn:aws:secretsmanager:us-east-1:123456789012:secret:jwt",
}


def _settings(**values: object) -> Settings:
    return Settings.model_validate(values)


def test_deployed_settings_refuse_placeholder_secrets() -> None:
    with pytest.raises(ValidationError, match="STRIPE_SECRET_KEY is a placeholder"):
        _settings(**(REAL_SECRETS | {"environment": "production", "stripe_secret_key": "changeme"}))


def test_local_settings_accept_placeholder_secrets() -> None:
    assert _settings(environment="local").stripe_secret_key.get_secret_value() == "changeme"


def test_a_live_stripe_key_outside_production_is_refused() -> None:
    with pytest.raises(ValidationError, match="live Stripe key"):
        _settings(
            **(
                REAL_SECRETS
                | {"environment": "staging", "stripe_secret_key": "sk_live_" + "a" * 24}
            )
        )


def test_deployed_settings_require_the_jwt_key_secret() -> None:
    secrets = {k: v for k, v in REAL_SECRETS.items() if k != "jwt_keys_secret_arn"}
    with pytest.raises(ValidationError, match="JWT_KEYS_SECRET_ARN"):
        _settings(environment="staging", **secrets)


def test_deployed_settings_refuse_an_insecure_session_cookie() -> None:
    with pytest.raises(ValidationError, match="SESSION_COOKIE_SECURE"):
        _settings(environment="production", session_cookie_secure=False, **REAL_SECRETS)


def test_production_settings_with_real_secrets_load_and_hide_openapi() -> None:
    settings = _settings(environment="production", **REAL_SECRETS)

    assert settings.openapi_enabled is False


def test_cors_origins_come_from_a_comma_separated_variable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CORS_ORIGINS", "https://shop.example.com, https://sellers.example.com")

    assert Settings().cors_origins == ["https://shop.example.com", "https://sellers.example.com"]


@pytest.mark.parametrize(
    "origin", ["*", "https://*.example.com", "null", "shop.example.com", "https://a.example.com/"]
)
def test_cors_origins_must_be_exact(origin: str) -> None:
    with pytest.raises(ValidationError):
        _settings(cors_origins=[origin])


def test_secrets_do_not_appear_in_the_settings_repr() -> None:
    settings = _settings(environment="production", **REAL_SECRETS)

    assert "whsec_abc" not in repr(settings)
    assert "postgres@" not in repr(settings)
