"""The session cookie and the session behind it (security-requirements COOKIE-01..04, JWT-04,
SESS-01, -02, -05, ERR-03)."""

from __future__ import annotations

import base64
import json
import logging
from pathlib import Path
from typing import Literal

import httpx
import jwt
import pytest
from fastapi import FastAPI
from sqlalchemy import update
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from shop.api.app import create_app
from shop.api.deps import CurrentSeller
from shop.auth.keys import ensure_local_keyset_file
from shop.auth.repository import AuthRepository
from shop.config import Settings
from shop.db.engine import Database
from shop.models import User
from shop.observability import get_logger
from tests.conftest import Clock, api_client
from tests.helpers.accounts import COOKIE, login, session_cookie, sign_up, signed_in
from tests.helpers.mailbox import fresh_address

ME = "/api/v1/users/me"
NOT_AUTHENTICATED = {"error": "not_authenticated", "detail": "Not authenticated"}


async def me_with(app: FastAPI, token: str) -> httpx.Response:
    """GET /users/me from another browser that holds only this cookie."""
    async with api_client(app) as other:
        return await other.get(ME, headers={"Cookie": f"{COOKIE}={token}"})


def generic(response: httpx.Response) -> dict[str, str]:
    body = dict(response.json())
    body.pop("request_id")
    return body


# COOKIE-01..04 ---------------------------------------------------------------------------


