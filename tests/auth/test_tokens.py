from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from shop.auth import keys, tokens
from shop.config import Settings

# Years away from the wall clock in both directions: a check made by PyJWT against the real
# time instead of the injected one would fail these tests.
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
USER_ID = uuid.UUID("6f1c1e44-7a53-4d1b-9a53-0a7c2f2d1e01")
SESSION_ID = uuid.UUID("0b9a4c1e-52f3-4e0e-8d8e-3c7d9b2a6f02")


@pytest.fixture(scope="module")
def keyset() -> keys.KeySet:
    return keys.keyset_from_document(keys.new_document("ES256"), "ES256")


@pytest.fixture(scope="module")
def ps256_keyset() -> keys.KeySet:
    return keys.keyset_from_document(keys.new_document("PS256"), "PS256")


def issue(
    keyset: keys.KeySet,
    settings: Settings,
    *,
    audience: str = tokens.CUSTOMER_AUDIENCE,
    now: datetime = NOW,
) -> str:
    return tokens.issue(
        keyset, settings, user_id=USER_ID, session_id=SESSION_ID, audience=audience, now=now
    )


def verify(
    keyset: keys.KeySet,
    settings: Settings,
    token: str,
    *,
    audience: str = tokens.CUSTOMER_AUDIENCE,
    now: datetime = NOW,
) -> tokens.Claims:
    return tokens.verify(keyset, settings, token, audiences=[audience], now=now)


def assert_rejected(keyset: keys.KeySet, settings: Settings, token: str, **kwargs: Any) -> None:
    with pytest.raises(tokens.InvalidToken) as rejected:
        verify(keyset, settings, token, **kwargs)
    assert (rejected.value.status_code, rejected.value.code, rejected.value.message) == (
        401,
        "not_authenticated",
        "Not authenticated",
    )


def claims(settings: Settings, **changes: Any) -> dict[str, Any]:
    issued_at = int(NOW.timestamp())
    payload = {
        "iss": settings.jwt_issuer,
        "aud": tokens.CUSTOMER_AUDIENCE,
        "sub": str(USER_ID),
        "sid": str(SESSION_ID),
        "iat": issued_at,
        "nbf": issued_at,
        "exp": issued_at + settings.jwt_access_ttl_seconds,
        "jti": uuid.uuid4().hex,
    }
    return {key: value for key, value in (payload | changes).items() if value is not None}


def signed(keyset: keys.KeySet, payload: dict[str, Any], **header: Any) -> str:
    """A token signed with the real current key: only the claims or header are wrong."""
    return jwt.encode(
        payload,
        keyset.signing_key,
        algorithm=keyset.alg,
        headers={"kid": keyset.current_kid, "typ": "JWT", **header},
    )


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forged(header: dict[str, Any], payload: dict[str, Any], sign: Callable[[bytes], bytes]) -> str:
    """A token assembled by hand, as an attacker would, bypassing PyJWT's encoder checks."""
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    return f"{signing_input}.{b64(sign(signing_input.encode()))}"


def test_an_issued_token_verifies_to_its_claims(keyset: keys.KeySet, settings: Settings) -> None:
    token = issue(keyset, settings, audience=tokens.SELLER_AUDIENCE)

    found = verify(keyset, settings, token, audience=tokens.SELLER_AUDIENCE)

    assert found == tokens.Claims(
        user_id=USER_ID,
        session_id=SESSION_ID,
        audience="seller-api",
        issued_at=NOW,
        expires_at=NOW + timedelta(seconds=settings.jwt_access_ttl_seconds),
        jti=found.jti,
    )
    assert len(found.jti) == 32
    assert jwt.get_unverified_header(token) == {
        "alg": "ES256",
        "kid": keyset.current_kid,
        "typ": "JWT",
    }


def test_each_token_has_its_own_jti(keyset: keys.KeySet, settings: Settings) -> None:
    first, second = (verify(keyset, settings, issue(keyset, settings)) for _ in range(2))

    assert first.jti != second.jti


