"""Turn an uploaded file into WebP variants, or refuse it with a reason a seller can read.

The checks follow security-requirements IMG-05..07: a format allowlist, the declared type must
be what the bytes are, verify then reopen, a pixel cap with Pillow's bomb warning raised as an
error, one frame only, orientation applied, and a re-encode that carries no metadata at all.
Pillow is imported here only, on the thumbnailer's path.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from shop.images import polyglot

if TYPE_CHECKING:
    from PIL.Image import Image

# Declared content type -> the Pillow format the bytes must decode as (UP-03, IMG-05).
FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/webp": "WEBP"}
# libwebp's effort (0 fast .. 6 small): 4 is its default balance of size and encode time.
WEBP_METHOD = 4


class Rejected(Exception):
    """The file is refused; `reason` is shown to the seller."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Rendition:
    size: int  # the configured long side this variant stands for
    width: int
    height: int
    data: bytes


def render(
    data: bytes,
    content_type: str,
    *,
    sizes: Sequence[int],
    max_pixels: int,
    quality: int,
) -> list[Rendition]:
    """One WebP per size (long side at most that size, never upscaled); sizes the original is
    too small for share the largest rendition it allows. Raises Rejected."""
    from PIL import Image

    expected = FORMATS.get(content_type)
    if expected is None:
        raise Rejected("Only JPEG, PNG and WebP images are accepted")
    Image.MAX_IMAGE_PIXELS = max_pixels
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = _decode(data, expected, max(sizes))
        except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
            raise Rejected(f"The image has more than {max_pixels:,} pixels") from exc
    # A decodable image can still carry a page (appended or in a comment segment) that a
    # browser sniffing the original would run: such a polyglot is refused, not just re-encoded.
    if polyglot.carries_markup(data, FORMATS[content_type]):
        raise Rejected("The file contains web markup or script besides the image")
    return _variants(image, sizes, quality)


def _decode(data: bytes, expected: str, largest: int) -> Image:
    from PIL import Image, ImageOps, UnidentifiedImageError

    allowed = list(FORMATS.values())
    try:
        with Image.open(io.BytesIO(data), formats=allowed) as probe:
            if probe.format != expected:
                raise Rejected(
                    f"The file is a {probe.format} image, not the {expected} it was declared as"
                )
            if getattr(probe, "n_frames", 1) > 1:
                raise Rejected("Animated or multi-frame images are not accepted")
            probe.verify()
        # verify() leaves the image unusable: decode from a fresh open.
        with Image.open(io.BytesIO(data), formats=[expected]) as image:
            if expected == "JPEG":
                # Let the decoder scale by 1/2..1/8 while staying above the largest variant:
                # a 12 MP photo decodes in a fraction of the time and memory.
                image.draft("RGB", (largest, largest))
            image.load()
            # In place, like every step here: a 40 MP RGBA image is 160 MB per copy.
            ImageOps.exif_transpose(image, in_place=True)
    except UnidentifiedImageError as exc:
        raise Rejected("The file is not a JPEG, PNG or WebP image") from exc
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        # Pillow's words for truncated or corrupt data ("image file is truncated", broken
        # PNG chunks, bad Huffman tables) across its plugins.
        raise Rejected("The image file is damaged or incomplete") from exc
    return _without_metadata(image)


def _without_metadata(image: Image) -> Image:
    """RGB or RGBA pixels only: no EXIF (GPS), XMP, ICC profile or comments (IMG-07)."""
    if image.mode not in ("RGB", "RGBA"):
        has_alpha = image.mode in ("LA", "PA") or (
            image.mode == "P" and "transparency" in image.info
        )
        image = image.convert("RGBA" if has_alpha else "RGB")
    image.info.clear()
    return image


def _variants(image: Image, sizes: Sequence[int], quality: int) -> list[Rendition]:
    from PIL import Image

    renditions: list[Rendition] = []
    current = image  # ours to change: the largest variant is made in place
    # Largest first, each smaller one from (a copy of) the one before: fewer pixels to resample.
    for size in sorted(sizes, reverse=True):
        if max(current.size) > size:
            if renditions:
                current = current.copy()
            current.thumbnail((size, size), Image.Resampling.LANCZOS)
        previous = renditions[-1] if renditions else None
        if previous is not None and (previous.width, previous.height) == current.size:
            renditions.append(Rendition(size, previous.width, previous.height, previous.data))
            continue
        out = io.BytesIO()
        current.save(out, "WEBP", quality=quality, method=WEBP_METHOD)
        renditions.append(Rendition(size, current.width, current.height, out.getvalue()))
    return sorted(renditions, key=lambda rendition: rendition.size)
