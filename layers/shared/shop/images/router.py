from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Request, Response, status

from shop.api.deps import CurrentSeller, NowDep, OwnedProduct, SessionDep, SettingsDep
from shop.catalog.schemas import SellerImageRead
from shop.images import service
from shop.images.schemas import ImageOrderUpdate, ImageUploadCreate, ImageUploadRead
from shop.images.storage import ImageStorage, get_storage

router = APIRouter(prefix="/seller/products/{product_id}/images", tags=["seller product images"])


async def _storage(request: Request) -> ImageStorage:
    return get_storage(request.app.state.settings)


StorageDep = Annotated[ImageStorage, Depends(_storage)]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ImageUploadRead)
async def request_upload(
    data: ImageUploadCreate,
    seller: CurrentSeller,
    product: OwnedProduct,
    session: SessionDep,
    settings: SettingsDep,
    storage: StorageDep,
    now: NowDep,
) -> ImageUploadRead:
    """A new (pending) image and the presigned POST that uploads its file straight to S3."""
    return await service.request_upload(session, settings, storage, seller, product, data, now)


@router.put("/order", response_model=list[SellerImageRead])
async def reorder_images(
    data: ImageOrderUpdate, product: OwnedProduct, session: SessionDep, settings: SettingsDep
) -> list[SellerImageRead]:
    """Put the product's images in this order (every image id, first shown first)."""
    return await service.reorder(session, settings, product, data)


@router.delete("/{image_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_image(
    image_id: uuid.UUID,
    seller: CurrentSeller,
    product: OwnedProduct,
    session: SessionDep,
    storage: StorageDep,
    background: BackgroundTasks,
) -> Response:
    """Delete an image; its original and variants leave the bucket once that is committed."""
    keys = await service.delete_image(session, seller, product, image_id)
    background.add_task(storage.delete_quietly, keys)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
