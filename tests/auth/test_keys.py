from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import traceback
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from pydantic import SecretStr

from shop.auth import keys, tokens
from shop.auth.keys import KeySetError
from shop.config import Settings

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return keys.new_document("ES256")


def issue(keyset: keys.KeySet, settings: Settings) -> str:
    return tokens.issue(
        keyset,
        settings,
        user_id=uuid.uuid4(),
        session_id=uuid.uuid4(),
        audience=tokens.CUSTOMER_AUDIENCE,
        now=NOW,
    )


def verify(keyset: keys.KeySet, settings: Settings, token: str) -> tokens.Claims:
    return tokens.verify(keyset, settings, token, audiences=[tokens.CUSTOMER_AUDIENCE], now=NOW)


def store_secret(settings: Settings, document: dict[str, Any]) -> Settings:
    client = boto3.client("secretsmanager", region_name=settings.aws_region)
    arn = client.create_secret(Name=f"jwt-keys-{uuid.uuid4()}", SecretString=json.dumps(document))
    return settings.model_copy(update={"jwt_keys_secret_arn": arn["ARN"]})


def pem(key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


def test_the_key_set_loads_from_secrets_manager(
    settings: Settings, document: dict[str, Any]
) -> None:
    deployed = store_secret(settings, document)

    keyset = keys.load_keyset(deployed)

    assert keyset.current_kid == document["current"]
    assert verify(keyset, deployed, issue(keyset, deployed)).audience == "customer-api"


def test_an_unchanged_secret_is_parsed_once(settings: Settings, document: dict[str, Any]) -> None:
    deployed = store_secret(settings, document)

    assert keys.load_keyset(deployed) is keys.load_keyset(deployed)


def test_a_rotated_secret_reaches_a_warm_container(
    settings: Settings, document: dict[str, Any]
) -> None:
    # A zero cache age stands in for JWT_KEYS_MAX_AGE_SECONDS passing.
    deployed = store_secret(settings.model_copy(update={"jwt_keys_max_age_seconds": 0}), document)
    keys.load_keyset(deployed)
    rotated = keys.rotate(document, "ES256")
    client = boto3.client("secretsmanager", region_name=settings.aws_region)
    client.put_secret_value(
        SecretId=str(deployed.jwt_keys_secret_arn), SecretString=json.dumps(rotated)
    )

    assert keys.load_keyset(deployed).current_kid == rotated["current"]


def test_the_key_file_is_read_outside_aws(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "jwt-keys.json"
    keys.ensure_local_keyset_file(path, "ES256")

    keyset = keys.load_keyset(settings.model_copy(update={"jwt_keys_file": str(path)}))

    assert keyset.current_kid == json.loads(path.read_text())["current"]


def test_a_deployed_stack_refuses_the_key_file(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "jwt-keys.json"
    keys.ensure_local_keyset_file(path, "ES256")
    production = Settings(
        environment="production",
        stripe_secret_key=SecretStr("sk_test_x"),
        stripe_webhook_secret=SecretStr("whsec_x"),
        jwt_keys_secret_arn="arn:aws:secretsmanager:us-east-1:123456789012:secret:jwt",
    )
    # Settings itself refuses a missing ARN; this is the loader's own line of defence.
    misconfigured = production.model_copy(
        update={"jwt_keys_secret_arn": None, "jwt_keys_file": str(path)}
    )

    with pytest.raises(KeySetError, match="Secrets Manager only"):
        keys.load_keyset(misconfigured)


def test_a_missing_key_file_is_reported_by_path(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "absent.json"

    with pytest.raises(KeySetError, match=str(path)):
        keys.load_keyset(settings.model_copy(update={"jwt_keys_file": str(path)}))


def test_the_local_key_file_is_created_owner_only_and_never_overwritten(
    tmp_path: Path,
) -> None:
    path = tmp_path / "data" / "jwt-keys.json"

    keys.ensure_local_keyset_file(path, "ES256")
    first = path.read_bytes()
    keys.ensure_local_keyset_file(path, "ES256")

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes() == first
    assert os.listdir(path.parent) == ["jwt-keys.json"]
    assert keys.keyset_from_document(json.loads(first), "ES256").next_kid is not None


def test_rotation_keeps_the_old_key_verifying_until_it_is_retired(
    settings: Settings, document: dict[str, Any]
) -> None:
    keyset_a = keys.keyset_from_document(document, "ES256")
    token_a = issue(keyset_a, settings)

    rotated = keys.rotate(document, "ES256")
    keyset_b = keys.keyset_from_document(rotated, "ES256")
    token_b = issue(keyset_b, settings)
    retired = rotated | {"keys": [k for k in rotated["keys"] if k["kid"] != document["current"]]}
    keyset_c = keys.keyset_from_document(retired, "ES256")

    old_entry = next(k for k in rotated["keys"] if k["kid"] == document["current"])
    assert set(old_entry) == {"kid", "alg", "public_key"}
    assert jwt.get_unverified_header(token_b)["kid"] == document["next"] == rotated["current"]
    assert verify(keyset_b, settings, token_a).jti
    with pytest.raises(tokens.InvalidToken):
        verify(keyset_c, settings, token_a)


def test_a_container_not_yet_on_the_rotated_key_set_accepts_the_new_tokens(
    settings: Settings, document: dict[str, Any]
) -> None:
    stale = keys.keyset_from_document(document, "ES256")
    rotated = keys.keyset_from_document(keys.rotate(document, "ES256"), "ES256")

    assert verify(stale, settings, issue(rotated, settings)).jti


def test_rotation_needs_a_published_next_key(document: dict[str, Any]) -> None:
    current = next(k for k in document["keys"] if k["kid"] == document["current"])

    with pytest.raises(KeySetError, match="no next key"):
        keys.rotate({"current": current["kid"], "keys": [current]}, "ES256")


def _replace_current(document: dict[str, Any], **changes: Any) -> dict[str, Any]:
    entries = [{**k, **changes} if k["kid"] == document["current"] else k for k in document["keys"]]
    return {**document, "keys": entries}


def _public_only_current(document: dict[str, Any]) -> dict[str, Any]:
    public = keys.keyset_from_document(document, "ES256").verifying_keys[document["current"]]
    public_pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return _replace_current(document, private_key=None, public_key=public_pem.decode())


Broken = Callable[[dict[str, Any]], dict[str, Any]]


@pytest.mark.parametrize(
    ("broken", "reason"),
    [
        pytest.param(lambda d: _replace_current(d, alg="PS256"), "is PS256, not ES256", id="alg"),
        pytest.param(
            lambda d: _replace_current(d, kid="../x") | {"current": "../x"},
            "a kid must match",
            id="kid-path",
        ),
        pytest.param(
            lambda d: d | {"keys": [d["keys"][0], *d["keys"]]}, "listed twice", id="kid-twice"
        ),
        pytest.param(lambda d: d | {"current": "absent"}, "current key needs", id="unlisted"),
        pytest.param(_public_only_current, "current key needs", id="public-only-current"),
        pytest.param(lambda d: d | {"next": d["current"]}, "must differ", id="next-is-current"),
        pytest.param(
            lambda d: _replace_current(d, public_key="x"), "needs one of", id="private-and-public"
        ),
        pytest.param(lambda d: _replace_current(d, use="sig"), "Extra inputs", id="extra-field"),
        pytest.param(lambda d: d | {"keys": []}, "at least 1 item", id="no-keys"),
        pytest.param(
            lambda d: _replace_current(d, private_key="not a key"), "not an unencrypted", id="pem"
        ),
        pytest.param(
            lambda d: _replace_current(d, private_key=pem(ec.generate_private_key(ec.SECP384R1()))),
            "not a P-256 key",
            id="p384",
        ),
        pytest.param(
            lambda d: _replace_current(d, private_key=pem(rsa.generate_private_key(65537, 2048))),
            "not a P-256 key",
            id="rsa-for-es256",
        ),
    ],
)
def test_an_invalid_key_set_is_refused(
    document: dict[str, Any], broken: Broken, reason: str
) -> None:
    with pytest.raises(KeySetError, match=f"^invalid JWT key set: .*{reason}"):
        keys.keyset_from_document(broken(document), "ES256")


def test_an_rsa_key_below_3072_bits_is_refused() -> None:
    entry = keys.generate_key("PS256") | {"private_key": pem(rsa.generate_private_key(65537, 2048))}

    with pytest.raises(KeySetError, match="3072"):
        keys.keyset_from_document({"current": entry["kid"], "keys": [entry]}, "PS256")


def test_key_set_errors_never_quote_key_material(document: dict[str, Any]) -> None:
    leaked = _replace_current(document, use="sig", private_key=document["keys"][0]["private_key"])
    secret_line = document["keys"][0]["private_key"].splitlines()[1]

    with pytest.raises(KeySetError) as refused:
        keys.keyset_from_document(leaked, "ES256")

    assert secret_line not in "".join(traceback.format_exception(refused.value))


def test_the_token_modules_do_not_import_boto3() -> None:
    # boto3 adds ~0.5 s to every cold start; only a container reading the secret pays it.
    code = "import sys, shop.auth.tokens; sys.exit('boto3' in sys.modules)"
    shared = Path(__file__).parents[2] / "layers" / "shared"

    result = subprocess.run(
        [sys.executable, "-c", code], env=os.environ | {"PYTHONPATH": str(shared)}, check=False
    )

    assert result.returncode == 0
