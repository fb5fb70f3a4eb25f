"""Image files for the tests, made here: valid ones and the hostile corpus (IMG-05..07)."""

from __future__ import annotations

import io

from PIL import ExifTags, Image

HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
ORIENTATION = 0x0112


def photo(width: int = 800, height: int = 600, fmt: str = "JPEG", **save: object) -> bytes:
    """A picture with detail (a gradient), so encoders do real work."""
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    out = io.BytesIO()
    image.save(out, fmt, **save)
    return out.getvalue()


def jpeg_with_gps_rotated(width: int = 800, height: int = 600) -> bytes:
    """A JPEG stored landscape with Orientation=6 (display rotated 90°) and a GPS position."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 29.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 17.0, 40.0)
    return photo(width, height, exif=exif.tobytes())


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (64, 64)).save(out, "GIF")
    return out.getvalue()


def truncated_jpeg() -> bytes:
    data = photo()
    return data[: len(data) // 2]


def pixel_flood_png(width: int = 8000, height: int = 6000) -> bytes:
    """48 megapixels in a few KB: one flat colour compresses to almost nothing."""
    out = io.BytesIO()
    Image.new("1", (width, height)).save(out, "PNG", optimize=True)
    return out.getvalue()


def animated_webp() -> bytes:
    frames = [Image.new("RGB", (64, 64), colour) for colour in ("red", "blue")]
    out = io.BytesIO()
    frames[0].save(out, "WEBP", save_all=True, append_images=frames[1:], duration=100)
    return out.getvalue()


def polyglot_jpeg() -> bytes:
    """A valid JPEG with an HTML page after its end: browsers sniffing it may run the page."""
    return photo() + HTML


def transparent_png(width: int = 300, height: int = 200) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (width, height), (255, 0, 0, 128)).save(out, "PNG")
    return out.getvalue()


def jpeg_with_html_comment() -> bytes:
    """A valid JPEG whose COM segment is an HTML page."""
    return photo(comment=HTML)


def png_with_html_text() -> bytes:
    from PIL import PngImagePlugin

    text = PngImagePlugin.PngInfo()
    text.add_text("Description", HTML.decode())
    return photo(fmt="PNG", pnginfo=text)


def webp_with_html_xmp() -> bytes:
    return photo(fmt="WEBP", xmp=HTML)
