"""Structured audit logs (LOG-01..04), read from the app's own JSON log output during a full
account flow: register, verify, a failed and a good login, profile, logout, forgot, reset."""

from __future__ import annotations

import io
import json
import logging
import re
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from fastapi import FastAPI

from shop.observability import get_logger
from tests.conftest import api_client
from tests.helpers.accounts import (
    COOKIE,
    STRONG_PASSWORD,
    latest_code,
    latest_reset_token,
    login,
    register,
    session_cookie,
    signed_in,
)
from tests.helpers.mailbox import fresh_address

ME = "/api/v1/users/me"
ME_SESSIONS = f"{ME}/sessions"
INJECTED = '\n{"event":"authn_login_success"}'


class AppLog:
    """Every line the Powertools logger wrote while the test ran."""

    def __init__(self, buffer: io.StringIO) -> None:
        self._buffer = buffer

    @property
    def lines(self) -> list[str]:
        return self._buffer.getvalue().splitlines()

    @property
    def records(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.lines]

    def events(self) -> Counter[str]:
        return Counter(str(record.get("event")) for record in self.records)


@pytest.fixture
def app_log() -> Iterator[AppLog]:
    """Point the logger's own handler (stdout in Lambda) at a buffer and log at INFO, the
    deployed level (tests otherwise run at WARNING)."""
    logger = get_logger()
    handler = logger.registered_handler
    assert isinstance(handler, logging.StreamHandler)
    level = logger.log_level
    buffer = io.StringIO()
    stream = handler.setStream(buffer)
    logger.setLevel(logging.INFO)
    try:
        yield AppLog(buffer)
    finally:
        logger.setLevel(level)
        if stream is not None:
            handler.setStream(stream)


@dataclass(frozen=True, slots=True)
class FlowSecrets:
    password: str
    wrong_password: str
    new_password: str
    code: str
    reset_token: str
    session_token: str


def canary(label: str) -> str:
    return f"canary-{label}-{uuid.uuid4().hex}"


async def full_flow(
    client: httpx.AsyncClient, email: str, display_name: str = "Grace Hopper"
) -> FlowSecrets:
    """Every account step once, with unique marker strings as the secrets."""
    password, wrong, new = canary("password"), canary("wrong"), canary("new")
    assert (await register(client, email, password, display_name=display_name)).status_code == 202
    code = latest_code(email)
    verify = await client.post("/api/v1/auth/verify-email", json={"email": email, "code": code})
    assert verify.status_code == 204
    assert (await login(client, email, wrong)).status_code == 401
    logged_in = await login(client, email, password)
    assert logged_in.status_code == 200
    assert (await client.get("/api/v1/users/me")).status_code == 200
    assert (await client.post("/api/v1/auth/logout")).status_code == 204
    forgot = await client.post("/api/v1/auth/password/forgot", json={"email": email})
    assert forgot.status_code == 202
    token = latest_reset_token(email)
    reset = await client.post("/api/v1/auth/password/reset", json={"token": token, "password": new})
    assert reset.status_code == 204
    return FlowSecrets(
        password=password,
        wrong_password=wrong,
        new_password=new,
        code=code,
        reset_token=token,
        session_token=session_cookie(logged_in)[COOKIE].value,
    )


async def test_a_full_account_flow_logs_each_security_event_once(
    client: httpx.AsyncClient, app_log: AppLog
) -> None:
    await full_flow(client, fresh_address("audit"))

    events = app_log.events()
    for event in (
        "user_created",
        "authn_login_fail",
        "authn_login_success",
        "session_created",
        "session_logout",
        "authn_password_change",
    ):
        assert events[event] == 1, (event, events)


async def test_account_self_service_logs_each_security_event_once(
    app: FastAPI, client: httpx.AsyncClient, app_log: AppLog
) -> None:
    email = fresh_address("self")
    await signed_in(client, email)
    async with api_client(app) as phone:
        assert (await login(phone, email)).status_code == 200
    [phone_session] = [s for s in (await client.get(ME_SESSIONS)).json() if not s["current"]]
    new_password = "harbor-quartz-meadow-97"
    wrong = {"current_password": "not-my-password-at-all", "new_password": new_password}
    right = {"current_password": STRONG_PASSWORD, "new_password": new_password}

    assert (await client.patch(ME, json={"display_name": "Amazing Grace"})).status_code == 200
    assert (await client.delete(f"{ME_SESSIONS}/{phone_session['id']}")).status_code == 204
    assert (await client.post(f"{ME}/password", json=wrong)).status_code == 401
    assert (await client.post(f"{ME}/password", json=right)).status_code == 204
    deleted = await client.request("DELETE", ME, json={"password": new_password})
    assert deleted.status_code == 204

    events = app_log.events()
    for event in (
        "user_updated",
        "authn_token_revoked",
        "authn_login_fail",
        "authn_password_change",
        "user_deleted",
    ):
        assert events[event] == 1, (event, events)


async def test_the_login_events_name_the_user_and_the_source_ip(
    client: httpx.AsyncClient, app_log: AppLog
) -> None:
    email = fresh_address("who")
    await full_flow(client, email)

    by_event = {record["event"]: record for record in app_log.records if "event" in record}
    user_id = by_event["user_created"]["user_id"]
    assert by_event["authn_login_success"]["user_id"] == user_id
    assert by_event["authn_login_fail"]["user_id"] == user_id
    assert by_event["authn_login_success"]["source_ip"] == "127.0.0.1"
    assert by_event["authn_login_success"]["route"] == "/api/v1/auth/login"


async def test_every_log_line_is_json_with_utc_timestamp_level_request_id_and_event(
    client: httpx.AsyncClient, app_log: AppLog
) -> None:
    await full_flow(client, fresh_address("shape"))

    assert app_log.lines
    for line in app_log.lines:
        record = json.loads(line)
        assert {"timestamp", "level", "request_id", "event"} <= record.keys(), record
        assert datetime.fromisoformat(record["timestamp"]).utcoffset() == timedelta(0), record
        assert record["level"] in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}
        assert record["request_id"]


async def test_passwords_codes_reset_tokens_and_cookies_never_reach_the_logs(
    client: httpx.AsyncClient, app_log: AppLog
) -> None:
    secrets = await full_flow(client, fresh_address("canary"))

    log = "\n".join(app_log.lines)
    assert log
    for secret in (
        secrets.password,
        secrets.wrong_password,
        secrets.new_password,
        secrets.reset_token,
        secrets.session_token,
    ):
        assert secret not in log
    # Six digits may occur inside a uuid or a timestamp by chance; a logged code stands alone.
    assert not re.search(rf"(?<![0-9A-Za-z]){secrets.code}(?![0-9A-Za-z])", log)


async def test_user_data_cannot_forge_a_log_line(
    client: httpx.AsyncClient, app_log: AppLog
) -> None:
    email = fresh_address("forge")
    secrets = await full_flow(client, email, display_name=f"Eve{INJECTED}")
    assert (await login(client, email, secrets.new_password)).status_code == 200
    renamed = await client.patch("/api/v1/users/me", json={"display_name": f"Mallory{INJECTED}"})
    forged_path = await client.delete(f"/api/v1/users/me/sessions/{quote(INJECTED, safe='')}")

    assert renamed.status_code == 200
    assert forged_path.status_code == 422
    records = app_log.records  # json.loads on every line: none is a fragment of another
    assert all(isinstance(record, dict) for record in records)
    assert app_log.events()["authn_login_success"] == 2
    assert any(record.get("route", "").endswith(INJECTED) for record in records)
