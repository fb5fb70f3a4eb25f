from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query
from sqlalchemy.exc import DBAPIError

from shop.api.deps import (
    CurrentSeller,
    CurrentUser,
    NowDep,
    OptionalUser,
    SessionDep,
    SettingsDep,
)
from shop.db.session import retrying
from shop.orders import checkout, service
from shop.orders.schemas import (
    CheckoutCreate,
    CheckoutRead,
    IdempotencyKey,
    OrderPage,
    OrderRead,
    PageQuery,
    SellerOrderPage,
)
from shop.payments.stripe_api import StripeGateway, get_gateway

router = APIRouter(tags=["checkout and orders"])
seller_router = APIRouter(prefix="/seller", tags=["seller orders"])


async def stripe_gateway(settings: SettingsDep) -> StripeGateway:
    return get_gateway(settings)


@router.post("/checkout", response_model=CheckoutRead)
async def start_checkout(
    cart: CheckoutCreate,
    idempotency_key: Annotated[IdempotencyKey, Header()],
    buyer: OptionalUser,
    session: SessionDep,
    settings: SettingsDep,
    gateway: Annotated[StripeGateway, Depends(stripe_gateway)],
    now: NowDep,
) -> CheckoutRead:
    """Hold the cart's stock for a new order and return the Stripe Checkout URL to pay it."""

    async def place() -> checkout.PendingCheckout:
        try:
            pending = await checkout.start(session, settings, buyer, idempotency_key, cart, now)
            # The hold is committed before Stripe is called: no row lock waits on the network,
            # and if Stripe fails the sweeper gives the stock back at reserved_until (INV-04).
            await session.commit()
        except DBAPIError:
            await session.rollback()  # a deadlock is tried again from the start (INV-03)
            if buyer is not None:
                await session.refresh(buyer)  # the rollback expired it; reload, awaited
            raise
        return pending

    return await checkout.open_payment(session, gateway, await retrying(place))


@router.get("/orders", response_model=OrderPage)
async def my_orders(
    query: Annotated[PageQuery, Query()],
    user: CurrentUser,
    session: SessionDep,
    settings: SettingsDep,
) -> OrderPage:
    """The signed-in buyer's orders, newest first."""
    return await service.list_for_customer(session, settings, user, query)


@router.get("/orders/{order_id}", response_model=OrderRead)
async def my_order(order_id: uuid.UUID, user: CurrentUser, session: SessionDep) -> OrderRead:
    """One of the signed-in buyer's orders."""
    return await service.customer_order(session, user, order_id)


@seller_router.get("/orders", response_model=SellerOrderPage)
async def my_order_lines(
    query: Annotated[PageQuery, Query()],
    seller: CurrentSeller,
    session: SessionDep,
    settings: SettingsDep,
) -> SellerOrderPage:
    """Paid order lines of the seller's own products, with where to ship them."""
    return await service.list_for_seller(session, settings, seller, query)