async def test_login_sets_a_host_only_secure_httponly_strict_cookie_and_no_token_in_the_body(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    email = fresh_address("cookie")
    await sign_up(client, email)

    response = await login(client, email)

    (header,) = [h for h in response.headers.get_list("set-cookie") if h.startswith(COOKIE)]
    morsel = session_cookie(response)[COOKIE]
    assert morsel["httponly"] is True
    assert morsel["secure"] is True
    assert morsel["samesite"].lower() == "strict"
    assert morsel["path"] == "/"
    assert morsel["domain"] == ""
    assert "domain=" not in header.lower()
    assert int(morsel["max-age"]) == settings.customer_session_absolute_seconds
    assert morsel.value not in response.text


@pytest.mark.parametrize("algorithm", ["ES256", "PS256"])
async def test_the_session_cookie_fits_in_4096_bytes(
    settings: Settings, db: Database, tmp_path: Path, algorithm: Literal["ES256", "PS256"]
) -> None:
    keys_file = tmp_path / "jwt-keys.json"
    ensure_local_keyset_file(keys_file, algorithm)
    app = create_app(
        settings.model_copy(update={"jwt_algorithm": algorithm, "jwt_keys_file": str(keys_file)}),
        db,
    )
    async with api_client(app) as client:
        # A seller's token: the longest audience, so the largest claims any user gets.
        token = await signed_in(client, fresh_address("bigcookie"), role="seller")
        works = await client.get(ME)

    assert works.status_code == 200
    assert jwt.get_unverified_header(token)["alg"] == algorithm
    assert len(COOKIE) + len(token) < 4096


async def test_logout_expires_the_cookie_in_the_browser(client: httpx.AsyncClient) -> None:
    await signed_in(client, fresh_address("logout"))

    response = await client.post("/api/v1/auth/logout")
    after = await client.get(ME)

    assert response.status_code == 204
    cleared = session_cookie(response)[COOKIE]
    assert cleared.value == ""
    assert int(cleared["max-age"]) == 0
    assert after.status_code == 401


async def test_logout_clears_even_a_cookie_the_server_no_longer_accepts(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    token = await signed_in(client, fresh_address("unusable"))
    header, payload, signature = token.split(".")

    async with api_client(app) as other:
        # e.g. signed by a key that has since been retired, or damaged in transit
        response = await other.post(
            "/api/v1/auth/logout", headers={"Cookie": f"{COOKIE}={header}.{payload}.x{signature}"}
        )

    assert response.status_code == 204
    assert int(session_cookie(response)[COOKIE]["max-age"]) == 0


async def test_the_token_never_reaches_the_logs(
    client: httpx.AsyncClient, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    get_logger()  # created first: creating it later would reset the level set below
    with (
        caplog.at_level(logging.DEBUG),
        caplog.at_level(logging.DEBUG, logger=settings.service_name),
    ):
        token = await signed_in(client, fresh_address("logs"))
        assert (await client.get(ME)).status_code == 200
        assert (await client.post("/api/v1/auth/logout")).status_code == 204

    signature = token.rsplit(".", 1)[1]
    logged = "\n".join(f"{r.getMessage()} {vars(r)}" for r in caplog.records)
    events = {getattr(r, "event", None) for r in caplog.records}
    assert {"authn_login_success", "session_logout"} <= events
    assert token not in logged
    assert signature not in logged


@pytest.mark.parametrize("carrier", ["query", "authorization"])
async def test_a_token_outside_the_cookie_is_ignored(
    client: httpx.AsyncClient, app: FastAPI, carrier: str
) -> None:
    token = await signed_in(client, fresh_address("carrier"))

    async with api_client(app) as other:
        if carrier == "query":
            response = await other.get(ME, params={"token": token})
        else:
            response = await other.get(ME, headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 401
    assert generic(response) == NOT_AUTHENTICATED


# JWT-04 ----------------------------------------------------------------------------------


async def test_a_token_with_one_payload_character_changed_is_refused(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    token = await signed_in(client, fresh_address("tamper"))
    header, payload, signature = token.split(".")
    claims = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    sid = json.loads(claims)["sid"]
    # Another session id, one character away: a forged claim with the original signature.
    forged_sid = sid[:-1] + ("0" if sid[-1] != "0" else "1")
    forged = base64.urlsafe_b64encode(claims.replace(sid, forged_sid).encode()).rstrip(b"=")

    response = await me_with(app, f"{header}.{forged.decode()}.{signature}")

    assert (await me_with(app, token)).status_code == 200
    assert response.status_code == 401
    assert generic(response) == NOT_AUTHENTICATED


# SESS-01: idle and absolute lifetimes per role; sliding token ----------------------------


async def test_a_seller_idle_for_31_minutes_is_signed_out(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    await signed_in(client, fresh_address("idle-seller"), role="seller")

    clock.advance(minutes=31)
    response = await client.get(ME)

    assert response.status_code == 401
    assert generic(response) == NOT_AUTHENTICATED


async def test_a_seller_active_every_20_minutes_is_signed_out_after_12_hours(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    await signed_in(client, fresh_address("busy-seller"), role="seller")

    statuses = []
    for _ in range(12 * 3):
        clock.advance(minutes=20)
        statuses.append((await client.get(ME)).status_code)

    assert statuses == [200] * 35 + [401]


async def test_a_customer_active_every_few_days_is_signed_out_on_day_31(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    await signed_in(client, fresh_address("loyal"))

    statuses = []
    for days in (6, 6, 6, 6, 5, 2):  # days 6, 12, 18, 24, 29, 31
        clock.advance(days=days)
        statuses.append((await client.get(ME)).status_code)

    assert statuses == [200, 200, 200, 200, 200, 401]


async def test_a_customer_idle_for_7_days_and_a_second_is_signed_out(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    await signed_in(client, fresh_address("idle-customer"))

    clock.advance(days=7, seconds=1)
    response = await client.get(ME)

    assert response.status_code == 401


async def test_a_token_past_half_its_life_is_replaced_by_a_fresh_cookie(
    client: httpx.AsyncClient, clock: Clock
) -> None:
    token = await signed_in(client, fresh_address("half"))

    clock.advance(minutes=7)
    young = await client.get(ME)
    clock.advance(minutes=1)
    old = await client.get(ME)

    assert young.status_code == 200
    assert "set-cookie" not in young.headers
    assert old.status_code == 200
    fresh = session_cookie(old)[COOKIE]
    assert fresh.value != token
    assert fresh["httponly"] is True
    assert fresh["secure"] is True


async def test_an_expired_token_of_a_live_session_is_accepted_and_reissued(
    client: httpx.AsyncClient, clock: Clock, settings: Settings
) -> None:
    token = await signed_in(client, fresh_address("sliding"))
    expires = jwt.decode(token, options={"verify_signature": False})["exp"]

    clock.advance(minutes=16)
    response = await client.get(ME)

    assert clock.now.timestamp() > expires
    assert response.status_code == 200
    reissued = jwt.decode(
        session_cookie(response)[COOKIE].value, options={"verify_signature": False}
    )
    assert reissued["exp"] == clock.now.timestamp() + settings.jwt_access_ttl_seconds
    assert (await client.get(ME)).status_code == 200


# SESS-02: logout is server-side ----------------------------------------------------------


async def test_a_copy_of_the_cookie_replayed_after_logout_is_refused(
    client: httpx.AsyncClient, app: FastAPI
) -> None:
    stolen = await signed_in(client, fresh_address("stolen"))
    assert (await me_with(app, stolen)).status_code == 200

    await client.post("/api/v1/auth/logout")
    replayed = await me_with(app, stolen)

    assert replayed.status_code == 401
    assert generic(replayed) == NOT_AUTHENTICATED


# SESS-05: role and account changes apply at once ------------------------------------------


@pytest.fixture
def seller_probe(app: FastAPI) -> str:
    async def seller_only(seller: CurrentSeller) -> dict[str, str]:
        return {"seller": str(seller.id)}

    app.add_api_route("/api/v1/_probe/seller", seller_only, methods=["GET"])
    return "/api/v1/_probe/seller"


async def test_a_seller_demoted_mid_session_is_refused_seller_routes_at_once(
    client: httpx.AsyncClient, session: AsyncSession, seller_probe: str
) -> None:
    email = fresh_address("demoted")
    await signed_in(client, email, role="seller")
    assert (await client.get(seller_probe)).status_code == 200

    await session.execute(update(User).where(User.email == email).values(role="customer"))
    response = await client.get(seller_probe)

    assert response.status_code == 403
    assert response.json()["error"] == "seller_only"


async def test_a_customer_is_refused_seller_routes(
    client: httpx.AsyncClient, seller_probe: str
) -> None:
    await signed_in(client, fresh_address("customer"))

    assert (await client.get(seller_probe)).status_code == 403


async def test_a_deleted_user_is_signed_out_at_once(
    client: httpx.AsyncClient, session: AsyncSession, clock: Clock
) -> None:
    email = fresh_address("deleted")
    await signed_in(client, email)

    await session.execute(update(User).where(User.email == email).values(deleted_at=clock.now))
    response = await client.get(ME)

    assert response.status_code == 401
    assert generic(response) == NOT_AUTHENTICATED


# ERR-03: fail closed ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "failure",
    [
        RuntimeError("session store unavailable"),
        OperationalError("SELECT sessions", {}, ConnectionResetError("connection reset")),
    ],
    ids=["runtime-error", "database-error"],
)
async def test_a_failing_session_lookup_never_lets_the_request_through(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch, failure: Exception
) -> None:
    async with api_client(app, raise_app_exceptions=False) as client:
        await signed_in(client, fresh_address("faulty"))

        async def broken(self: AuthRepository, session_id: object) -> None:
            raise failure

        monkeypatch.setattr(AuthRepository, "session_with_user", broken)
        response = await client.get(ME)

    assert response.status_code in (401, 500, 503)
    assert response.json()["error"] in ("not_authenticated", "internal_error")
    assert "set-cookie" not in response.headers
