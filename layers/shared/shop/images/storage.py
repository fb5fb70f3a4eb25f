"""The images bucket: presigned POSTs, object reads and writes. boto3 is imported on first use,
so the API's cold start does not pay for it (about 0.5 s)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from shop.observability import get_logger

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

    from shop.config import Settings

UPLOADS_PREFIX = "uploads/"
PUBLIC_PREFIX = "public/"
WEBP = "image/webp"


def upload_key(seller_id: object, image_id: object) -> str:
    return f"{UPLOADS_PREFIX}{seller_id}/{image_id}"


def variant_key(image_id: object, size: int) -> str:
    return f"{PUBLIC_PREFIX}{image_id}/{size}.webp"


@dataclass(frozen=True, slots=True)
class PresignedPost:
    url: str
    fields: dict[str, str]


class ImageStorage:
    """One S3 client per container, built on first use."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._client: S3Client | None = None
        self._lock = threading.Lock()

    @property
    def bucket(self) -> str:
        return self._settings.images_bucket

    def client(self) -> S3Client:
        with self._lock:
            if self._client is None:
                import boto3
                from botocore.config import Config

                endpoint = self._settings.aws_endpoint_url
                # SigV4 (boto3 signs presigned POSTs with SigV2 otherwise, which newer regions
                # refuse) and the regional virtual-hosted URL, so a browser's POST is not sent
                # to the global endpoint and redirected; an emulator takes path-style URLs.
                config = Config(
                    signature_version="s3v4",
                    s3={"addressing_style": "path" if endpoint else "virtual"},
                )
                self._client = boto3.session.Session().client(
                    "s3",
                    region_name=self._settings.aws_region,
                    endpoint_url=endpoint,
                    config=config,
                )
            return self._client

    def presigned_post(self, key: str, content_type: str) -> PresignedPost:
        """A POST form for exactly this key and content type, 1 B to the size cap (UP-01..04).

        boto3 adds the key and bucket conditions itself; a field is not also a condition, so
        the Content-Type is named in both."""
        settings = self._settings
        conditions: list[Any] = [
            {"Content-Type": content_type},
            ["content-length-range", settings.image_min_bytes, settings.image_max_bytes],
        ]
        post = self.client().generate_presigned_post(
            Bucket=self.bucket,
            Key=key,
            Fields={"Content-Type": content_type},
            Conditions=conditions,
            ExpiresIn=settings.image_upload_expires_seconds,
        )
        return PresignedPost(url=post["url"], fields=dict(post["fields"]))

    def size_of(self, key: str) -> int | None:
        """The object's size from HeadObject; None when it is gone."""
        from botocore.exceptions import ClientError

        try:
            return self.client().head_object(Bucket=self.bucket, Key=key)["ContentLength"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return None
            raise

    def read(self, key: str, limit: int) -> bytes | None:
        """At most limit + 1 bytes of the object (the caller rejects anything longer: it may have
        been replaced since HeadObject); None when it is gone."""
        from botocore.exceptions import ClientError

        try:
            body = self.client().get_object(Bucket=self.bucket, Key=key)["Body"]
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise
        with body:
            data: bytes = body.read(limit + 1)
        return data

    def put_variant(self, key: str, data: bytes) -> None:
        self.client().put_object(
            Bucket=self.bucket,
            Key=key,
            Body=data,
            ContentType=WEBP,
            CacheControl=f"public, max-age={self._settings.image_cache_max_age_seconds}, immutable",
        )

    def delete(self, keys: list[str]) -> None:
        """Delete the objects (missing ones are fine). Raises on failure: for the thumbnailer a
        retry helps. The API uses `delete_quietly` after its commit."""
        for start in range(0, len(keys), _DELETE_BATCH):
            chunk = keys[start : start + _DELETE_BATCH]
            result = self.client().delete_objects(
                Bucket=self.bucket,
                Delete={"Objects": [{"Key": key} for key in chunk], "Quiet": True},
            )
            errors = result.get("Errors", [])
            if errors:
                raise StorageError(f"{len(errors)} of {len(chunk)} objects were not deleted")

    def delete_quietly(self, keys: list[str]) -> None:
        """After a committed delete: the rows are gone, so a failure leaves orphans to log (and
        uploads/ to the lifecycle rule), never an error for the seller."""
        from botocore.exceptions import BotoCoreError, ClientError

        if not keys:
            return
        try:
            self.delete(keys)
        except (BotoCoreError, ClientError, StorageError) as exc:
            get_logger().error(
                "image objects not deleted",
                extra={
                    "event": "image_objects_orphaned",
                    "keys": keys,
                    "error_type": type(exc).__name__,
                    "error": str(exc),
                },
            )


class StorageError(RuntimeError):
    pass


_DELETE_BATCH = 1000  # S3 DeleteObjects takes at most 1000 keys a call


def get_storage(settings: Settings) -> ImageStorage:
    """One storage per Settings object, so the S3 client lives as long as the container."""
    cached = _storages.get(id(settings))
    if cached is None:
        cached = _storages[id(settings)] = (settings, ImageStorage(settings))
    return cached[1]


_storages: dict[int, tuple[Settings, ImageStorage]] = {}
