"""Drive the account flows through the HTTP API, reading codes and links from the mail moto
received, as a person with a browser and a mailbox would."""

from __future__ import annotations

import re
from http.cookies import SimpleCookie

import httpx

from tests.helpers.mailbox import sent_mail

STRONG_PASSWORD = "velvet-orbit-lantern-42"
COOKIE = "__Host-session"


def latest_code(email: str) -> str:
    codes = re.findall(r"\b(\d{6})\b", sent_mail(email)[-1]["body"])
    assert codes, "the last mail carries a 6-digit code"
    return str(codes[0])


def latest_reset_token(email: str) -> str:
    match = re.search(r"#token=([A-Za-z0-9_%-]+)", sent_mail(email)[-1]["body"])
    assert match, "the last mail carries a reset link"
    return match.group(1)


def session_cookie(response: httpx.Response) -> SimpleCookie:
    """The parsed Set-Cookie of the session cookie (assertion when missing)."""
    for header in response.headers.get_list("set-cookie"):
        cookie: SimpleCookie = SimpleCookie()
        cookie.load(header)
        if COOKIE in cookie:
            return cookie
    raise AssertionError("no session cookie was set")


async def register(
    client: httpx.AsyncClient,
    email: str,
    password: str = STRONG_PASSWORD,
    role: str = "customer",
    display_name: str = "Grace Hopper",
) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/register",
        json={"email": email, "password": password, "display_name": display_name, "role": role},
    )


async def sign_up(
    client: httpx.AsyncClient, email: str, password: str = STRONG_PASSWORD, role: str = "customer"
) -> None:
    """Register, read the code from the mail, verify: a ready account (not signed in)."""
    assert (await register(client, email, password, role)).status_code == 202
    verified = await client.post(
        "/api/v1/auth/verify-email", json={"email": email, "code": latest_code(email)}
    )
    assert verified.status_code == 204, verified.text


async def login(
    client: httpx.AsyncClient, email: str, password: str = STRONG_PASSWORD
) -> httpx.Response:
    return await client.post("/api/v1/auth/login", json={"email": email, "password": password})


async def signed_in(
    client: httpx.AsyncClient, email: str, password: str = STRONG_PASSWORD, role: str = "customer"
) -> str:
    """Sign up and log in on `client` (its cookie jar now holds the session); the token."""
    await sign_up(client, email, password, role)
    response = await login(client, email, password)
    assert response.status_code == 200, response.text
    return session_cookie(response)[COOKIE].value
