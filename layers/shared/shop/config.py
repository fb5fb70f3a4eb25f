"""Settings: parsed from the environment once per container and validated at cold start."""

from __future__ import annotations

import functools
from typing import Annotated, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Environment = Literal["local", "test", "staging", "production"]

# Values copied from .env.example or docs that must never reach a deployed stack.
PLACEHOLDER_SECRETS = frozenset({"", "changeme", "changethis", "placeholder", "secret", "xxx"})


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    environment: Environment = "local"
    service_name: str = "facet"
    log_level: str = "INFO"

    # Database. DATABASE_SECRET_ARN (an RDS-managed secret) wins over DATABASE_URL in AWS.
    database_url: SecretStr = SecretStr("postgresql+asyncpg://postgres@127.0.0.1:5432/facet")
    database_secret_arn: str | None = None
    database_behind_proxy: bool = False
    db_pool_size: int = Field(default=1, ge=1, le=50)
    db_max_overflow: int = Field(default=0, ge=0, le=50)
    db_connect_timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    db_statement_timeout_ms: int = Field(default=10_000, ge=100, le=300_000)
    health_db_timeout_seconds: float = Field(default=2.0, gt=0, le=30)
    health_retry_after_seconds: int = Field(default=5, ge=1, le=3600)

    # HTTP surface.
    api_prefix: str = "/api/v1"
    cors_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)
    max_request_body_bytes: int = Field(default=1_048_576, ge=1024, le=6 * 1_048_576)
    hsts_max_age_seconds: int = Field(default=31_536_000, ge=0)

    # AWS. aws_endpoint_url points every client at a local emulator (moto or LocalStack).
    aws_region: str = "us-east-1"
    aws_endpoint_url: str | None = None
    images_bucket: str = "facet-images-local"
    image_events_queue: str = "facet-image-events-local"
    mail_sender: str = "shop@facet.local"

    # Stripe. Real keys live in Secrets Manager in AWS; the test/local defaults are placeholders.
    stripe_secret_key: SecretStr = SecretStr("changeme")
    stripe_webhook_secret: SecretStr = SecretStr("changeme")

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("cors_origins")
    @classmethod
    def _exact_origins(cls, origins: list[str]) -> list[str]:
        for origin in origins:
            if "*" in origin or origin == "null" or not origin.startswith(("https://", "http://")):
                raise ValueError(
                    f"CORS origins must be exact scheme://host[:port] values: {origin}"
                )
            if origin.endswith("/"):
                raise ValueError(f"CORS origin must not end with '/': {origin}")
        return origins

    @model_validator(mode="after")
    def _refuse_placeholders_when_deployed(self) -> Settings:
        if self.is_deployed:
            for name in ("stripe_secret_key", "stripe_webhook_secret"):
                secret: SecretStr = getattr(self, name)
                if secret.get_secret_value().strip().lower() in PLACEHOLDER_SECRETS:
                    raise ValueError(f"{name.upper()} is a placeholder; set a real secret")
            if self.stripe_secret_key.get_secret_value().startswith("sk_live_") and (
                self.environment != "production"
            ):
                raise ValueError("a live Stripe key may only be used in production")
        return self

    @property
    def is_deployed(self) -> bool:
        return self.environment in ("staging", "production")

    @property
    def openapi_enabled(self) -> bool:
        return not self.is_deployed


@functools.cache
def get_settings() -> Settings:
    return Settings()
