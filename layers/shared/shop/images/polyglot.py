"""The bytes of an image file that are not compressed pixels: headers, metadata segments and
anything after the image's end. A polyglot hides its HTML or script there; compressed pixel
data is left out of the scan because, being near-random, it would match a short tag by chance
(about one 10 MiB photo in two thousand for `<svg `)."""

from __future__ import annotations

import re
import struct

# Markup a browser sniffing the file might run as HTML or script.
_ACTIVE_CONTENT = re.compile(
    rb"<(?:script|html|body|iframe|svg|object|embed|!doctype|\?php)[\s>/]|javascript:",
    re.IGNORECASE,
)
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_PIXELS = {b"IDAT", b"fdAT"}
_WEBP_PIXELS = {b"VP8 ", b"VP8L", b"ALPH", b"ANMF"}


def carries_markup(data: bytes, fmt: str) -> bool:
    """True when the non-pixel parts of a JPEG, PNG or WEBP file contain web markup."""
    return _ACTIVE_CONTENT.search(_non_pixel_bytes(data, fmt)) is not None


def _non_pixel_bytes(data: bytes, fmt: str) -> bytes:
    if fmt == "JPEG":
        return _jpeg(data)
    if fmt == "PNG":
        return _chunks(data, len(_PNG_SIGNATURE), _PNG_PIXELS, big_endian=True)
    return _chunks(data, 12, _WEBP_PIXELS, big_endian=False)


def _jpeg(data: bytes) -> bytes:
    """Everything before the first scan (markers, EXIF, comments) and after the end of image.
    Entropy-coded data escapes every 0xFF, so the first FFD9 after the scan starts is the end."""
    start = data.find(b"\xff\xda")
    if start < 0:
        return data
    end = data.find(b"\xff\xd9", start)
    return data[:start] + (data[end + 2 :] if end >= 0 else b"")


def _chunks(data: bytes, offset: int, pixels: set[bytes], *, big_endian: bool) -> bytes:
    """PNG (length, type, data, CRC) or RIFF/WebP (type, length, data, pad) chunks, without
    the pixel chunks' data; whatever follows the last whole chunk is kept."""
    kept = [data[:offset]]
    position = offset
    while position + 8 <= len(data):
        if big_endian:
            (length,) = struct.unpack(">I", data[position : position + 4])
            kind = data[position + 4 : position + 8]
            end = position + 8 + length + 4  # CRC
        else:
            kind = data[position : position + 4]
            (length,) = struct.unpack("<I", data[position + 4 : position + 8])
            end = position + 8 + length + (length & 1)  # padded to even
        if end > len(data):
            break
        kept.append(data[position : position + 8] if kind in pixels else data[position:end])
        position = end
    kept.append(data[position:])
    return b"".join(kept)
