"""Committed data for concurrency tests: each request on its own pooled connection, as in
production, and every row the test made deleted afterwards."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from shop.api.app import create_app
from shop.config import Settings
from shop.db.engine import Database
from shop.models import (
    Order,
    OrderItem,
    Product,
    SellerMonthlyCategoryStat,
    SellerMonthlyStat,
    SellerMonthlyTotal,
    StripeEvent,
    User,
)
from tests.catalog.factories import make_account, make_product


@dataclass
class Live:
    """Factories that commit, and the cleanup of what they made."""

    engine: AsyncEngine
    settings: Settings
    database: Database
    users: list[uuid.UUID] = field(default_factory=list)
    events: list[str] = field(default_factory=list)

    def app(self) -> FastAPI:
        return create_app(self.settings, self.database)

    async def seller_with_product(self, **fields: Any) -> tuple[User, Product]:
        async with AsyncSession(self.engine, expire_on_commit=False) as session:
            seller = await make_account(session, self.settings)
            product = await make_product(session, seller, **fields)
            await session.commit()
        self.users.append(seller.id)
        return seller, product

    async def product_of(self, seller: User, **fields: Any) -> Product:
        async with AsyncSession(self.engine, expire_on_commit=False) as session:
            product = await make_product(session, seller, **fields)
            await session.commit()
        return product

    async def customer(self) -> User:
        async with AsyncSession(self.engine, expire_on_commit=False) as session:
            user = await make_account(session, self.settings, role="customer")
            await session.commit()
        self.users.append(user.id)
        return user

    async def stock(self, product: Product) -> int:
        async with AsyncSession(self.engine) as session:
            value = await session.scalar(select(Product.stock).where(Product.id == product.id))
        assert value is not None
        return value

    async def orders_of(self, product: Product) -> list[Order]:
        async with AsyncSession(self.engine) as session:
            rows = await session.scalars(
                select(Order)
                .join(OrderItem, OrderItem.order_id == Order.id)
                .where(OrderItem.product_id == product.id)
            )
            return list(rows)

    async def order(self, order_id: uuid.UUID | str) -> Order:
        async with AsyncSession(self.engine) as session:
            order = await session.get(Order, uuid.UUID(str(order_id)))
        assert order is not None
        return order

    async def cleanup(self) -> None:
        async with AsyncSession(self.engine) as session, session.begin():
            seller_items = select(OrderItem.order_id).where(OrderItem.seller_id.in_(self.users))
            await session.execute(delete(Order).where(Order.id.in_(seller_items)))
            await session.execute(delete(Order).where(Order.customer_id.in_(self.users)))
            for rollup in (SellerMonthlyStat, SellerMonthlyCategoryStat, SellerMonthlyTotal):
                await session.execute(delete(rollup).where(rollup.seller_id.in_(self.users)))
            await session.execute(delete(Product).where(Product.seller_id.in_(self.users)))
            await session.execute(delete(User).where(User.id.in_(self.users)))
            await session.execute(delete(StripeEvent).where(StripeEvent.id.in_(self.events)))


@pytest.fixture
async def live(engine: AsyncEngine, settings: Settings) -> AsyncIterator[Live]:
    helper = Live(engine, settings, Database.from_engine(engine))
    yield helper
    await helper.cleanup()
