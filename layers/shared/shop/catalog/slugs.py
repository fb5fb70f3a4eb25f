"""URL slugs for category names: lower-case ASCII words joined by hyphens."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")


def slugify(name: str) -> str:
    """'Rose Gold & Pearls' -> 'rose-gold-pearls'; accents folded ('Boucles d'oreille' ->
    'boucles-d-oreille'). Empty when nothing ASCII is left."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return _NON_WORD.sub("-", ascii_name.lower()).strip("-")[:120]
