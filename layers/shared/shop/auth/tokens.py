"""Access tokens: short-lived JWTs naming a user and a server-side session (JWT-01..04).

Signed with the key set's current key, verified with whichever listed key the `kid` names.
Every rejection is the same `InvalidToken`, so a client learns nothing about why.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

import jwt

from shop.auth.keys import KID_RE, KeySet, VerifyingKey
from shop.config import Settings
from shop.exceptions import Unauthorized

# One audience per role, so a token minted for one API is refused by the others.
CUSTOMER_AUDIENCE: Final = "customer-api"
SELLER_AUDIENCE: Final = "seller-api"
ADMIN_AUDIENCE: Final = "admin-api"
AUDIENCES: Final = frozenset({CUSTOMER_AUDIENCE, SELLER_AUDIENCE, ADMIN_AUDIENCE})

TOKEN_TYPE: Final = "JWT"
# A token travels in a cookie, which browsers cap at 4096 bytes; anything longer is not ours
# and is refused before any parsing work.
MAX_TOKEN_LENGTH: Final = 4096
# Anything else (jku, x5u, jwk, x5c, crit, b64, ...) would let the token pick its own key or
# change how it is processed.
_HEADER_FIELDS: Final = frozenset({"alg", "kid", "typ"})
_REQUIRED_CLAIMS: Final = ("exp", "iat", "nbf", "iss", "aud", "sub", "jti", "sid")


class InvalidToken(Unauthorized):
    """A token that is malformed, forged, expired or not meant for this API."""

    code = "not_authenticated"

    def __init__(self) -> None:
        super().__init__("Not authenticated")


@dataclass(frozen=True, slots=True)
class Claims:
    user_id: uuid.UUID
    session_id: uuid.UUID
    audience: str
    issued_at: datetime
    expires_at: datetime
    jti: str


def issue(
    keyset: KeySet,
    settings: Settings,
    *,
    user_id: uuid.UUID,
    session_id: uuid.UUID,
    audience: str,
    now: datetime,
) -> str:
    """A token for one session and one audience, valid for `jwt_access_ttl_seconds`."""
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r}")
    issued_at = _seconds(now)
    claims = {
        "iss": settings.jwt_issuer,
        "aud": audience,
        "sub": str(user_id),
        "sid": str(session_id),
        "iat": issued_at,
        "nbf": issued_at,
        "exp": issued_at + settings.jwt_access_ttl_seconds,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(
        claims,
        keyset.signing_key,
        algorithm=keyset.alg,
        headers={"kid": keyset.current_kid, "typ": TOKEN_TYPE},
    )


def verify(
    keyset: KeySet,
    settings: Settings,
    token: str,
    *,
    audiences: Collection[str],
    now: datetime,
    allow_expired: bool = False,
) -> Claims:
    """The claims of a token signed by a key in the set for one of `audiences`, valid at `now`.

    `allow_expired` skips only the `exp` check, for a caller that bounds the token's life by
    its server-side session instead (sliding sessions re-issue the token)."""
    if isinstance(audiences, str):
        raise TypeError("audiences is a collection of audiences, not one audience")
    key = _verifying_key(keyset, token)
    try:
        payload = jwt.decode(
            token,
            key,
            algorithms=[keyset.alg],
            audience=list(audiences),
            issuer=settings.jwt_issuer,
            leeway=0,
            options={
                "require": list(_REQUIRED_CLAIMS),
                # PyJWT reads the wall clock; the times are checked against `now` below.
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
            },
        )
    except jwt.PyJWTError as exc:
        raise InvalidToken() from exc
    return _claims(payload, _seconds(now), allow_expired=allow_expired)


def _verifying_key(keyset: KeySet, token: str) -> VerifyingKey:
    # The header is attacker-controlled: it is checked in full before it selects a key.
    if len(token) > MAX_TOKEN_LENGTH or not token.isascii():
        raise InvalidToken()
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise InvalidToken() from exc
    kid = header.get("kid")
    if (
        not header.keys() <= _HEADER_FIELDS
        or header.get("typ") != TOKEN_TYPE
        or header.get("alg") != keyset.alg
        or not isinstance(kid, str)
        or not KID_RE.fullmatch(kid)
        or kid not in keyset.verifying_keys
    ):
        raise InvalidToken()
    return keyset.verifying_keys[kid]


def _claims(payload: dict[str, Any], now: int, *, allow_expired: bool) -> Claims:
    iat, nbf, exp = payload["iat"], payload["nbf"], payload["exp"]
    aud, sub, sid, jti = payload["aud"], payload["sub"], payload["sid"], payload["jti"]
    if not (
        all(type(value) is int for value in (iat, nbf, exp))
        and all(isinstance(value, str) for value in (aud, sub, sid, jti))
    ):
        raise InvalidToken()
    if iat > now or nbf > now or (exp <= now and not allow_expired):
        raise InvalidToken()
    try:
        return Claims(
            user_id=uuid.UUID(sub),
            session_id=uuid.UUID(sid),
            audience=aud,
            issued_at=datetime.fromtimestamp(iat, UTC),
            expires_at=datetime.fromtimestamp(exp, UTC),
            jti=jti,
        )
    except (ValueError, OverflowError, OSError) as exc:
        raise InvalidToken() from exc


def _seconds(now: datetime) -> int:
    if now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    return int(now.timestamp())
