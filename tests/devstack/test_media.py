"""The local stand-in for CloudFront's /media/: public variants with their headers, through the
gateway as a browser would ask; nothing outside public/."""

from __future__ import annotations

import boto3
import pytest

from devstack.media import ROUTE, MediaOrigin
from devstack.server import Gateway
from shop.config import Settings
from shop.images.storage import ImageStorage
from tests.devstack.test_server import serving
from tests.images.conftest import images_settings

__all__ = ["images_settings"]  # the fixture, shared


@pytest.fixture
def own(images_settings: Settings) -> Settings:
    """A bucket of this test's own, bootstrapped (tests/images/conftest.py)."""
    return images_settings


def test_a_public_variant_is_served_with_its_type_and_cache_headers(own: Settings) -> None:
    ImageStorage(own).put_variant("public/abc/200.webp", b"RIFF-webp-bytes")

    with serving(Gateway([ROUTE], {ROUTE.handler: MediaOrigin(lambda: own)})) as client:
        response = client.get("/media/public/abc/200.webp")

    assert response.status_code == 200
    assert response.content == b"RIFF-webp-bytes"
    assert response.headers["content-type"] == "image/webp"
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert response.headers["x-content-type-options"] == "nosniff"


@pytest.mark.parametrize(
    "path", ["/media/uploads/s/i", "/media/public/../uploads/s/i", "/media/public/none.webp"]
)
def test_uploads_and_missing_objects_are_404(own: Settings, path: str) -> None:
    s3 = boto3.client("s3", region_name=own.aws_region, endpoint_url=own.aws_endpoint_url)
    s3.put_object(Bucket=own.images_bucket, Key="uploads/s/i", Body=b"original")

    with serving(Gateway([ROUTE], {ROUTE.handler: MediaOrigin(lambda: own)})) as client:
        response = client.get(path)

    assert response.status_code == 404
    assert b"original" not in response.content
