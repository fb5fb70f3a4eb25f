from __future__ import annotations

import uuid
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from devstack import demo_images, seed
from devstack.aws import bootstrap
from devstack.media import MediaOrigin
from shop.config import Settings
from shop.models import (
    Category,
    Order,
    OrderItem,
    Product,
    ProductCategory,
    ProductImage,
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
    tables = (
        User,
        Category,
        Product,
        ProductCategory,
        ProductImage,
        Order,
        OrderItem,
        SellerMonthlyTotal,
    )
    counts = [await _count(session, model) for model in tables]
    names = (await session.scalars(select(Product.name).order_by(Product.id))).all()

    second = await seed.seed(session, settings)

    assert first > 0
    assert second == 0
    assert [await _count(session, model) for model in tables] == counts
    assert (await session.scalars(select(Product.name).order_by(Product.id))).all() == names


async def test_every_demo_product_has_one_ready_picture_of_its_material_served_under_media(
    session: AsyncSession, settings: Settings
) -> None:
    own = settings.model_copy(update={"images_bucket": f"facet-images-{uuid.uuid4().hex[:10]}"})
    bootstrap(own)
    await seed.seed(session, own)

    written = seed.publish_images(own)

    rows = (
        await session.execute(
            select(Product.material, ProductImage.status, ProductImage.variants)
            .join(ProductImage, ProductImage.product_id == Product.id)
            .where(Product.id.in_(seed.demo_id("product", str(i)) for i in range(3)))
        )
    ).all()
    assert len(rows) == 3
    assert [(status, variants) for material, status, variants in rows] == [
        ("ready", demo_images.variant_keys(own, material)) for material, _, _ in rows
    ]
    assert written == len(seed.materials()) * len(own.image_variant_sizes)
    origin = MediaOrigin(lambda: own)
    for key in rows[0].variants.values():
        served = origin.invoke({"pathParameters": {"proxy": key}})
        assert (served["statusCode"], served["headers"]["content-type"]) == (200, "image/webp")
