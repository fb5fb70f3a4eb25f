"""The thumbnailer on real S3 (moto) and PostgreSQL: the hostile corpus, each with its outcome,
and the properties of what it publishes (IMG-01..08, BKT-06)."""

from __future__ import annotations

import importlib.metadata
import io
import struct
import uuid
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING
from urllib.parse import quote_plus

import pytest
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncSession

from shop.config import Settings
from shop.db.engine import Database
from shop.images.storage import ImageStorage
from shop.images.thumbnailer import Outcome, process_object
from shop.models import Product, ProductImage
from tests.catalog.factories import make_image
from tests.images import corpus

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

Process = Callable[[str], Awaitable[Outcome]]
Upload = Callable[[bytes, str], Awaitable[ProductImage]]


@pytest.fixture
def process(db: Database, images_settings: Settings, storage: ImageStorage) -> Process:
    """Handle the ObjectCreated record S3 would send for `key` (URL-encoded, as S3 does)."""

    def call(key: str) -> Awaitable[Outcome]:
        return process_object(db, images_settings, storage, storage.bucket, quote_plus(key))

    return call


@pytest.fixture
def upload(
    session: AsyncSession, product: Product, s3: S3Client, images_settings: Settings
) -> Upload:
    """A pending image row, as the API creates it, and `data` stored under its key."""

    async def make(data: bytes, content_type: str) -> ProductImage:
        image = await make_image(session, product, status="pending", content_type=content_type)
        s3.put_object(Bucket=images_settings.images_bucket, Key=image.s3_key, Body=data)
        return image

    return make


def keys(s3: S3Client, bucket: str, prefix: str = "") -> list[str]:
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix)
    return sorted(item["Key"] for item in listed.get("Contents", []))


async def fresh(session: AsyncSession, image: ProductImage) -> ProductImage:
    await session.refresh(image)
    return image


def opened(s3: S3Client, bucket: str, key: str) -> Image.Image:
    return Image.open(io.BytesIO(s3.get_object(Bucket=bucket, Key=key)["Body"].read()))


async def test_a_jpeg_becomes_three_webp_variants_and_the_row_is_ready(
    process: Process, upload: Upload, session: AsyncSession, s3: S3Client, storage: ImageStorage
) -> None:
    image = await upload(corpus.photo(4000, 3000), "image/jpeg")

    assert await process(image.s3_key) == "ready"

    image = await fresh(session, image)
    assert image.status == "ready"
    assert image.variants == {
        size: f"public/{image.id}/{size}.webp" for size in ("200", "600", "1200")
    }
    sizes = {size: opened(s3, storage.bucket, key).size for size, key in image.variants.items()}
    assert sizes == {"200": (200, 150), "600": (600, 450), "1200": (1200, 900)}
    # The original is not kept: only the public variants remain.
    assert keys(s3, storage.bucket) == sorted(image.variants.values())


async def test_bkt_06_variants_are_webp_with_a_long_immutable_cache_lifetime(
    process: Process, upload: Upload, session: AsyncSession, s3: S3Client, storage: ImageStorage
) -> None:
    image = await upload(corpus.photo(), "image/jpeg")
    await process(image.s3_key)

    for key in (await fresh(session, image)).variants.values():
        head = s3.head_object(Bucket=storage.bucket, Key=key)
        assert head["ContentType"] == "image/webp"
        assert head["CacheControl"] == "public, max-age=31536000, immutable"
        assert opened(s3, storage.bucket, key).format == "WEBP"


async def test_a_small_image_is_never_upscaled_and_shares_one_object(
    process: Process, upload: Upload, session: AsyncSession, s3: S3Client, storage: ImageStorage
) -> None:
    image = await upload(corpus.photo(300, 150, "PNG"), "image/png")

    assert await process(image.s3_key) == "ready"

    variants = (await fresh(session, image)).variants
    assert variants["200"] == f"public/{image.id}/200.webp"
    assert variants["600"] == variants["1200"] == f"public/{image.id}/600.webp"
    assert opened(s3, storage.bucket, variants["1200"]).size == (300, 150)
    assert opened(s3, storage.bucket, variants["200"]).size == (200, 100)


async def test_transparency_survives_in_the_webp(
    process: Process, upload: Upload, session: AsyncSession, s3: S3Client, storage: ImageStorage
) -> None:
    image = await upload(corpus.transparent_png(), "image/png")
    await process(image.s3_key)

    variant = opened(s3, storage.bucket, (await fresh(session, image)).variants["200"])
    assert variant.mode == "RGBA"
    assert variant.getpixel((10, 10))[3] == 128  # type: ignore[index]


async def test_a_webp_upload_is_accepted(
    process: Process, upload: Upload, session: AsyncSession
) -> None:
    image = await upload(corpus.photo(640, 480, "WEBP"), "image/webp")

    assert await process(image.s3_key) == "ready"


async def test_img_07_gps_never_reaches_the_public_image_and_orientation_is_applied(
    process: Process, upload: Upload, session: AsyncSession, s3: S3Client, storage: ImageStorage
) -> None:
    data = corpus.jpeg_with_gps_rotated(800, 600)
    source = Image.open(io.BytesIO(data))
    assert source.getexif().get_ifd(0x8825)  # the input really carries a GPS position
    image = await upload(data, "image/jpeg")

    await process(image.s3_key)

    for key in (await fresh(session, image)).variants.values():
        variant = opened(s3, storage.bucket, key)
        assert variant.getexif() == {}
        assert not {"exif", "xmp", "icc_profile"} & variant.info.keys()
    # Stored 800x600 with Orientation=6: shown (and published) upright as 600x800.
    assert opened(s3, storage.bucket, image.variants["1200"]).size == (600, 800)


