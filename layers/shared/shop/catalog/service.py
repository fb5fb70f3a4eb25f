"""Catalog rules: what shoppers may see, and what a seller may do with their own products."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from shop.catalog import cursor
from shop.catalog.repository import CatalogRepository, ListedProduct, Relations, prefix_query
from shop.catalog.schemas import (
    CategoryCount,
    CategoryCreate,
    CategoryRead,
    Facets,
    ImageRead,
    PriceRange,
    ProductCategoriesUpdate,
    ProductCreate,
    ProductFilters,
    ProductListQuery,
    ProductPage,
    ProductRead,
    ProductSummary,
    ProductUpdate,
    SellerCount,
    SellerProductPage,
    SellerProductQuery,
    SellerProductRead,
    SellerRead,
    SellerSummary,
    ValueCount,
)
from shop.catalog.slugs import slugify
from shop.config import Settings
from shop.exceptions import Conflict, NotFound, ShopError
from shop.images import service as images_service
from shop.models import Category, Product, User
from shop.observability import get_logger


class InvalidProduct(ShopError):
    status_code = 422
    code = "invalid_product"


class UnknownCategory(ShopError):
    status_code = 422
    code = "unknown_category"


def _image(settings: Settings, image: Mapping[str, Any]) -> ImageRead:
    """From the JSON object the catalog's queries build for an image."""
    return ImageRead(
        id=image["id"],
        position=image["position"],
        urls=images_service.urls(settings, image["variants"]),
    )


def _summary(
    settings: Settings,
    product: Product | ListedProduct,
    seller_name: str,
    image: Mapping[str, Any] | None,
) -> ProductSummary:
    return ProductSummary(
        id=product.id,
        name=product.name,
        material=product.material,
        price_cents=product.price_cents,
        currency=product.currency,
        in_stock=product.stock > 0,
        seller=SellerRead(id=product.seller_id, display_name=seller_name),
        created_at=product.created_at,
        image=None if image is None else _image(settings, image),
    )


def effective_sort(query: ProductListQuery) -> str:
    # A q without any word (only punctuation) searches nothing, so there is no rank to sort by.
    searching = bool(query.q and prefix_query(query.q))
    if query.sort == "relevance" and not searching:
        return "newest"
    return query.sort or ("relevance" if searching else "newest")


async def list_products(
    session: AsyncSession, settings: Settings, query: ProductListQuery
) -> ProductPage:
    sort = effective_sort(query)
    after = cursor.decode(query.cursor, sort) if query.cursor else None
    limit = query.limit or settings.catalog_page_size
    # One row more than the page tells whether there is a next page.
    rows = await CatalogRepository(session).list_active(query, sort, after, limit + 1)
    page = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = page[-1]
        next_cursor = cursor.encode(sort, last.sort_key, last.id)
    return ProductPage(
        items=[_summary(settings, r, r.seller_name, r.image) for r in page], next_cursor=next_cursor
    )


async def facets(session: AsyncSession, filters: ProductFilters) -> Facets:
    counts = await CatalogRepository(session).facets(filters)
    price = None
    if counts.min_price is not None and counts.max_price is not None:
        price = PriceRange(min_cents=counts.min_price, max_cents=counts.max_price)
    return Facets(
        total=counts.total,
        materials=[ValueCount(value=m, count=c) for m, c in counts.materials],
        categories=[CategoryCount(slug=s, name=n, count=c) for s, n, c in counts.categories],
        sellers=[SellerCount(id=i, display_name=n, count=c) for i, n, c in counts.sellers],
        price=price,
    )


def _details(
    settings: Settings, product: Product, seller_name: str, relations: Relations
) -> ProductRead:
    # The owner's view lists every image with its state; the public one only ready images.
    ready = [i for i in relations.images if i.get("status", "ready") == "ready"]
    return ProductRead(
        **_summary(settings, product, seller_name, ready[0] if ready else None).model_dump(),
        description=product.description,
        stock=product.stock,
        categories=[CategoryRead.model_validate(c) for c in relations.categories],
        images=[_image(settings, image) for image in ready],
    )