def test_a_token_with_alg_none_is_rejected(keyset: keys.KeySet, settings: Settings) -> None:
    header = {"alg": "none", "kid": keyset.current_kid, "typ": "JWT"}

    assert_rejected(keyset, settings, forged(header, claims(settings), lambda _: b""))


def test_an_hs256_token_keyed_with_the_public_pem_is_rejected(
    keyset: keys.KeySet, settings: Settings
) -> None:
    public_pem = keyset.verifying_keys[keyset.current_kid].public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = {"alg": "HS256", "kid": keyset.current_kid, "typ": "JWT"}

    token = forged(
        header,
        claims(settings),
        lambda data: hmac.new(public_pem, data, hashlib.sha256).digest(),
    )

    assert_rejected(keyset, settings, token)


def test_an_rs256_token_is_rejected_when_es256_is_configured(
    keyset: keys.KeySet, settings: Settings
) -> None:
    attacker_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(
        claims(settings),
        attacker_key,
        algorithm="RS256",
        headers={"kid": keyset.current_kid, "typ": "JWT"},
    )

    assert_rejected(keyset, settings, token)


def test_a_token_is_accepted_until_its_last_second(keyset: keys.KeySet, settings: Settings) -> None:
    token = issue(keyset, settings)
    expires_at = NOW + timedelta(seconds=settings.jwt_access_ttl_seconds)

    assert verify(keyset, settings, token, now=expires_at - timedelta(seconds=1)).jti


def test_a_token_is_rejected_once_expired(keyset: keys.KeySet, settings: Settings) -> None:
    token = issue(keyset, settings)
    expires_at = NOW + timedelta(seconds=settings.jwt_access_ttl_seconds)

    assert_rejected(keyset, settings, token, now=expires_at + timedelta(seconds=1))


def test_an_expired_token_is_accepted_only_when_the_caller_allows_it(
    keyset: keys.KeySet, settings: Settings
) -> None:
    token = issue(keyset, settings)
    later = NOW + timedelta(days=3)

    found = tokens.verify(
        keyset, settings, token, audiences=[tokens.CUSTOMER_AUDIENCE], now=later, allow_expired=True
    )

    assert found.session_id == SESSION_ID
    assert_rejected(keyset, settings, token, now=later)


def test_a_token_for_an_unknown_audience_is_never_issued(
    keyset: keys.KeySet, settings: Settings
) -> None:
    with pytest.raises(ValueError, match="unknown audience"):
        issue(keyset, settings, audience="customer_api")


def test_a_token_is_rejected_before_its_not_before_time(
    keyset: keys.KeySet, settings: Settings
) -> None:
    later = int((NOW + timedelta(minutes=5)).timestamp())
    token = signed(keyset, claims(settings, nbf=later))

    assert_rejected(keyset, settings, token)


def test_a_token_issued_in_the_future_is_rejected(keyset: keys.KeySet, settings: Settings) -> None:
    token = issue(keyset, settings, now=NOW + timedelta(seconds=1))

    assert_rejected(keyset, settings, token)


def test_a_token_from_another_issuer_is_rejected(keyset: keys.KeySet, settings: Settings) -> None:
    token = signed(keyset, claims(settings, iss="https://evil.example"))

    assert_rejected(keyset, settings, token)


def test_a_customer_token_is_rejected_by_the_seller_api(
    keyset: keys.KeySet, settings: Settings
) -> None:
    token = issue(keyset, settings, audience=tokens.CUSTOMER_AUDIENCE)

    assert_rejected(keyset, settings, token, audience=tokens.SELLER_AUDIENCE)