HOSTILE = [
    pytest.param(corpus.gif(), "image/jpeg", "not a JPEG, PNG or WebP", id="gif"),
    pytest.param(corpus.HTML, "image/jpeg", "not a JPEG, PNG or WebP", id="html-renamed-jpg"),
    pytest.param(corpus.truncated_jpeg(), "image/jpeg", "damaged or incomplete", id="truncated"),
    pytest.param(corpus.pixel_flood_png(), "image/png", "more than 40,000,000 pixels", id="48mp"),
    pytest.param(corpus.animated_webp(), "image/webp", "Animated", id="animated-webp"),
    pytest.param(corpus.polyglot_jpeg(), "image/jpeg", "markup or script", id="polyglot"),
    pytest.param(
        corpus.png_with_html_text(), "image/png", "markup or script", id="png-html-metadata"
    ),
    pytest.param(
        corpus.photo(fmt="PNG"), "image/jpeg", "PNG image, not the JPEG", id="png-as-jpeg"
    ),
]


@pytest.mark.parametrize(("data", "declared", "reason"), HOSTILE)
async def test_img_05_06_a_hostile_file_is_rejected_with_a_reason_and_deleted(
    process: Process,
    upload: Upload,
    session: AsyncSession,
    s3: S3Client,
    storage: ImageStorage,
    data: bytes,
    declared: str,
    reason: str,
) -> None:
    image = await upload(data, declared)

    assert await process(image.s3_key) == "rejected"

    image = await fresh(session, image)
    assert image.status == "rejected"
    assert reason in (image.rejection_reason or "")
    assert image.variants == {}
    assert keys(s3, storage.bucket) == []  # the upload is gone and nothing was published


def test_img_06_the_48_megapixel_png_is_a_few_kb() -> None:
    data = corpus.pixel_flood_png()

    assert len(data) < 64 * 1024
    # Width and height from the IHDR chunk, without decoding anything.
    assert struct.unpack(">II", data[16:24]) == (8000, 6000)


async def test_img_04_an_oversize_object_is_rejected_from_its_size_alone(
    process: Process, upload: Upload, session: AsyncSession, s3: S3Client, storage: ImageStorage
) -> None:
    # moto does not enforce the POST policy, and a misconfigured one would not either.
    image = await upload(b"\xff\xd8" + bytes(10_485_760), "image/jpeg")

    assert await process(image.s3_key) == "rejected"

    assert "larger than 10,485,760 bytes" in ((await fresh(session, image)).rejection_reason or "")
    assert keys(s3, storage.bucket) == []


async def test_img_01_an_event_outside_uploads_is_a_no_op(
    process: Process, s3: S3Client, storage: ImageStorage
) -> None:
    s3.put_object(Bucket=storage.bucket, Key="public/x.jpg", Body=corpus.photo())

    assert await process("public/x.jpg") == "ignored"

    assert keys(s3, storage.bucket) == ["public/x.jpg"]


async def test_img_02_the_same_event_twice_gives_one_result(
    process: Process, upload: Upload, session: AsyncSession, s3: S3Client, storage: ImageStorage
) -> None:
    image = await upload(corpus.photo(), "image/jpeg")
    assert await process(image.s3_key) == "ready"
    published = {
        key: s3.head_object(Bucket=storage.bucket, Key=key)["ETag"]
        for key in keys(s3, storage.bucket)
    }

    assert await process(image.s3_key) == "duplicate"

    image = await fresh(session, image)
    assert image.status == "ready"
    assert {
        key: s3.head_object(Bucket=storage.bucket, Key=key)["ETag"]
        for key in keys(s3, storage.bucket)
    } == published


async def test_img_02_a_later_upload_to_a_processed_key_is_deleted_unread(
    process: Process, upload: Upload, session: AsyncSession, s3: S3Client, storage: ImageStorage
) -> None:
    image = await upload(corpus.photo(), "image/jpeg")
    await process(image.s3_key)
    # The presigned POST is valid for five minutes: it can be used again.
    s3.put_object(Bucket=storage.bucket, Key=image.s3_key, Body=corpus.gif())

    assert await process(image.s3_key) == "duplicate"

    assert (await fresh(session, image)).status == "ready"
    assert image.s3_key not in keys(s3, storage.bucket)


async def test_img_03_the_key_is_url_decoded(
    db: Database,
    upload: Upload,
    session: AsyncSession,
    images_settings: Settings,
    storage: ImageStorage,
) -> None:
    image = await upload(corpus.photo(), "image/jpeg")
    # S3 encodes keys in events: '/' may arrive as %2F (moto does this).
    encoded = image.s3_key.replace("/", "%2F")

    outcome = await process_object(db, images_settings, storage, storage.bucket, encoded)

    assert outcome == "ready"


async def test_an_upload_without_its_image_row_is_deleted(
    process: Process, s3: S3Client, storage: ImageStorage
) -> None:
    key = f"uploads/{uuid.uuid4()}/{uuid.uuid4()}"
    s3.put_object(Bucket=storage.bucket, Key=key, Body=corpus.photo())

    assert await process(key) == "orphan"

    assert keys(s3, storage.bucket) == []


async def test_an_event_for_an_object_already_gone_changes_nothing(
    process: Process, upload: Upload, session: AsyncSession, s3: S3Client, storage: ImageStorage
) -> None:
    image = await upload(corpus.photo(), "image/jpeg")
    s3.delete_object(Bucket=storage.bucket, Key=image.s3_key)

    assert await process(image.s3_key) == "gone"

    assert (await fresh(session, image)).status == "pending"


def test_img_08_pillow_is_at_least_12_2_0() -> None:
    version = tuple(int(part) for part in importlib.metadata.version("pillow").split(".")[:3])

    assert version >= (12, 2, 0)
