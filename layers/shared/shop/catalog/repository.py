"""Catalog queries. The public list is keyset-paginated over one ordered partial index per sort
(`ix_products_active_*`), so any page costs the same as the first."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Double,
    Select,
    SQLColumnExpression,
    and_,
    any_,
    bindparam,
    cast,
    delete,
    exists,
    func,
    insert,
    literal,
    literal_column,
    select,
    true,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import REGCONFIG, aggregate_order_by
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from shop.catalog.cursor import SortKey
from shop.catalog.schemas import ProductFilters
from shop.db.base import table_of
from shop.models import Category, Order, OrderItem, Product, ProductCategory, ProductImage, User

_WORD = re.compile(r"\w+", re.UNICODE)
# Inline, not a bind parameter: asyncpg prepares statements and PostgreSQL's generic plan can
# only use the `WHERE status = 'active'` partial indexes when the literal is in the SQL text.
IS_ACTIVE = Product.status == literal_column("'active'")


@dataclass(frozen=True, slots=True)
class ListedProduct:
    id: uuid.UUID
    name: str
    material: str
    price_cents: int
    currency: str
    stock: int
    seller_id: uuid.UUID
    created_at: datetime
    seller_name: str
    image: dict[str, Any] | None  # the first ready image: {"id", "position", "variants"}
    sort_key: SortKey


@dataclass(frozen=True, slots=True)
class Relations:
    """A product's categories and ready images, as JSON objects from one round trip."""

    categories: list[dict[str, Any]]
    images: list[dict[str, Any]]


_READY = ProductImage.status == literal_column("'ready'")
_IMAGE_JSON = func.json_build_object(
    "id", ProductImage.id, "position", ProductImage.position, "variants", ProductImage.variants
)

# A list row's picture: one probe of ix_product_images_product_id (product_id, position) a
# row. A scalar subquery rather than a LATERAL join, so PostgreSQL runs it only for the rows
# that survive the sort and LIMIT (a join would run first, for every match of a search).
_FIRST_IMAGE = (
    select(_IMAGE_JSON)
    .where(ProductImage.product_id == Product.id, _READY)
    .order_by(ProductImage.position, ProductImage.created_at)
    .limit(1)
    .correlate(Product)
    .scalar_subquery()
)

# The columns a list row needs: loading whole Product objects costs more than the query.
_LISTED = (
    Product.id,
    Product.name,
    Product.material,
    Product.price_cents,
    Product.currency,
    Product.stock,
    Product.seller_id,
    Product.created_at,
    User.display_name,
    _FIRST_IMAGE,
)


def _relations(
    product_id: Any, *, owner_view: bool = False
) -> tuple[ColumnElement[Any], ColumnElement[Any]]:
    """Categories and images as JSON: ready images only, or every image with its state for the
    product's owner."""
    categories = (
        select(
            func.coalesce(
                func.json_agg(
                    aggregate_order_by(
                        func.json_build_object(
                            "id", Category.id, "name", Category.name, "slug", Category.slug
                        ),
                        Category.name,
                    )
                ),
                literal_column("'[]'::json"),
            )
        )
        .join(ProductCategory, ProductCategory.category_id == Category.id)
        .where(ProductCategory.product_id == product_id)
        .scalar_subquery()
    )
    image_fields: list[Any] = [
        "id",
        ProductImage.id,
        "position",
        ProductImage.position,
        "variants",
        ProductImage.variants,
    ]
    visible = [] if owner_view else [_READY]
    if owner_view:
        image_fields += [
            "status",
            ProductImage.status,
            "rejection_reason",
            ProductImage.rejection_reason,
        ]
    images = (
        select(
            func.coalesce(
                func.json_agg(
                    aggregate_order_by(
                        func.json_build_object(*image_fields),
                        ProductImage.position,
                        ProductImage.created_at,
                    )
                ),
                literal_column("'[]'::json"),
            )
        )
        .where(ProductImage.product_id == product_id, *visible)
        .scalar_subquery()
    )
    return categories, images


@dataclass(frozen=True, slots=True)
class FacetCounts:
    total: int
    min_price: int | None
    max_price: int | None
    materials: list[tuple[str, int]]
    categories: list[tuple[str, str, int]]
    sellers: list[tuple[uuid.UUID, str, int]]


def prefix_query(text: str) -> str | None:
    """'Gold  ring!' -> 'gold:* & ring:*' (every word as a prefix); None without any word."""
    words = [w.lower() for w in _WORD.findall(text)][:10]
    return " & ".join(f"{w}:*" for w in words) if words else None


def _ts_query(q: str | None) -> ColumnElement[Any] | None:
    query = prefix_query(q) if q else None
    return None if query is None else func.to_tsquery(cast("simple", REGCONFIG), query)