async def product(session: AsyncSession, settings: Settings, product_id: uuid.UUID) -> ProductRead:
    found = await CatalogRepository(session).active_product(product_id)
    if found is None:
        raise NotFound("No such product")
    return _details(settings, *found)


async def categories(session: AsyncSession) -> list[CategoryRead]:
    rows = await CatalogRepository(session).all_categories()
    return [CategoryRead.model_validate(c) for c in rows]


async def create_category(
    session: AsyncSession, seller: User, data: CategoryCreate
) -> CategoryRead:
    slug = slugify(data.name)
    if not slug:
        raise InvalidProduct("A category name needs at least one letter or digit")
    repo = CatalogRepository(session)
    exists = Conflict("A category with this name already exists", code="category_exists")
    if await repo.category_by_name_or_slug(data.name, slug) is not None:
        raise exists
    category = await repo.add_category(Category(name=data.name, slug=slug))
    if category is None:
        raise exists
    get_logger().info(
        "category created", extra={"event": "category_created", "user_id": str(seller.id)}
    )
    return CategoryRead.model_validate(category)


async def sellers(session: AsyncSession) -> list[SellerSummary]:
    rows = await CatalogRepository(session).sellers()
    return [SellerSummary(id=i, display_name=n, active_products=c) for i, n, c in rows]


async def seller(session: AsyncSession, seller_id: uuid.UUID) -> SellerSummary:
    row = await CatalogRepository(session).seller(seller_id)
    if row is None:
        raise NotFound("No such seller")
    return SellerSummary(id=row[0], display_name=row[1], active_products=row[2])


# A seller's own products ---------------------------------------------------------------------


async def _seller_reads(
    repo: CatalogRepository, settings: Settings, owner: User, products: list[Product]
) -> list[SellerProductRead]:
    relations = await repo.relations_of([p.id for p in products])
    return [
        SellerProductRead(
            **_details(settings, p, owner.display_name, relations[p.id]).model_dump(
                exclude={"images"}
            ),
            images=[images_service.seller_image(settings, i) for i in relations[p.id].images],
            status=p.status,  # type: ignore[arg-type]
            units_sold=p.units_sold,
            updated_at=p.updated_at,
        )
        for p in products
    ]


async def _seller_read(
    repo: CatalogRepository, settings: Settings, owner: User, product: Product
) -> SellerProductRead:
    return (await _seller_reads(repo, settings, owner, [product]))[0]


async def _owned(repo: CatalogRepository, owner: User, product_id: uuid.UUID) -> Product:
    product = await repo.seller_product(owner.id, product_id, for_update=True)
    if product is None:
        raise NotFound("No such product")
    return product


def _check_vocabulary(settings: Settings, material: str | None, currency: str | None) -> None:
    if material is not None and material not in settings.catalog_materials:
        raise InvalidProduct(
            f"Unknown material; use one of: {', '.join(settings.catalog_materials)}"
        )
    if currency is not None and currency not in settings.catalog_currencies:
        raise InvalidProduct(
            f"Unsupported currency; use one of: {', '.join(settings.catalog_currencies)}"
        )


def _touch(product: Product, now: datetime) -> None:
    product.updated_at = now
    # Even when equal to the stored value (a frozen clock): left out of the UPDATE, the column's
    # onupdate=now() would fire and expire the attribute, and reading it back would need I/O.
    flag_modified(product, "updated_at")


async def _check_categories(repo: CatalogRepository, ids: list[uuid.UUID]) -> None:
    if ids and await repo.existing_category_ids(ids) != set(ids):
        raise UnknownCategory("One or more categories do not exist")


async def seller_products(
    session: AsyncSession, settings: Settings, owner: User, query: SellerProductQuery
) -> SellerProductPage:
    repo = CatalogRepository(session)
    after = cursor.decode(query.cursor, "newest") if query.cursor else None
    limit = query.limit or settings.catalog_page_size
    rows = await repo.seller_products(owner.id, query.status, after, limit + 1)
    page = rows[:limit]
    next_cursor = (
        cursor.encode("newest", page[-1].created_at, page[-1].id) if len(rows) > limit else None
    )
    items = await _seller_reads(repo, settings, owner, page)
    return SellerProductPage(items=items, next_cursor=next_cursor)


