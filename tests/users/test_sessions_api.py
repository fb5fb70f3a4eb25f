"""Listing and ending one's own sessions (SESS-04), and nobody else's (BOLA)."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from fastapi import FastAPI

from tests.conftest import api_client
from tests.helpers.accounts import login, signed_in
from tests.helpers.mailbox import fresh_address

ME = "/api/v1/users/me"
SESSIONS = f"{ME}/sessions"
LAPTOP = "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) Safari/604.1"


def other_session(listing: httpx.Response) -> dict[str, Any]:
    [other] = [s for s in listing.json() if not s["current"]]
    return other  # type: ignore[no-any-return]


async def test_the_session_list_shows_each_device_and_marks_the_current_one(
    app: FastAPI,
) -> None:
    email = fresh_address("devices")
    async with api_client(app) as laptop, api_client(app) as phone:
        laptop.headers["User-Agent"], phone.headers["User-Agent"] = LAPTOP, PHONE
        await signed_in(laptop, email)
        assert (await login(phone, email)).status_code == 200

        from_laptop = await laptop.get(SESSIONS)
        from_phone = await phone.get(SESSIONS)

    assert (from_laptop.status_code, from_phone.status_code) == (200, 200)
    assert len(from_laptop.json()) == len(from_phone.json()) == 2
    [laptop_current] = [s for s in from_laptop.json() if s["current"]]
    [phone_current] = [s for s in from_phone.json() if s["current"]]
    assert laptop_current["id"] != phone_current["id"]
    assert (laptop_current["user_agent"], phone_current["user_agent"]) == (LAPTOP, PHONE)
    assert laptop_current["ip_address"] == "127.0.0.1"


async def test_ending_another_devices_session_signs_that_device_out(app: FastAPI) -> None:
    email = fresh_address("revoke")
    async with api_client(app) as laptop, api_client(app) as phone:
        await signed_in(laptop, email)
        assert (await login(phone, email)).status_code == 200
        phone_session = other_session(await laptop.get(SESSIONS))

        ended = await laptop.delete(f"{SESSIONS}/{phone_session['id']}")
        phone_me = await phone.get(ME)
        laptop_me = await laptop.get(ME)
        remaining = await laptop.get(SESSIONS)

    assert ended.status_code == 204
    assert phone_me.status_code == 401
    assert laptop_me.status_code == 200
    assert [s["current"] for s in remaining.json()] == [True]


async def test_another_users_session_cannot_be_ended(app: FastAPI) -> None:
    async with api_client(app) as alice, api_client(app) as mallory:
        await signed_in(alice, fresh_address("alice"))
        await signed_in(mallory, fresh_address("mallory"))
        [alice_session] = (await alice.get(SESSIONS)).json()

        attempt = await mallory.delete(f"{SESSIONS}/{alice_session['id']}")
        alice_me = await alice.get(ME)

    assert (attempt.status_code, attempt.json()["error"]) == (404, "not_found")
    assert alice_me.status_code == 200


async def test_an_unknown_session_id_is_not_found(client: httpx.AsyncClient) -> None:
    await signed_in(client, fresh_address("unknown"))

    response = await client.delete(f"{SESSIONS}/{uuid.uuid4()}")

    assert response.status_code == 404


async def test_a_malformed_session_id_is_refused(client: httpx.AsyncClient) -> None:
    await signed_in(client, fresh_address("malformed"))

    response = await client.delete(f"{SESSIONS}/not-a-uuid")

    assert response.status_code == 422
    assert (await client.get(ME)).status_code == 200


async def test_sessions_cannot_be_listed_or_ended_without_signing_in(
    client: httpx.AsyncClient,
) -> None:
    listing = await client.get(SESSIONS)
    ending = await client.delete(f"{SESSIONS}/{uuid.uuid4()}")

    assert (listing.status_code, ending.status_code) == (401, 401)