@pytest.mark.parametrize("claim", ["exp", "iat", "nbf", "iss", "aud", "sub", "jti", "sid"])
def test_a_token_without_a_required_claim_is_rejected(
    keyset: keys.KeySet, settings: Settings, claim: str
) -> None:
    token = signed(keyset, claims(settings, **{claim: None}))

    assert_rejected(keyset, settings, token)


@pytest.mark.parametrize(
    ("claim", "value"),
    [("sid", "not-a-uuid"), ("sid", 7), ("sub", "not-a-uuid"), ("exp", "9999999999")],
)
def test_a_token_with_a_malformed_claim_is_rejected(
    keyset: keys.KeySet, settings: Settings, claim: str, value: object
) -> None:
    token = signed(keyset, claims(settings, **{claim: value}))

    assert_rejected(keyset, settings, token)


@pytest.mark.parametrize("kid", ["unknown-kid", "../../x", "' OR 1=1", "", 7, None])
def test_a_token_with_a_kid_outside_the_key_set_is_rejected(
    keyset: keys.KeySet, settings: Settings, kid: object
) -> None:
    header = {"alg": keyset.alg, "typ": "JWT"} | ({} if kid is None else {"kid": kid})
    token = forged(header, claims(settings), lambda _: b"\0" * 64)

    assert_rejected(keyset, settings, token)


@pytest.mark.parametrize("field", ["jwk", "jku", "x5u", "x5c"])
def test_a_token_naming_its_own_key_is_rejected(
    keyset: keys.KeySet, settings: Settings, field: str
) -> None:
    # Signed with the genuine key: the header alone must get it refused.
    attacker_key = ec.generate_private_key(ec.SECP256R1()).public_key()
    jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(attacker_key))
    value = {"jwk": jwk, "jku": "https://evil.example/jwks.json", "x5c": ["MIIB"]}.get(
        field, "https://evil.example/cert.pem"
    )

    assert_rejected(keyset, settings, signed(keyset, claims(settings), **{field: value}))


def test_a_token_with_another_type_is_rejected(keyset: keys.KeySet, settings: Settings) -> None:
    token = signed(keyset, claims(settings), typ="at+jwt")

    assert_rejected(keyset, settings, token)


@pytest.mark.parametrize("token", ["", "a.b", "a.b.c", "!!!.@@@.###", "é.é.é", "x" * 5000])
def test_a_malformed_token_is_rejected(keyset: keys.KeySet, settings: Settings, token: str) -> None:
    assert_rejected(keyset, settings, token)


def test_a_token_with_one_payload_character_changed_is_rejected(
    keyset: keys.KeySet, settings: Settings
) -> None:
    header, payload, signature = issue(keyset, settings).split(".")
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    changed = decoded.replace(str(USER_ID).encode(), str(USER_ID)[:-1].encode() + b"2")
    assert changed != decoded

    assert_rejected(keyset, settings, f"{header}.{b64(changed)}.{signature}")


def test_ps256_tokens_are_signed_with_an_rsa_3072_key(
    ps256_keyset: keys.KeySet, settings: Settings
) -> None:
    ps256 = settings.model_copy(update={"jwt_algorithm": "PS256"})

    token = issue(ps256_keyset, ps256)

    assert ps256_keyset.signing_key.key_size == 3072
    assert jwt.get_unverified_header(token)["alg"] == "PS256"
    assert verify(ps256_keyset, ps256, token).user_id == USER_ID


def test_the_largest_session_cookie_fits_the_browser_limit(settings: Settings) -> None:
    # The longest kid the key set accepts, an issuer URL and the longest audience.
    entry = keys.generate_key("PS256") | {"kid": "k" * 64}
    keyset = keys.keyset_from_document({"current": entry["kid"], "keys": [entry]}, "PS256")
    deployed = settings.model_copy(
        update={"jwt_algorithm": "PS256", "jwt_issuer": "https://api.facet.example.com"}
    )

    token = issue(keyset, deployed, audience=tokens.SELLER_AUDIENCE)

    assert len(f"__Host-session={token}") < 4096
