"""Pictures for the demo catalog: one procedurally drawn gem per material, turned into the
thumbnailer's WebP variants by the same code (shop.images.processing) and written under the
keys it writes (public/{image_id}/{size}.webp).

The emulated bucket lives in memory, so the variants are uploaded again on every start. Demo
products of one material share their picture's objects: a few dozen uploads instead of a few
thousand. Deleting one demo image therefore blanks its material's picture until the next start.
"""

from __future__ import annotations

import io
import uuid
from concurrent.futures import ThreadPoolExecutor

from shop.config import Settings
from shop.images import processing
from shop.images.storage import ImageStorage, variant_key

SIDE = 1200  # the largest variant's long side: nothing is upscaled
CONTENT_TYPE = "image/png"  # what the "upload" was, for the row
UPLOAD_THREADS = 8
# (metal light, metal dark): the gem's facets shade between them.
PALETTE: dict[str, tuple[tuple[int, int, int], tuple[int, int, int]]] = {
    "gold": ((255, 221, 120), (176, 120, 20)),
    "white gold": ((245, 245, 235), (150, 150, 140)),
    "rose gold": ((250, 200, 185), (170, 95, 80)),
    "silver": ((235, 240, 248), (120, 128, 140)),
    "platinum": ((228, 228, 232), (110, 112, 120)),
    "palladium": ((215, 215, 205), (95, 95, 90)),
    "titanium": ((200, 205, 215), (70, 78, 92)),
    "stainless steel": ((220, 225, 228), (90, 98, 104)),
}
DEFAULT_COLOURS = ((230, 230, 230), (100, 100, 100))


def picture_id(material: str) -> uuid.UUID:
    """The image id whose variant keys a material's picture is stored under."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"facet-demo-picture:{material}")


def variant_keys(settings: Settings, material: str) -> dict[str, str]:
    """{size: object key}, as a ready row's `variants`."""
    image_id = picture_id(material)
    return {str(size): variant_key(image_id, size) for size in settings.image_variant_sizes}


def draw(material: str, variety: int = 0) -> bytes:
    """A faceted gem seen from the side on a soft glow, as PNG bytes."""
    from PIL import Image, ImageDraw, ImageOps

    light, dark = PALETTE.get(material, DEFAULT_COLOURS)
    glow = Image.radial_gradient("L").resize((SIDE, SIDE))
    r, g, b = (min(255, c // 4 + 200) for c in light)
    picture = ImageOps.colorize(glow, (r, g, b), (60, 60, 70))  # light centre, dark corners
    pen = ImageDraw.Draw(picture)
    facets = 5 + variety % 4
    centre, table_y, girdle_y, culet_y = SIDE / 2, SIDE * 0.3, SIDE * 0.45, SIDE * 0.8
    table, girdle = SIDE * (0.16 + 0.02 * (variety % 3)), SIDE * 0.34

    def across(half: float, step: int) -> float:
        return centre - half + 2 * half * step / facets

    def shade(step: int, of: int) -> tuple[int, int, int]:
        t = (step % 2) * 0.5 + step / (2 * of)
        return (
            round(light[0] * (1 - t) + dark[0] * t),
            round(light[1] * (1 - t) + dark[1] * t),
            round(light[2] * (1 - t) + dark[2] * t),
        )

    for step in range(facets):
        crown = [
            (across(table, step), table_y),
            (across(table, step + 1), table_y),
            (across(girdle, step + 1), girdle_y),
            (across(girdle, step), girdle_y),
        ]
        pen.polygon(crown, fill=shade(step, facets), outline=dark)
        pavilion = [(across(girdle, step), girdle_y), (across(girdle, step + 1), girdle_y)]
        pen.polygon([*pavilion, (centre, culet_y)], fill=shade(step + 1, facets), outline=dark)
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def variants(settings: Settings, material: str) -> dict[str, bytes]:
    """{object key: WebP bytes} of a material's picture, made as the thumbnailer makes them."""
    sizes = settings.image_variant_sizes
    renditions = processing.render(
        draw(material, sorted(PALETTE).index(material) if material in PALETTE else 0),
        CONTENT_TYPE,
        sizes=sizes,
        max_pixels=settings.image_max_pixels,
        quality=settings.image_webp_quality,
    )
    keys = variant_keys(settings, material)
    return {keys[str(r.size)]: r.data for r in renditions}


def publish(settings: Settings, materials: list[str]) -> int:
    """Upload every material's variants to the images bucket; return how many objects."""
    storage = ImageStorage(settings)
    with ThreadPoolExecutor(UPLOAD_THREADS) as pool:
        objects = [
            o
            for found in pool.map(lambda m: variants(settings, m), materials)
            for o in found.items()
        ]
        list(pool.map(lambda item: storage.put_variant(*item), objects))
    return len(objects)
