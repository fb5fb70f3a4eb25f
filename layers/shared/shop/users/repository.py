from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shop.models import Product, User


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def by_email(self, email: str) -> User | None:
        """A live (not deleted) account; emails compare case-insensitively (citext)."""
        result = await self.session.execute(
            select(User).where(User.email == email, User.deleted_at.is_(None))
        )
        return result.scalar_one_or_none()

    async def by_id(self, user_id: uuid.UUID) -> User | None:
        return await self.session.get(User, user_id)

    async def add(self, user: User) -> User:
        self.session.add(user)
        await self.session.flush()
        return user

    async def archive_products_of(self, seller_id: uuid.UUID, now: datetime) -> None:
        await self.session.execute(
            update(Product)
            .where(Product.seller_id == seller_id, Product.status != "archived")
            .values(status="archived", updated_at=now)
        )