class _Conditions:
    """The WHERE terms of a filter set, by name, so facets can leave one group's own out."""

    def __init__(self, filters: ProductFilters) -> None:
        p = Product
        self.base: list[ColumnElement[bool]] = [IS_ACTIVE]
        if filters.min_price is not None:
            self.base.append(p.price_cents >= filters.min_price)
        if filters.max_price is not None:
            self.base.append(p.price_cents <= filters.max_price)
        if filters.in_stock:
            self.base.append(p.stock > 0)
        self.query = _ts_query(filters.q)
        if self.query is not None:
            self.base.append(p.search_vector.bool_op("@@")(self.query))
        self.material = p.material.in_(filters.material) if filters.material else None
        self.seller = p.seller_id == filters.seller_id if filters.seller_id else None
        # Slugs to ids once per query (ARRAY(subquery) is an InitPlan), so checking a candidate
        # row is one index-only probe of product_categories, without a join to categories.
        category_ids = func.array(
            select(Category.id).where(Category.slug.in_(filters.category)).scalar_subquery()
        )
        self.category = (
            exists().where(
                ProductCategory.product_id == p.id,
                ProductCategory.category_id == any_(category_ids),
            )
            if filters.category
            else None
        )

    def all(self, *, without: str | None = None) -> ColumnElement[bool]:
        groups = {"material": self.material, "seller": self.seller, "category": self.category}
        terms = [
            *self.base,
            *(c for name, c in groups.items() if c is not None and name != without),
        ]
        return and_(true(), *terms)


def _sort(sort: str, conditions: _Conditions) -> tuple[SQLColumnExpression[Any], bool]:
    """(key expression, ascending) for a sort; ties always break on id in the same direction."""
    if sort == "relevance" and conditions.query is not None:
        rank = func.ts_rank(Product.search_vector, conditions.query)
        # float8 on both sides of the keyset comparison: ts_rank is float4.
        return cast(rank, Double()), False
    keys: dict[str, tuple[SQLColumnExpression[Any], bool]] = {
        "price_asc": (Product.price_cents, True),
        "price_desc": (Product.price_cents, False),
        "best_selling": (Product.units_sold, False),
    }
    return keys.get(sort, (Product.created_at, False))


# Built once: composing this statement costs more than running it (about 0.5 ms a request).
_ACTIVE_PRODUCT = (
    select(Product, User.display_name, *_relations(Product.id))
    .join(User, User.id == Product.seller_id)
    .where(Product.id == bindparam("product_id"), IS_ACTIVE)
)

# A payment's units per product, as an executemany (Core: the ORM would want primary keys).
_products = table_of(Product)
_ADD_UNITS_SOLD = (
    update(_products)
    .where(_products.c.id == bindparam("product"))
    .values(units_sold=_products.c.units_sold + bindparam("units"))
)


class CatalogRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def list_active(
        self,
        filters: ProductFilters,
        sort: str,
        after: tuple[SortKey, uuid.UUID] | None,
        limit: int,
    ) -> list[ListedProduct]:
        conditions = _Conditions(filters)
        key, ascending = _sort(sort, conditions)
        statement: Select[Any] = (
            select(*_LISTED, key).join(User, User.id == Product.seller_id).where(conditions.all())
        )
        if after is not None:
            row = tuple_(key, Product.id)
            bound = tuple_(literal(after[0]), literal(after[1]))
            statement = statement.where(row > bound if ascending else row < bound)
        order = (key.asc(), Product.id.asc()) if ascending else (key.desc(), Product.id.desc())
        rows = await self.session.execute(statement.order_by(*order).limit(limit))
        return [ListedProduct(*row) for row in rows]

    async def facets(self, filters: ProductFilters) -> FacetCounts:
        conditions = _Conditions(filters)
        p = Product
        totals = (
            await self.session.execute(
                select(func.count(), func.min(p.price_cents), func.max(p.price_cents)).where(
                    conditions.all()
                )
            )
        ).one()
        materials = await self.session.execute(
            select(p.material, func.count())
            .where(conditions.all(without="material"))
            .group_by(p.material)
            .order_by(func.count().desc(), p.material)
        )
        categories = await self.session.execute(
            select(Category.slug, Category.name, func.count())
            .join(ProductCategory, ProductCategory.category_id == Category.id)
            .join(p, p.id == ProductCategory.product_id)
            .where(conditions.all(without="category"))
            .group_by(Category.id)
            .order_by(func.count().desc(), Category.slug)
        )
        sellers = await self.session.execute(
            select(p.seller_id, User.display_name, func.count())
            .join(User, User.id == p.seller_id)
            .where(conditions.all(without="seller"))
            .group_by(p.seller_id, User.display_name)
            .order_by(func.count().desc(), User.display_name)
            .limit(_MAX_SELLER_FACETS)
        )
        return FacetCounts(
            total=totals[0],
            min_price=totals[1],
            max_price=totals[2],
            materials=[(m, c) for m, c in materials],
            categories=[(s, n, c) for s, n, c in categories],
            sellers=[(i, n, c) for i, n, c in sellers],
        )

    async def active_product(self, product_id: uuid.UUID) -> tuple[Product, str, Relations] | None:
        """An active product with its seller's name, categories and images: one round trip."""
        row = (await self.session.execute(_ACTIVE_PRODUCT, {"product_id": product_id})).first()
        return None if row is None else (row[0], row[1], Relations(row[2], row[3]))

    async def relations_of(self, product_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Relations]:
        """Categories and every image (with its state) of several of a seller's products in one
        round trip."""
        rows = await self.session.execute(
            select(Product.id, *_relations(Product.id, owner_view=True)).where(
                Product.id.in_(product_ids)
            )
        )
        return {row[0]: Relations(row[1], row[2]) for row in rows}

    # Categories -----------------------------------------------------------------------------

    async def all_categories(self) -> list[Category]:
        return list(
            (await self.session.execute(select(Category).order_by(Category.name))).scalars()
        )

    async def category_by_name_or_slug(self, name: str, slug: str) -> Category | None:
        rows = await self.session.execute(
            select(Category).where((Category.name == name) | (Category.slug == slug))
        )
        return rows.scalars().first()

    async def add_category(self, category: Category) -> Category | None:
        """None when the name or slug is taken: a create running in parallel got there first."""
        try:
            async with self.session.begin_nested():
                self.session.add(category)
        except IntegrityError:
            return None
        return category

    async def existing_category_ids(self, ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
        rows = await self.session.execute(select(Category.id).where(Category.id.in_(ids)))
        return set(rows.scalars())

    async def set_categories(self, product_id: uuid.UUID, ids: Sequence[uuid.UUID]) -> None:
        await self.session.execute(
            delete(ProductCategory).where(ProductCategory.product_id == product_id)
        )
        if ids:
            await self.session.execute(
                insert(ProductCategory),
                [{"product_id": product_id, "category_id": i} for i in ids],
            )

    # Sellers --------------------------------------------------------------------------------

    def _sellers(self) -> Select[uuid.UUID, str, int]:
        active = func.count(Product.id).filter(IS_ACTIVE)
        return (
            select(User.id, User.display_name, active)
            .outerjoin(Product, Product.seller_id == User.id)
            .where(User.role == "seller", User.deleted_at.is_(None))
            .group_by(User.id)
        )

    async def sellers(self) -> list[tuple[uuid.UUID, str, int]]:
        rows = await self.session.execute(self._sellers().order_by(User.display_name, User.id))
        return [(i, n, c) for i, n, c in rows]

    async def seller(self, seller_id: uuid.UUID) -> tuple[uuid.UUID, str, int] | None:
        row = (await self.session.execute(self._sellers().where(User.id == seller_id))).first()
        return None if row is None else (row[0], row[1], row[2])

    # A seller's own products ----------------------------------------------------------------

    async def seller_products(
        self,
        seller_id: uuid.UUID,
        status: str | None,
        after: tuple[SortKey, uuid.UUID] | None,
        limit: int,
    ) -> list[Product]:
        statement = select(Product).where(Product.seller_id == seller_id)
        if status is not None:
            statement = statement.where(Product.status == status)
        if after is not None:
            statement = statement.where(
                tuple_(Product.created_at, Product.id)
                < tuple_(literal(after[0]), literal(after[1]))
            )
        rows = await self.session.execute(
            statement.order_by(Product.created_at.desc(), Product.id.desc()).limit(limit)
        )
        return list(rows.scalars())

    async def seller_product(
        self, seller_id: uuid.UUID, product_id: uuid.UUID, *, for_update: bool = False
    ) -> Product | None:
        """Owner-filtered in the query (AUTHZ-01): another seller's id is simply not found."""
        statement = select(Product).where(Product.id == product_id, Product.seller_id == seller_id)
        if for_update:
            statement = statement.with_for_update()
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def add_product(self, product: Product) -> Product:
        self.session.add(product)
        await self.session.flush()
        return product

    async def ever_ordered(self, product_id: uuid.UUID) -> bool:
        return bool(
            await self.session.scalar(select(exists().where(OrderItem.product_id == product_id)))
        )

    # Sales counters (the best_selling sort) ------------------------------------------------

    async def add_units_sold(self, units: Mapping[uuid.UUID, int]) -> None:
        """In product-id order, the order every writer of product rows locks them in (one
        executemany of a statement compiled once)."""
        if units:
            await self.session.execute(
                _ADD_UNITS_SOLD,
                [{"product": p, "units": units[p]} for p in sorted(units)],
            )

    async def recount_units_sold(self) -> None:
        """Every product's units_sold recounted from the lines of paid orders, in one pass
        over them; only products whose count changes are written."""
        paid = Order.paid_at.is_not(None)
        counted = (
            select(
                Product.id.label("id"),
                func.coalesce(func.sum(OrderItem.quantity).filter(paid), 0).label("sold"),
            )
            .outerjoin(OrderItem, OrderItem.product_id == Product.id)
            .outerjoin(Order, Order.id == OrderItem.order_id)
            .group_by(Product.id)
            .subquery()
        )
        await self.session.execute(
            update(Product)
            .where(Product.id == counted.c.id, Product.units_sold.is_distinct_from(counted.c.sold))
            .values(units_sold=counted.c.sold)
        )

    async def delete_product(self, product: Product) -> None:
        await self.session.delete(product)
        await self.session.flush()


_MAX_SELLER_FACETS = 50
