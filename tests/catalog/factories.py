"""Catalog rows for tests, flushed inside the test's transaction."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from shop.auth import passwords
from shop.catalog.slugs import slugify
from shop.config import Settings
from shop.models import Category, Order, OrderItem, Product, ProductCategory, ProductImage, User
from tests.factories import DEFAULT_PASSWORD, unique_email
from tests.helpers.accounts import login


async def make_category(session: AsyncSession, name: str | None = None) -> Category:
    name = name or f"Category {uuid.uuid4().hex[:8]}"
    category = Category(name=name, slug=slugify(name))
    session.add(category)
    await session.flush()
    return category


_BASE = datetime(2026, 1, 1, tzinfo=UTC)


async def make_product(
    session: AsyncSession,
    seller: User,
    *,
    categories: Sequence[Category] = (),
    age_minutes: int = 0,
    **fields: Any,
) -> Product:
    values: dict[str, Any] = {
        "name": "Hammered gold band",
        "description": "A plain ring",
        "material": "gold",
        "price_cents": 10_000,
        "currency": "EUR",
        "stock": 5,
        "status": "active",
        "created_at": _BASE - timedelta(minutes=age_minutes),
    }
    values.update(fields)
    product = Product(seller_id=seller.id, **values)
    session.add(product)
    await session.flush()
    for category in categories:
        session.add(ProductCategory(product_id=product.id, category_id=category.id))
    await session.flush()
    return product


_password_hashes: dict[str, str] = {}


async def make_account(
    session: AsyncSession, settings: Settings, *, role: str = "seller", display_name: str = "Ada"
) -> User:
    """A verified user like tests.factories.make_user, but hashing the default password once
    per run: catalog tests create many accounts and only the login needs the real check."""
    if DEFAULT_PASSWORD not in _password_hashes:
        _password_hashes[DEFAULT_PASSWORD] = passwords.hash_password(settings, DEFAULT_PASSWORD)
    user = User(
        email=unique_email(role),
        password_hash=_password_hashes[DEFAULT_PASSWORD],
        role=role,
        display_name=display_name,
        verified_at=datetime.now(UTC),
    )
    session.add(user)
    await session.flush()
    return user


async def log_in(client: httpx.AsyncClient, user: User) -> None:
    """Log `user` in through the API; the client's cookie jar then holds the session."""
    response = await login(client, user.email, DEFAULT_PASSWORD)
    assert response.status_code == 200, response.text


async def make_image(
    session: AsyncSession,
    product: Product,
    *,
    status: str = "ready",
    position: int = 0,
    variants: dict[str, str] | None = None,
    content_type: str = "image/jpeg",
) -> ProductImage:
    image_id = uuid.uuid4()
    image = ProductImage(
        id=image_id,
        product_id=product.id,
        seller_id=product.seller_id,
        s3_key=f"uploads/{product.seller_id}/{image_id}",
        content_type=content_type,
        status=status,
        position=position,
        variants=variants if variants is not None else {},
    )
    session.add(image)
    await session.flush()
    return image


async def make_order_line(session: AsyncSession, product: Product, quantity: int = 1) -> OrderItem:
    """A paid order naming `product` (the product is then part of order history)."""
    order = Order(
        email=unique_email("buyer"),
        amount_total=product.price_cents * quantity,
        currency=product.currency,
        status="paid",
    )
    session.add(order)
    await session.flush()
    item = OrderItem(
        order_id=order.id,
        product_id=product.id,
        seller_id=product.seller_id,
        product_name=product.name,
        unit_price_cents=product.price_cents,
        quantity=quantity,
    )
    session.add(item)
    await session.flush()
    return item
