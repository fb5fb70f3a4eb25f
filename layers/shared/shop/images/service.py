"""What a seller may do with a product's images: ask for an upload, reorder, delete."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.schemas import SellerImageRead
from shop.config import Settings
from shop.exceptions import Conflict, NotFound, ShopError
from shop.images.repository import ImageRepository
from shop.images.schemas import (
    ImageOrderUpdate,
    ImageUploadCreate,
    ImageUploadRead,
    PresignedPostRead,
)
from shop.images.storage import ImageStorage, upload_key
from shop.models import Product, ProductImage, User
from shop.observability import get_logger


class ImageTooLarge(ShopError):
    status_code = 422
    code = "image_too_large"


class InvalidImageOrder(ShopError):
    status_code = 422
    code = "invalid_image_order"


def urls(settings: Settings, variants: Mapping[str, str]) -> dict[str, str]:
    """Public URL of each variant under the media base URL (CloudFront /media in AWS)."""
    base = settings.media_base_url.rstrip("/")
    return {size: f"{base}/{key}" for size, key in variants.items()}


def seller_image(settings: Settings, image: ProductImage | Mapping[str, Any]) -> SellerImageRead:
    """From a row, or from the JSON object the catalog's product query builds."""
    fields: Mapping[str, Any] = (
        image
        if isinstance(image, Mapping)
        else {
            "id": image.id,
            "position": image.position,
            "status": image.status,
            "rejection_reason": image.rejection_reason,
            "variants": image.variants,
        }
    )
    return SellerImageRead(
        id=fields["id"],
        position=fields["position"],
        status=fields["status"],
        rejection_reason=fields["rejection_reason"],
        urls=urls(settings, fields["variants"]),
    )


def object_keys(images: Iterable[ProductImage]) -> list[str]:
    """The original upload and every variant of each image."""
    keys: list[str] = []
    for image in images:
        keys.append(image.s3_key)
        keys.extend(dict.fromkeys(image.variants.values()))
    return keys


async def request_upload(
    session: AsyncSession,
    settings: Settings,
    storage: ImageStorage,
    seller: User,
    product: Product,
    data: ImageUploadCreate,
    now: datetime,
) -> ImageUploadRead:
    """A pending image row and a presigned POST for its one key (UP-01..05). `product` is the
    seller's own, locked (shop.api.deps.OwnedProduct), so counting per product is race-free."""
    if data.size > settings.image_max_bytes:
        raise ImageTooLarge(f"Images may be at most {settings.image_max_bytes:,} bytes")
    repo = ImageRepository(session)
    images = await repo.for_product(product.id)
    if len(images) >= settings.images_per_product:
        raise Conflict(
            f"A product can have at most {settings.images_per_product} images",
            code="image_limit_reached",
        )
    await repo.lock_seller_quota(seller.id)
    if await repo.count_for_seller(seller.id) >= settings.images_per_seller:
        raise Conflict(
            f"A seller can have at most {settings.images_per_seller:,} images",
            code="image_quota_reached",
        )
    image_id = uuid.uuid4()
    image = await repo.add(
        ProductImage(
            id=image_id,
            product_id=product.id,
            seller_id=seller.id,
            s3_key=upload_key(seller.id, image_id),
            content_type=data.content_type,
            status="pending",
            variants={},
            position=max((i.position for i in images), default=-1) + 1,
        )
    )
    post = storage.presigned_post(image.s3_key, data.content_type)
    get_logger().info(
        "image upload granted",
        extra={
            "event": "image_upload_granted",
            "user_id": str(seller.id),
            "image_id": str(image_id),
        },
    )
    return ImageUploadRead(
        image=seller_image(settings, image),
        upload=PresignedPostRead(
            url=post.url,
            fields=post.fields,
            # Whole seconds, as in the policy: the form works at least until then.
            expires_at=now.replace(microsecond=0)
            + timedelta(seconds=settings.image_upload_expires_seconds),
        ),
    )


async def delete_image(
    session: AsyncSession, seller: User, product: Product, image_id: uuid.UUID
) -> list[str]:
    """Delete the row; returns the object keys to remove once that is committed."""
    repo = ImageRepository(session)
    image = await repo.owned(seller.id, product.id, image_id)
    if image is None:
        raise NotFound("No such image")
    keys = object_keys([image])
    await repo.delete(image)
    return keys


async def reorder(
    session: AsyncSession, settings: Settings, product: Product, data: ImageOrderUpdate
) -> list[SellerImageRead]:
    """Positions 0..n-1 in the given order, which must name each of the product's images."""
    repo = ImageRepository(session)
    images = {image.id: image for image in await repo.for_product(product.id)}
    if set(data.image_ids) != images.keys():
        raise InvalidImageOrder("List every image of the product exactly once")
    for position, image_id in enumerate(data.image_ids):
        images[image_id].position = position
    await session.flush()
    return [seller_image(settings, images[image_id]) for image_id in data.image_ids]


async def product_object_keys(session: AsyncSession, product_id: uuid.UUID) -> list[str]:
    """Every object of a product's images (for the catalog, before it deletes the product)."""
    return object_keys(await ImageRepository(session).for_product(product_id))
