"""Image tests: each test gets a bucket and upload queue of its own on the run's moto server,
created by the same bootstrap code as the local stack, and an app configured to use them."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import boto3
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from devstack.aws import bootstrap
from shop.api.app import create_app
from shop.config import Settings
from shop.db.engine import Database
from shop.images.storage import ImageStorage
from shop.models import Product, User
from tests.catalog.factories import log_in, make_account, make_product
from tests.conftest import api_client

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client


@pytest.fixture
def images_settings(settings: Settings) -> Settings:
    suffix = uuid.uuid4().hex[:10]
    own = settings.model_copy(
        update={
            "images_bucket": f"facet-images-{suffix}",
            "image_events_queue": f"facet-image-events-{suffix}",
            "media_base_url": f"https://media.facet.test/{suffix}",
        }
    )
    bootstrap(own)
    return own


@pytest.fixture
def storage(images_settings: Settings) -> ImageStorage:
    return ImageStorage(images_settings)


@pytest.fixture
def s3(images_settings: Settings) -> S3Client:
    return boto3.client(
        "s3", region_name=images_settings.aws_region, endpoint_url=images_settings.aws_endpoint_url
    )


@pytest.fixture
def images_app(images_settings: Settings, db: Database) -> FastAPI:
    return create_app(images_settings, db)


@pytest.fixture
async def seller(session: AsyncSession, settings: Settings) -> User:
    return await make_account(session, settings, display_name="Mira Goldsmith")


@pytest.fixture
async def product(session: AsyncSession, seller: User) -> Product:
    return await make_product(session, seller, name="Hammered gold band")


@pytest.fixture
async def as_seller(images_app: FastAPI, seller: User) -> AsyncIterator[httpx.AsyncClient]:
    async with api_client(images_app) as client:
        await log_in(client, seller)
        yield client


def images_url(product_id: uuid.UUID, *rest: str) -> str:
    return "/".join([f"/api/v1/seller/products/{product_id}/images", *rest])