async def create_product(
    session: AsyncSession, settings: Settings, owner: User, data: ProductCreate, now: datetime
) -> SellerProductRead:
    _check_vocabulary(settings, data.material, data.currency)
    repo = CatalogRepository(session)
    await _check_categories(repo, data.category_ids)
    product = await repo.add_product(
        Product(
            seller_id=owner.id,
            name=data.name,
            description=data.description,
            material=data.material,
            price_cents=data.price_cents,
            currency=data.currency,
            stock=data.stock,
            status="draft",
            created_at=now,
            updated_at=now,
        )
    )
    await repo.set_categories(product.id, data.category_ids)
    return await _seller_read(repo, settings, owner, product)


async def lock_owned_product(session: AsyncSession, owner: User, product_id: uuid.UUID) -> Product:
    """The owner's product, locked until commit (for other domains acting on it: images)."""
    return await _owned(CatalogRepository(session), owner, product_id)


async def owned_product(
    session: AsyncSession, settings: Settings, owner: User, product_id: uuid.UUID
) -> SellerProductRead:
    repo = CatalogRepository(session)
    return await _seller_read(repo, settings, owner, await _owned(repo, owner, product_id))


async def update_product(
    session: AsyncSession,
    settings: Settings,
    owner: User,
    product_id: uuid.UUID,
    data: ProductUpdate,
    now: datetime,
) -> SellerProductRead:
    repo = CatalogRepository(session)
    product = await _owned(repo, owner, product_id)
    changes = data.model_dump(exclude_unset=True)
    if any(changes.get(field) is None for field in changes):
        raise InvalidProduct("Fields cannot be set to null")
    _check_vocabulary(settings, changes.get("material"), changes.get("currency"))
    for field, value in changes.items():
        setattr(product, field, value)
    _touch(product, now)
    await session.flush()
    return await _seller_read(repo, settings, owner, product)


@dataclass(frozen=True, slots=True)
class ProductRemoval:
    """`archived` when orders name the product; else it is gone and `image_keys` are the
    objects to delete from the images bucket once that is committed."""

    archived: SellerProductRead | None
    image_keys: list[str]


async def delete_product(
    session: AsyncSession, settings: Settings, owner: User, product_id: uuid.UUID, now: datetime
) -> ProductRemoval:
    """Deleted, unless orders name it: then archived, so order history and statistics stay
    whole (and so do its images)."""
    repo = CatalogRepository(session)
    product = await _owned(repo, owner, product_id)
    if await repo.ever_ordered(product.id):
        product.status = "archived"
        _touch(product, now)
        await session.flush()
        return ProductRemoval(await _seller_read(repo, settings, owner, product), [])
    keys = await images_service.product_object_keys(session, product.id)
    await repo.delete_product(product)
    return ProductRemoval(None, keys)


async def set_product_categories(
    session: AsyncSession,
    settings: Settings,
    owner: User,
    product_id: uuid.UUID,
    data: ProductCategoriesUpdate,
    now: datetime,
) -> SellerProductRead:
    repo = CatalogRepository(session)
    product = await _owned(repo, owner, product_id)
    await _check_categories(repo, data.category_ids)
    await repo.set_categories(product.id, data.category_ids)
    _touch(product, now)
    await session.flush()
    return await _seller_read(repo, settings, owner, product)


async def add_units_sold(session: AsyncSession, units: Mapping[uuid.UUID, int]) -> None:
    """Count a payment's units towards each product's best_selling rank."""
    await CatalogRepository(session).add_units_sold(units)


async def recount_units_sold(session: AsyncSession) -> None:
    """Recount every product's units_sold from paid orders (a statistics rebuild)."""
    await CatalogRepository(session).recount_units_sold()
