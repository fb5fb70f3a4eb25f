"""Argon2id password hashing with parameters from settings, and the new-password policy."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from shop.config import Settings
from shop.exceptions import ShopError


class WeakPassword(ShopError):
    status_code = 422
    code = "weak_password"


@functools.cache
def hasher(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(
        time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, type=Type.ID
    )


def password_hasher(settings: Settings) -> PasswordHasher:
    return hasher(
        settings.argon2_time_cost, settings.argon2_memory_kib, settings.argon2_parallelism
    )


@functools.cache
def _dummy_hash(ph: PasswordHasher) -> str:
    return ph.hash("facet-dummy-password-for-timing")


def hash_password(settings: Settings, password: str) -> str:
    return password_hasher(settings).hash(password)


def verify_with(ph: PasswordHasher, stored_hash: str | None, secret: str) -> bool:
    """Exactly one Argon2 verification on every path, so a missing account or code (no hash)
    costs the same time as a wrong guess (no enumeration by timing)."""
    try:
        matched = ph.verify(stored_hash or _dummy_hash(ph), secret)
    except (VerificationError, InvalidHashError):
        return False
    return matched and stored_hash is not None


def verify_password(settings: Settings, password_hash: str | None, password: str) -> bool:
    return verify_with(password_hasher(settings), password_hash, password)


def needs_rehash(settings: Settings, password_hash: str) -> bool:
    return password_hasher(settings).check_needs_rehash(password_hash)


def check_new_password(settings: Settings, password: str, *, user_inputs: list[str]) -> None:
    """Length is checked by the schema; this refuses common and guessable passwords.

    zxcvbn carries a 30,000-entry common-password list plus dictionaries of names and words and
    scores keyboard walks, repeats, dates and the user's own email/name (NIST 800-63B §5.1.1.2).
    """
    # Imported on first use: its dictionaries cost ~30 ms and only these endpoints need them.
    from zxcvbn import zxcvbn

    # zxcvbn refuses input over 72 characters (its cost grows fast); the first 72 decide.
    score = zxcvbn(password[:72], user_inputs=user_inputs)["score"]
    if score < settings.password_min_strength:
        raise WeakPassword(
            "This password is too common or too easy to guess; use a longer passphrase"
        )
