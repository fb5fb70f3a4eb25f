from __future__ import annotations

import io

from PIL import Image

from bench.scenarios import THUMBNAILS
from bench.thumbnail import graphic, photo
from shop.config import Settings


def test_the_thumbnailer_is_held_to_1_5_s_and_400_mb_for_a_12_megapixel_jpeg() -> None:
    [scenario] = [s for s in THUMBNAILS if s.name == "thumbnail_12mp_jpeg"]

    assert scenario.width * scenario.height == 12_000_000
    assert (scenario.max_p50_ms, scenario.max_peak_rss_mb) == (1500, 400)


def test_the_bench_photo_is_a_jpeg_an_upload_may_be(settings: Settings) -> None:
    data = photo(4000, 3000)

    image = Image.open(io.BytesIO(data))
    assert (image.format, image.size) == ("JPEG", (4000, 3000))
    assert 1_000_000 < len(data) <= settings.image_max_bytes


def test_the_worst_case_is_a_png_at_the_pixel_cap_that_the_function_memory_covers(
    settings: Settings,
) -> None:
    [scenario] = [s for s in THUMBNAILS if s.name == "thumbnail_40mp_png"]
    data = graphic(scenario.width, scenario.height)

    pixels = scenario.width * scenario.height
    assert settings.image_max_pixels - 100_000 < pixels <= settings.image_max_pixels
    assert Image.open(io.BytesIO(data)).mode == "RGBA"
    assert len(data) <= settings.image_max_bytes
    assert scenario.max_peak_rss_mb == 1024  # ThumbnailerFunction's MemorySize
