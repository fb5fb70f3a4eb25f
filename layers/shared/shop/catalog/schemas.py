from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from shop.auth.schemas import Input

Sort = Literal["newest", "price_asc", "price_desc", "best_selling", "relevance"]
Status = Literal["draft", "active", "archived"]

MAX_PRICE_CENTS = 100_000_000_00  # 100 million in major units: far above any real item
MAX_STOCK = 1_000_000
MAX_FILTER_VALUES = 20
MAX_CATEGORIES_PER_PRODUCT = 10

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Description = Annotated[str, StringConstraints(max_length=5000)]
Material = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=120)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
Price = Annotated[int, Field(gt=0, le=MAX_PRICE_CENTS)]
Stock = Annotated[int, Field(ge=0, le=MAX_STOCK)]
CategoryIds = Annotated[list[uuid.UUID], Field(max_length=MAX_CATEGORIES_PER_PRODUCT)]


class Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ProductFilters(Input):
    """The public list's filters (query string). Prices are minor units (cents)."""

    min_price: Annotated[int, Field(ge=0, le=MAX_PRICE_CENTS)] | None = None
    max_price: Annotated[int, Field(ge=0, le=MAX_PRICE_CENTS)] | None = None
    seller_id: uuid.UUID | None = None
    material: Annotated[list[Material], Field(max_length=MAX_FILTER_VALUES)] = Field(
        default_factory=list
    )
    category: Annotated[list[Slug], Field(max_length=MAX_FILTER_VALUES)] = Field(
        default_factory=list
    )
    q: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] | (
        None
    ) = None
    in_stock: bool = False

    @field_validator("q", mode="before")
    @classmethod
    def _blank_search_is_no_search(cls, value: object) -> object:
        # A search box submitted empty sends `q=`: that means "no text filter", not an error.
        return None if isinstance(value, str) and not value.strip() else value


class ProductListQuery(ProductFilters):
    sort: Sort | None = None  # default: relevance with q, else newest
    cursor: Annotated[str, StringConstraints(max_length=512)] | None = None
    limit: Annotated[int, Field(ge=1, le=100)] | None = None


class CategoryRead(Read):
    id: uuid.UUID
    name: str
    slug: str


class CategoryCreate(Input):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]


class SellerRead(Read):
    id: uuid.UUID
    display_name: str


class SellerSummary(SellerRead):
    active_products: int


class ImageRead(Read):
    id: uuid.UUID
    position: int
    urls: dict[str, str] = Field(description="Public URL per variant size, e.g. '600'")


class SellerImageRead(ImageRead):
    """What the owner sees: every image with its processing state."""

    status: Literal["pending", "ready", "rejected"]
    rejection_reason: str | None = Field(description="Why the file was refused, when rejected")


class ProductSummary(Read):
    id: uuid.UUID
    name: str
    material: str
    price_cents: int
    currency: str
    in_stock: bool
    seller: SellerRead
    created_at: datetime
    image: ImageRead | None = Field(description="The first ready image; null when none is ready")


class ProductPage(BaseModel):
    items: list[ProductSummary]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null at end")


class ProductRead(ProductSummary):
    description: str
    stock: int
    categories: list[CategoryRead]
    images: Sequence[ImageRead]


class SellerProductRead(ProductRead):
    images: Sequence[SellerImageRead]
    status: Status
    units_sold: int
    updated_at: datetime


class SellerProductPage(BaseModel):
    items: list[SellerProductRead]
    next_cursor: str | None


class ValueCount(BaseModel):
    value: str
    count: int


class CategoryCount(BaseModel):
    slug: str
    name: str
    count: int


class SellerCount(BaseModel):
    id: uuid.UUID
    display_name: str
    count: int


class PriceRange(BaseModel):
    min_cents: int
    max_cents: int


class Facets(BaseModel):
    """Counts for the current filters; each group ignores its own filter so a shopper can
    widen it (selecting "gold" still shows how many silver items there are)."""

    total: int
    materials: list[ValueCount]
    categories: list[CategoryCount]
    sellers: list[SellerCount]
    price: PriceRange | None


class ProductCreate(Input):
    name: Name
    description: Description = ""
    material: Material
    price_cents: Price
    currency: Currency
    stock: Stock = 0
    category_ids: CategoryIds = Field(default_factory=list)

    @field_validator("category_ids")
    @classmethod
    def _unique(cls, ids: list[uuid.UUID]) -> list[uuid.UUID]:
        return list(dict.fromkeys(ids))


class ProductUpdate(Input):
    name: Name | None = None
    description: Description | None = None
    material: Material | None = None
    price_cents: Price | None = None
    currency: Currency | None = None
    stock: Stock | None = None
    status: Status | None = None


class ProductCategoriesUpdate(Input):
    category_ids: CategoryIds

    @field_validator("category_ids")
    @classmethod
    def _unique(cls, ids: list[uuid.UUID]) -> list[uuid.UUID]:
        return list(dict.fromkeys(ids))


class SellerProductQuery(Input):
    status: Status | None = None
    cursor: Annotated[str, StringConstraints(max_length=512)] | None = None
    limit: Annotated[int, Field(ge=1, le=100)] | None = None
