"""Product image queries. Every lookup a seller makes is filtered by owner in the query."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from shop.models import ProductImage


class ImageRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock_seller_quota(self, seller_id: uuid.UUID) -> None:
        """Serialize a seller's new uploads until commit, so parallel requests cannot overrun
        the per-seller quota (a transaction-scoped advisory lock: no row is held)."""
        await self.session.execute(
            select(func.pg_advisory_xact_lock(func.hashtextextended(f"images:{seller_id}", 0)))
        )

    async def count_for_seller(self, seller_id: uuid.UUID) -> int:
        statement = select(func.count()).where(ProductImage.seller_id == seller_id)
        return int(await self.session.scalar(statement) or 0)

    async def for_product(self, product_id: uuid.UUID) -> list[ProductImage]:
        rows = await self.session.scalars(
            select(ProductImage)
            .where(ProductImage.product_id == product_id)
            .order_by(ProductImage.position, ProductImage.created_at, ProductImage.id)
        )
        return list(rows)

    async def add(self, image: ProductImage) -> ProductImage:
        self.session.add(image)
        await self.session.flush()
        return image

    async def owned(
        self, seller_id: uuid.UUID, product_id: uuid.UUID, image_id: uuid.UUID
    ) -> ProductImage | None:
        return await self.session.scalar(
            select(ProductImage).where(
                ProductImage.id == image_id,
                ProductImage.product_id == product_id,
                ProductImage.seller_id == seller_id,
            )
        )

    async def delete(self, image: ProductImage) -> None:
        await self.session.delete(image)
        await self.session.flush()

    async def by_key(self, s3_key: str, *, for_update: bool = False) -> ProductImage | None:
        statement = select(ProductImage).where(ProductImage.s3_key == s3_key)
        if for_update:
            statement = statement.with_for_update()
        return await self.session.scalar(statement)
