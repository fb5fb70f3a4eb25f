from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, field_validator

from shop.auth.schemas import Input
from shop.catalog.schemas import SellerImageRead

# UP-03: an exact allowlist. No SVG (it can carry script), no GIF.
ContentType = Literal["image/jpeg", "image/png", "image/webp"]
MAX_ORDERED_IMAGES = 200  # the schema's bound; the product's own limit is a setting
MAX_DECLARED_BYTES = 100 * 1_048_576  # the schema's bound; IMAGE_MAX_BYTES is the real cap


class ImageUploadCreate(Input):
    content_type: ContentType
    size: int = Field(ge=1, le=MAX_DECLARED_BYTES, description="The file's size in bytes")


class PresignedPostRead(BaseModel):
    url: str = Field(description="POST the form here (multipart/form-data)")
    fields: dict[str, str] = Field(description="Form fields to send before the file field")
    expires_at: datetime


class ImageUploadRead(BaseModel):
    image: SellerImageRead
    upload: PresignedPostRead


class ImageOrderUpdate(Input):
    image_ids: Annotated[list[uuid.UUID], Field(min_length=1, max_length=MAX_ORDERED_IMAGES)]

    @field_validator("image_ids")
    @classmethod
    def _unique(cls, ids: list[uuid.UUID]) -> list[uuid.UUID]:
        if len(set(ids)) != len(ids):
            raise ValueError("each image once")
        return ids
