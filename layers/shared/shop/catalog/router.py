from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, Query, Request, Response, status
from fastapi.responses import JSONResponse

from shop.api.deps import CurrentSeller, NowDep, ReadSessionDep, SessionDep, SettingsDep
from shop.catalog import service
from shop.catalog.http_cache import cacheable_json
from shop.catalog.memo import TtlMemo
from shop.catalog.schemas import (
    CategoryCreate,
    CategoryRead,
    Facets,
    ProductCategoriesUpdate,
    ProductCreate,
    ProductFilters,
    ProductListQuery,
    ProductPage,
    ProductRead,
    ProductUpdate,
    SellerProductPage,
    SellerProductQuery,
    SellerProductRead,
    SellerSummary,
)
from shop.images.storage import get_storage

FACET_MEMO_ENTRIES = 512  # distinct filter sets kept per container (a few hundred KB at most)

router = APIRouter(tags=["catalog"])
seller_router = APIRouter(prefix="/seller", tags=["seller products"])


@router.get("/products", response_model=ProductPage)
async def list_products(
    request: Request,
    query: Annotated[ProductListQuery, Query()],
    session: ReadSessionDep,
    settings: SettingsDep,
) -> Response:
    """Active products, filtered and sorted, one keyset page at a time."""
    page = await service.list_products(session, settings, query)
    return cacheable_json(request, settings, page)


async def facet_memo(request: Request, settings: SettingsDep) -> TtlMemo[Facets]:
    """One memo per app (= per container), living as long as the shared-cache lifetime."""
    memo: TtlMemo[Facets] | None = getattr(request.app.state, "facet_memo", None)
    if memo is None:
        memo = TtlMemo(settings.catalog_cache_max_age_seconds, FACET_MEMO_ENTRIES)
        request.app.state.facet_memo = memo
    return memo


@router.get("/products/facets", response_model=Facets)
async def product_facets(
    request: Request,
    filters: Annotated[ProductFilters, Query()],
    memo: Annotated[TtlMemo[Facets], Depends(facet_memo)],
    session: ReadSessionDep,
    settings: SettingsDep,
) -> Response:
    """Counts by material, category and seller, and the price range, for the current filters."""
    key = filters.model_dump_json()
    facets = memo.get(key)
    if facets is None:
        facets = await service.facets(session, filters)
        memo.put(key, facets)
    return cacheable_json(request, settings, facets)


@router.get("/products/{product_id}", response_model=ProductRead)
async def read_product(
    request: Request, product_id: uuid.UUID, session: ReadSessionDep, settings: SettingsDep
) -> Response:
    """One active product with its categories, images and seller."""
    return cacheable_json(request, settings, await service.product(session, settings, product_id))


@router.get("/categories", response_model=list[CategoryRead])
async def list_categories(
    request: Request, session: ReadSessionDep, settings: SettingsDep
) -> Response:
    """Every category, by name."""
    return cacheable_json(request, settings, list(await service.categories(session)))


@router.post("/categories", status_code=status.HTTP_201_CREATED, response_model=CategoryRead)
async def create_category(
    data: CategoryCreate, seller: CurrentSeller, session: SessionDep
) -> CategoryRead:
    """Create a category (sellers); names are unique regardless of case."""
    return await service.create_category(session, seller, data)


@router.get("/sellers", response_model=list[SellerSummary])
async def list_sellers(
    request: Request, session: ReadSessionDep, settings: SettingsDep
) -> Response:
    """Sellers with their number of active products."""
    return cacheable_json(request, settings, list(await service.sellers(session)))


@router.get("/sellers/{seller_id}", response_model=SellerSummary)
async def read_seller(
    request: Request, seller_id: uuid.UUID, session: ReadSessionDep, settings: SettingsDep
) -> Response:
    """One seller's public profile."""
    return cacheable_json(request, settings, await service.seller(session, seller_id))


@seller_router.get("/products", response_model=SellerProductPage)
async def my_products(
    query: Annotated[SellerProductQuery, Query()],
    seller: CurrentSeller,
    session: SessionDep,
    settings: SettingsDep,
) -> SellerProductPage:
    """The seller's own products, every status, newest first."""
    return await service.seller_products(session, settings, seller, query)


@seller_router.post(
    "/products", status_code=status.HTTP_201_CREATED, response_model=SellerProductRead
)
async def create_product(
    data: ProductCreate,
    seller: CurrentSeller,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> SellerProductRead:
    """Create a product (as a draft)."""
    return await service.create_product(session, settings, seller, data, now)


@seller_router.get("/products/{product_id}", response_model=SellerProductRead)
async def my_product(
    product_id: uuid.UUID, seller: CurrentSeller, session: SessionDep, settings: SettingsDep
) -> SellerProductRead:
    """One of the seller's own products."""
    return await service.owned_product(session, settings, seller, product_id)


@seller_router.patch("/products/{product_id}", response_model=SellerProductRead)
async def update_product(
    product_id: uuid.UUID,
    data: ProductUpdate,
    seller: CurrentSeller,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> SellerProductRead:
    """Edit a product; `status` publishes (active), hides (draft) or archives it."""
    return await service.update_product(session, settings, seller, product_id, data, now)


@seller_router.delete(
    "/products/{product_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={200: {"model": SellerProductRead, "description": "Archived: it was ordered"}},
)
async def delete_product(
    product_id: uuid.UUID,
    seller: CurrentSeller,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
    background: BackgroundTasks,
) -> Response:
    """Delete a product and its images; one that was ever ordered is archived instead (200 with
    the product)."""
    removal = await service.delete_product(session, settings, seller, product_id, now)
    if removal.archived is None:
        # After the commit: a failed delete must not lose the images of a product still there.
        background.add_task(get_storage(settings).delete_quietly, removal.image_keys)
        return Response(status_code=status.HTTP_204_NO_CONTENT)
    return JSONResponse(removal.archived.model_dump(mode="json"))


@seller_router.put("/products/{product_id}/categories", response_model=SellerProductRead)
async def set_product_categories(
    product_id: uuid.UUID,
    data: ProductCategoriesUpdate,
    seller: CurrentSeller,
    session: SessionDep,
    settings: SettingsDep,
    now: NowDep,
) -> SellerProductRead:
    """Replace the product's categories."""
    return await service.set_product_categories(session, settings, seller, product_id, data, now)
