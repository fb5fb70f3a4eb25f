"""Markup is looked for where a polyglot can hide it (headers, metadata, after the image),
never in compressed pixels, where short tags turn up by chance in ordinary photos."""

from __future__ import annotations

import struct
import zlib

import pytest

from shop.images.polyglot import carries_markup
from tests.images import corpus


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(*chunks: bytes) -> bytes:
    header = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    return b"\x89PNG\r\n\x1a\n" + header + b"".join(chunks) + png_chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        pytest.param(corpus.polyglot_jpeg(), "JPEG", id="html-after-jpeg-end"),
        pytest.param(corpus.jpeg_with_html_comment(), "JPEG", id="html-in-jpeg-comment"),
        pytest.param(corpus.png_with_html_text(), "PNG", id="html-in-png-text"),
        pytest.param(corpus.photo(fmt="PNG") + corpus.HTML, "PNG", id="html-after-png-end"),
        pytest.param(corpus.webp_with_html_xmp(), "WEBP", id="html-in-webp-xmp"),
    ],
)
def test_markup_in_metadata_or_after_the_image_is_found(data: bytes, fmt: str) -> None:
    assert carries_markup(data, fmt)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_plain_image_carries_no_markup(fmt: str) -> None:
    assert not carries_markup(corpus.photo(fmt=fmt), fmt)


def test_tag_like_bytes_inside_compressed_pixels_do_not_count() -> None:
    pixels = png_chunk(b"IDAT", b"\x00<svg />\x00")

    assert not carries_markup(png(pixels), "PNG")
    assert carries_markup(png(png_chunk(b"tEXt", b"c\x00<svg />")), "PNG")
