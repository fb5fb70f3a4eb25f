"""UP-06: the presigned POST's conditions as real S3 semantics enforce them. moto accepts any
POST, so these run only against a LocalStack on 127.0.0.1:4566 (`make test-localstack`; see
README "Upload-policy checks against LocalStack") and skip when nothing answers there."""

from __future__ import annotations

import uuid

import httpx
import pytest

from devstack.aws import bootstrap
from shop.config import Settings
from shop.images.storage import ImageStorage, PresignedPost, upload_key

pytestmark = pytest.mark.localstack

LOCALSTACK = "http://127.0.0.1:4566"
SMALL_CAP = 1024  # bytes: a small cap keeps the oversize upload small


@pytest.fixture(scope="module")
def localstack() -> str:
    try:
        health = httpx.get(f"{LOCALSTACK}/_localstack/health", timeout=2)
    except httpx.TransportError:
        pytest.skip("nothing answers on 127.0.0.1:4566: start LocalStack (make test-localstack)")
    if health.status_code != 200:
        pytest.skip("127.0.0.1:4566 is not LocalStack (moto does not enforce POST policies)")
    return LOCALSTACK


@pytest.fixture
def storage(settings: Settings, localstack: str) -> ImageStorage:
    suffix = uuid.uuid4().hex[:10]
    own = settings.model_copy(
        update={
            "aws_endpoint_url": localstack,
            "images_bucket": f"facet-images-{suffix}",
            "image_events_queue": f"facet-image-events-{suffix}",
            "image_max_bytes": SMALL_CAP,
        }
    )
    bootstrap(own)
    return ImageStorage(own)


def grant(storage: ImageStorage, content_type: str = "image/png") -> PresignedPost:
    return storage.presigned_post(upload_key(uuid.uuid4(), uuid.uuid4()), content_type)


def post(form: PresignedPost, body: bytes, **overrides: str) -> httpx.Response:
    fields = {**form.fields, **overrides}
    return httpx.post(form.url, data=fields, files={"file": ("f", body, fields["Content-Type"])})


def test_up_06_a_file_within_the_policy_is_stored(storage: ImageStorage) -> None:
    form = grant(storage)

    assert post(form, b"x" * SMALL_CAP).status_code == 204
    assert storage.size_of(form.fields["key"]) == SMALL_CAP


def test_up_06_a_file_over_the_cap_is_refused_as_entity_too_large(storage: ImageStorage) -> None:
    form = grant(storage)

    response = post(form, b"x" * (SMALL_CAP + 1))

    assert response.status_code == 400
    assert "EntityTooLarge" in response.text
    assert storage.size_of(form.fields["key"]) is None


def test_up_06_an_empty_file_is_refused(storage: ImageStorage) -> None:
    form = grant(storage)

    assert post(form, b"").status_code == 400
    assert storage.size_of(form.fields["key"]) is None


def test_up_06_another_content_type_is_refused(storage: ImageStorage) -> None:
    form = grant(storage, "image/png")

    response = post(form, b"<svg/>", **{"Content-Type": "image/svg+xml"})

    assert response.status_code == 403
    assert storage.size_of(form.fields["key"]) is None


def test_up_06_another_key_is_refused(storage: ImageStorage) -> None:
    form = grant(storage)
    elsewhere = f"public/{uuid.uuid4()}/1200.webp"

    response = post(form, b"x", key=elsewhere)

    assert response.status_code == 403
    assert storage.size_of(elsewhere) is None
