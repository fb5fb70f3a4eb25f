"""Operator commands for the JWT key set (KEY-01, KEY-02); the format is in `shop.auth.keys`.

    python -m shop.auth.keyctl new [--alg ES256]      a fresh key set
    python -m shop.auth.keyctl rotate [--alg ES256]   stdin's key set, rotated
    python -m shop.auth.keyctl retire [--alg ES256]   stdin's key set without its verify-only keys

The document goes to stdout and nothing else does: notes go to stderr, so the output can be
piped between `aws secretsmanager get-secret-value` and `put-secret-value` (docs/deploy.md)
without the private keys touching a file. No AWS calls here. On any error nothing is written to
stdout and the exit status is 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any, get_args

from shop.auth.keys import KeySetError, keyset_from_document, new_document, rotate
from shop.config import JwtAlgorithm, Settings

DEFAULT_ALGORITHM: JwtAlgorithm = Settings.model_fields["jwt_algorithm"].default


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        document = _run(args.command, args.alg)
    except KeySetError as exc:
        # Key set errors never quote key material (shop.auth.keys).
        sys.stderr.write(f"keyctl: {exc}\n")
        return 1
    sys.stdout.write(json.dumps(document) + "\n")
    return 0


def retire(document: dict[str, Any], alg: JwtAlgorithm) -> dict[str, Any]:
    """The key set without its verify-only keys: everything but `current` and `next`."""
    keyset = keyset_from_document(document, alg)
    kept = {keyset.current_kid, keyset.next_kid}
    retired = [entry for entry in document["keys"] if entry["kid"] not in kept]
    if not retired:
        raise KeySetError("nothing to retire: the key set holds only its current and next keys")
    _note(f"retired {', '.join(entry['kid'] for entry in retired)}")
    return {**document, "keys": [entry for entry in document["keys"] if entry["kid"] in kept]}


def _run(command: str, alg: JwtAlgorithm) -> dict[str, Any]:
    if command == "new":
        document = new_document(alg)
    elif command == "rotate":
        current = _read_stdin()
        document = rotate(current, alg)
        _note(
            f"{current['current']} now only verifies: retire it after the overlap (docs/deploy.md)"
        )
    else:
        document = retire(_read_stdin(), alg)
    # Whatever is printed must load, or a deployed stack would refuse every session.
    keyset = keyset_from_document(document, alg)
    _note(f"current {keyset.current_kid}, next {keyset.next_kid}")
    return document


def _read_stdin() -> dict[str, Any]:
    try:
        document = json.loads(sys.stdin.read())
    except json.JSONDecodeError as exc:
        # Position only: the message of a decode error never includes the input.
        raise KeySetError(f"stdin is not a JSON key set ({exc.msg} at char {exc.pos})") from None
    if not isinstance(document, dict):
        raise KeySetError("stdin is not a JSON key set (expected an object)")
    return document


def _note(message: str) -> None:
    sys.stderr.write(f"keyctl: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m shop.auth.keyctl",
        description="Create, rotate and retire the JWT signing key set (JSON on stdin/stdout).",
    )
    parser.add_argument(
        "command",
        choices=["new", "rotate", "retire"],
        help="new: a fresh key set; rotate: next signs, current only verifies, a new next; "
        "retire: drop the keys that only verify, once the overlap after a rotation has passed",
    )
    parser.add_argument(
        "--alg",
        choices=get_args(JwtAlgorithm),
        default=DEFAULT_ALGORITHM,
        help="the stack's JWT_ALGORITHM (default: %(default)s)",
    )
    return parser


if __name__ == "__main__":
    sys.exit(main())
