"""Structured JSON logging (Powertools) with the request id on every line."""

from __future__ import annotations

import functools

from aws_lambda_powertools import Logger

from shop.config import get_settings


@functools.cache
def get_logger() -> Logger:
    settings = get_settings()
    return Logger(
        service=settings.service_name, level=settings.log_level, utc=True, use_rfc3339=True
    )
