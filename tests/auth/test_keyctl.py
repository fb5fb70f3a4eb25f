"""The operator CLI, run as operators run it: `python -m shop.auth.keyctl` with stdin/stdout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization

from shop.auth import keys

SHARED = Path(__file__).resolve().parents[2] / "layers" / "shared"


def keyctl(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "shop.auth.keyctl", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env=os.environ | {"PYTHONPATH": str(SHARED)},
    )


def printed(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert result.returncode == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def public_pem(keyset: keys.KeySet, kid: str) -> bytes:
    return keyset.verifying_keys[kid].public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return keys.new_document("ES256")


@pytest.fixture(scope="module")
def rotated(document: dict[str, Any]) -> dict[str, Any]:
    return printed(keyctl("rotate", stdin=json.dumps(document)))


def test_new_prints_a_key_set_with_a_current_and_a_next_key() -> None:
    keyset = keys.keyset_from_document(printed(keyctl("new")), "ES256")

    assert keyset.next_kid is not None
    assert set(keyset.verifying_keys) == {keyset.current_kid, keyset.next_kid}


def test_new_prints_keys_for_the_chosen_algorithm() -> None:
    document = printed(keyctl("new", "--alg", "PS256"))

    assert keys.keyset_from_document(document, "PS256").alg == "PS256"


def test_rotate_makes_the_next_key_current(
    document: dict[str, Any], rotated: dict[str, Any]
) -> None:
    keyset = keys.keyset_from_document(rotated, "ES256")

    assert keyset.current_kid == document["next"]
    assert keyset.next_kid not in (document["current"], document["next"])


def test_rotate_keeps_the_old_current_key_for_verifying_only(
    document: dict[str, Any], rotated: dict[str, Any]
) -> None:
    before = keys.keyset_from_document(document, "ES256")
    after = keys.keyset_from_document(rotated, "ES256")
    (old_entry,) = (k for k in rotated["keys"] if k["kid"] == document["current"])

    assert set(old_entry) == {"kid", "alg", "public_key"}
    assert public_pem(after, document["current"]) == public_pem(before, document["current"])


def test_retire_drops_the_key_that_only_verifies(
    document: dict[str, Any], rotated: dict[str, Any]
) -> None:
    retired = keys.keyset_from_document(
        printed(keyctl("retire", stdin=json.dumps(rotated))), "ES256"
    )

    assert set(retired.verifying_keys) == {rotated["current"], rotated["next"]}
    assert document["current"] not in retired.verifying_keys


def test_retire_refuses_a_key_set_with_nothing_to_retire(document: dict[str, Any]) -> None:
    result = keyctl("retire", stdin=json.dumps(document))

    assert (result.returncode, result.stdout) == (1, "")
    assert "nothing to retire" in result.stderr


@pytest.mark.parametrize(
    ("args", "stdin", "reason"),
    [
        pytest.param(["rotate"], "", "not a JSON key set", id="empty-stdin"),
        pytest.param(["rotate"], "[]", "not a JSON key set", id="not-an-object"),
        pytest.param(["rotate", "--alg", "PS256"], None, "not PS256", id="wrong-alg"),
        pytest.param(["retire", "--alg", "PS256"], None, "not PS256", id="retire-wrong-alg"),
    ],
)
def test_a_refused_key_set_prints_nothing_and_no_key_material(
    document: dict[str, Any], args: list[str], stdin: str | None, reason: str
) -> None:
    # Piped into put-secret-value: an error must leave stdout empty, and stderr is a terminal.
    result = keyctl(*args, stdin=json.dumps(document) if stdin is None else stdin)
    secret_line = document["keys"][0]["private_key"].splitlines()[1]

    assert (result.returncode, result.stdout) == (1, "")
    assert reason in result.stderr
    assert secret_line not in result.stderr


def test_keyctl_needs_no_aws_access() -> None:
    # It only transforms documents; the operator's aws CLI reads and writes the secret.
    offline = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    code = (
        "import sys; from shop.auth import keyctl; "
        "status = keyctl.main(['new']); sys.exit(status or 'boto3' in sys.modules)"
    )

    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
        env=offline | {"PYTHONPATH": str(SHARED)},
    )

    assert result.returncode == 0, result.stderr
    assert keys.keyset_from_document(json.loads(result.stdout), "ES256")
