from __future__ import annotations

from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from devstack import seed
from shop.config import Settings
from shop.models import (
    Category,
    Order,
    OrderItem,
    Product,
    ProductCategory,
    SellerMonthlyTotal,
    User,
)

SELLERS = [account["email"] for account in seed.accounts()["sellers"]]
CUSTOMERS = [account["email"] for account in seed.accounts()["customers"]]
SLUGS = [category["slug"] for category in seed.categories()]
DEMO_ORDERS = [seed.demo_id("order", str(number)) for number in range(seed.ORDER_COUNT)]


async def _count(session: AsyncSession, model: Any) -> int:
    return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_seed_creates_a_jewelry_shop_with_demo_logins(
    session: AsyncSession, settings: Settings
) -> None:
    await seed.seed(session, settings)

    sellers = (await session.scalars(select(User).where(User.email.in_(SELLERS)))).all()
    assert len(sellers) == 5
    assert {user.role for user in sellers} == {"seller"}
    assert all(user.verified_at is not None for user in sellers)
    assert PasswordHasher().verify(sellers[0].password_hash, seed.DEMO_PASSWORD)
    customers = await session.scalars(select(User.role).where(User.email.in_(CUSTOMERS)))
    assert customers.all() == ["customer", "customer"]
    assert (
        await session.scalar(
            select(func.count()).select_from(Category).where(Category.slug.in_(SLUGS))
        )
        == len(SLUGS)
        == 5
    )

    products = (
        await session.scalars(select(Product).where(Product.seller_id.in_(u.id for u in sellers)))
    ).all()
    assert len(products) == seed.PRODUCT_COUNT == 1200
    per_seller = {user.id: 0 for user in sellers}
    for product in products:
        per_seller[product.seller_id] += 1
    assert set(per_seller.values()) == {seed.PRODUCT_COUNT // 5}
    assert all(p.price_cents > 0 and p.currency == "EUR" for p in products)
    assert sum(p.status == "active" for p in products) > 0.8 * seed.PRODUCT_COUNT
    assert {p.material for p in products} >= {"gold", "silver", "platinum", "rose gold"}
    links = await session.execute(
        select(ProductCategory.product_id, func.count())
        .where(ProductCategory.product_id.in_(p.id for p in products))
        .group_by(ProductCategory.product_id)
    )
    assert {count for _, count in links.all()} == {1, 2}


async def test_seed_adds_a_year_of_sales_that_the_statistics_count(
    session: AsyncSession, settings: Settings
) -> None:
    await seed.seed(session, settings)

    orders = (await session.scalars(select(Order).where(Order.id.in_(DEMO_ORDERS)))).all()
    months = await session.execute(
        select(
            func.count(SellerMonthlyTotal.month.distinct()),
            func.sum(SellerMonthlyTotal.gross_cents),
            func.sum(SellerMonthlyTotal.refunded_cents),
        )
    )

    assert len(orders) == seed.ORDER_COUNT
    assert all(order.paid_at is not None for order in orders)
    count, gross, refunded = months.one()
    assert count >= 12
    assert gross == sum(order.amount_total for order in orders)
    assert refunded == sum(order.amount_refunded for order in orders) > 0


async def test_seeding_again_changes_nothing(session: AsyncSession, settings: Settings) -> None:
    first = await seed.seed(session, settings)
    tables = (User, Category, Product, ProductCategory, Order, OrderItem, SellerMonthlyTotal)
    counts = [await _count(session, model) for model in tables]
    names = (await session.scalars(select(Product.name).order_by(Product.id))).all()

    second = await seed.seed(session, settings)

    assert first > 0
    assert second == 0
    assert [await _count(session, model) for model in tables] == counts
    assert (await session.scalars(select(Product.name).order_by(Product.id))).all() == names
