"""The JWT signing key set, selected by `kid`, with rotation (KEY-01, KEY-02).

The key set is a JSON document, kept in Secrets Manager when deployed (a local file only in
local/test)::

    {"current": "<kid>", "next": "<kid>",
     "keys": [{"kid": "...", "alg": "ES256", "private_key": "<PEM>"},
              {"kid": "...", "alg": "ES256", "public_key": "<PEM>"}]}

`current` signs and needs its private key. Every listed key verifies; a key kept only for the
overlap carries just its public key. `next` is published ahead of its use, so every container
already trusts it when rotation makes it current. Containers re-read the secret every
`JWT_KEYS_MAX_AGE_SECONDS`.

Rotation (every 90 days) and retirement are `python -m shop.auth.keyctl rotate|retire`
(docs/deploy.md has the guarded Secrets Manager pipelines). Rotation makes `next` current, keeps
the old current as a public key and generates a new `next`. Retire the old key only after the
customer idle lifetime (7 days): an expired token of a live session is still re-issued, so a
retired key signs that session out.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import secrets
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from shop.config import JwtAlgorithm, Settings

Algorithm = JwtAlgorithm
SigningKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
VerifyingKey = ec.EllipticCurvePublicKey | rsa.RSAPublicKey

KID_RE = re.compile(r"[A-Za-z0-9_-]{1,64}")
# 3072 bits is the smallest RSA key with 128-bit security (ASVS 11.2.3).
RSA_KEY_BITS = 3072


class KeySetError(RuntimeError):
    """The configured key set is missing or invalid; the message never quotes key material."""


@dataclass(frozen=True, slots=True)
class KeySet:
    alg: Algorithm
    current_kid: str
    signing_key: SigningKey = field(repr=False)
    verifying_keys: Mapping[str, VerifyingKey]
    next_kid: str | None = None


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    kid: str
    alg: Algorithm
    private_key: SecretStr | None = None
    public_key: str | None = None


class _Document(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    current: str
    next: str | None = None
    keys: list[_Entry] = Field(min_length=1)


def load_keyset(settings: Settings) -> KeySet:
    """The key set from Secrets Manager, or outside AWS from the local key file."""
    if settings.jwt_keys_secret_arn is not None:
        # Imported here: boto3 costs ~0.5 s of cold start and only deployed containers need it.
        from aws_lambda_powertools.utilities import parameters

        raw = parameters.get_secret(
            settings.jwt_keys_secret_arn, max_age=settings.jwt_keys_max_age_seconds
        )
    elif settings.is_deployed:
        raise KeySetError(
            "a deployed stack reads JWT keys from Secrets Manager only: set JWT_KEYS_SECRET_ARN"
        )
    else:
        try:
            raw = Path(settings.jwt_keys_file).read_text(encoding="utf-8")
        except OSError as exc:
            raise KeySetError(f"cannot read the JWT key file {settings.jwt_keys_file}") from exc
    return _parse(raw, settings.jwt_algorithm)


@functools.lru_cache(maxsize=4)
def _parse(raw: str, alg: Algorithm) -> KeySet:
    # Cached by content: RSA key loading is slow, and the secret changes only on rotation.
    try:
        document = _Document.model_validate_json(raw)
    except ValidationError as exc:
        raise KeySetError(_describe(exc)) from None
    return _build(document, alg)


def keyset_from_document(document: Mapping[str, Any], alg: Algorithm) -> KeySet:
    """A key set from an already parsed document."""
    return _build(_validate(document), alg)


def generate_key(alg: Algorithm) -> dict[str, str]:
    """A new key set entry with a fresh private key: P-256 for ES256, RSA-3072 otherwise."""
    private: SigningKey = (
        ec.generate_private_key(ec.SECP256R1())
        if alg == "ES256"
        else rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_BITS)
    )
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # The date tells an operator how old a key is; the random part keeps kids unique.
    kid = f"{datetime.now(UTC):%Y%m%d}-{secrets.token_hex(6)}"
    return {"kid": kid, "alg": alg, "private_key": pem.decode()}


def new_document(alg: Algorithm) -> dict[str, Any]:
    """A key set with a current key and a published next key."""
    current, upcoming = generate_key(alg), generate_key(alg)
    return {"current": current["kid"], "next": upcoming["kid"], "keys": [current, upcoming]}


def rotate(document: Mapping[str, Any], alg: Algorithm) -> dict[str, Any]:
    """The document after rotation: `next` signs, the old current key is kept public-only."""
    parsed = _validate(document)
    keyset = _build(parsed, alg)
    if keyset.next_kid is None:
        raise KeySetError(
            "the key set has no next key: publish one and wait for containers to load it"
        )
    upcoming = generate_key(alg)
    keys = [
        _public_only(entry, keyset.verifying_keys[entry.kid])
        if entry.kid == keyset.current_kid
        else _dump(entry)
        for entry in parsed.keys
    ]
    return {"current": keyset.next_kid, "next": upcoming["kid"], "keys": [*keys, upcoming]}


def ensure_local_keyset_file(path: str | os.PathLike[str], alg: Algorithm) -> None:
    """Create a local key file (owner-only) unless it exists; never overwrites it."""
    target = Path(path)
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    # Written aside (mkstemp makes it 0600) and hard-linked into place, which fails if another
    # process won the race: a reader never sees a half-written file, nobody overwrites.
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".jwt-keys-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(new_document(alg), file, indent=2)
        with contextlib.suppress(FileExistsError):
            os.link(tmp, target)
    finally:
        os.unlink(tmp)


def _validate(document: Mapping[str, Any]) -> _Document:
    try:
        return _Document.model_validate(document)
    except ValidationError as exc:
        raise KeySetError(_describe(exc)) from None


def _describe(exc: ValidationError) -> str:
    problems = "; ".join(
        f"{'.'.join(map(str, error['loc'])) or 'document'}: {error['msg']}"
        for error in exc.errors(include_url=False, include_input=False)
    )
    return f"invalid JWT key set: {problems}"


def _build(document: _Document, alg: Algorithm) -> KeySet:
    signing: dict[str, SigningKey] = {}
    verifying: dict[str, VerifyingKey] = {}
    for entry in document.keys:
        if not KID_RE.fullmatch(entry.kid):
            raise KeySetError(f"invalid JWT key set: a kid must match {KID_RE.pattern}")
        if entry.kid in verifying:
            raise KeySetError(f"invalid JWT key set: kid {entry.kid} is listed twice")
        if entry.alg != alg:
            # One algorithm for every key: the verifier allows exactly one (JWT-01).
            raise KeySetError(f"invalid JWT key set: key {entry.kid} is {entry.alg}, not {alg}")
        if entry.private_key is not None and entry.public_key is None:
            private = _load_private(entry.kid, entry.private_key.get_secret_value())
            signing[entry.kid] = private
            verifying[entry.kid] = _checked(entry.kid, private.public_key(), alg)
        elif entry.public_key is not None and entry.private_key is None:
            verifying[entry.kid] = _checked(
                entry.kid, _load_public(entry.kid, entry.public_key), alg
            )
        else:
            raise KeySetError(
                f"invalid JWT key set: key {entry.kid} needs one of private_key or public_key"
            )
    for role, kid in (("current", document.current), ("next", document.next)):
        if kid is not None and kid not in signing:
            raise KeySetError(f"invalid JWT key set: the {role} key needs a listed private key")
    if document.next == document.current:
        raise KeySetError("invalid JWT key set: next must differ from current")
    return KeySet(
        alg=alg,
        current_kid=document.current,
        signing_key=signing[document.current],
        verifying_keys=MappingProxyType(verifying),
        next_kid=document.next,
    )


def _load_private(kid: str, pem: str) -> SigningKey:
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        # The library's message is dropped: the caller may log it and it describes the key.
        raise KeySetError(
            f"invalid JWT key set: key {kid} is not an unencrypted PEM private key"
        ) from None
    if not isinstance(key, ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        raise KeySetError(f"invalid JWT key set: key {kid} is neither EC nor RSA")
    return key


def _load_public(kid: str, pem: str) -> PublicKeyTypes:
    try:
        return serialization.load_pem_public_key(pem.encode())
    except (ValueError, UnsupportedAlgorithm):
        raise KeySetError(f"invalid JWT key set: key {kid} is not a PEM public key") from None


def _checked(kid: str, key: PublicKeyTypes, alg: Algorithm) -> VerifyingKey:
    if alg == "ES256":
        if isinstance(key, ec.EllipticCurvePublicKey) and isinstance(key.curve, ec.SECP256R1):
            return key
        raise KeySetError(f"invalid JWT key set: key {kid} is not a P-256 key")
    if isinstance(key, rsa.RSAPublicKey) and key.key_size >= RSA_KEY_BITS:
        return key
    raise KeySetError(f"invalid JWT key set: key {kid} is not an RSA key of {RSA_KEY_BITS}+ bits")


def _dump(entry: _Entry) -> dict[str, Any]:
    dumped = entry.model_dump(exclude_none=True, exclude={"private_key"})
    if entry.private_key is not None:
        dumped["private_key"] = entry.private_key.get_secret_value()
    return dumped


def _public_only(entry: _Entry, key: VerifyingKey) -> dict[str, str]:
    pem = key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return {"kid": entry.kid, "alg": entry.alg, "public_key": pem.decode()}
