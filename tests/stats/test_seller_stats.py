"""GET /seller/stats, /seller/stats/series and /seller/stats/export.csv against hand-computed
figures: multi-seller orders, products in several categories, refunds in a later month, the
store's timezone, zero months, bounds and who may see what."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from shop.api.app import create_app
from shop.config import Settings
from shop.db.engine import Database
from shop.models import Category, Product, User
from tests.catalog.factories import log_in, make_account, make_category, make_product
from tests.conftest import api_client
from tests.stats.factories import pay_order, refund

STATS = "/api/v1/seller/stats"
JAN = datetime(2026, 1, 15, 12, tzinfo=UTC)
FEB = datetime(2026, 2, 10, 12, tzinfo=UTC)


class Shop:
    """Two sellers; Ada's ring is in two categories, her earrings in one, Bo sells a chain."""

    def __init__(
        self, ada: User, bo: User, rings: Category, gifts: Category, earrings: Category
    ) -> None:
        self.ada, self.bo = ada, bo
        self.rings, self.gifts, self.earrings = rings, gifts, earrings

    async def products(self, session: AsyncSession) -> tuple[Product, Product, Product]:
        ring = await make_product(
            session, self.ada, name="Ring", price_cents=10_000, categories=[self.rings, self.gifts]
        )
        studs = await make_product(
            session, self.ada, name="Studs", price_cents=2_500, categories=[self.earrings]
        )
        chain = await make_product(
            session, self.bo, name="Chain", price_cents=7_000, categories=[self.gifts]
        )
        return ring, studs, chain


@pytest.fixture
async def shop(session: AsyncSession, settings: Settings) -> Shop:
    ada = await make_account(session, settings, display_name="Ada")
    bo = await make_account(session, settings, display_name="Bo")
    return Shop(
        ada,
        bo,
        await make_category(session, "Bands"),
        await make_category(session, "Gifts"),
        await make_category(session, "Ear studs"),
    )


async def stats(client: httpx.AsyncClient, month: str) -> dict[str, Any]:
    response = await client.get(STATS, params={"month": month})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def units_by_category(body: dict[str, Any]) -> dict[str, int]:
    return {c["slug"]: c["units_sold"] for c in body["categories"]}


async def test_a_multi_seller_order_credits_each_seller_with_their_own_lines_only(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, shop: Shop
) -> None:
    ring, studs, chain = await shop.products(session)
    await pay_order(session, settings, [(ring, 2), (studs, 3), (chain, 1)], JAN)
    await pay_order(session, settings, [(studs, 1)], JAN)

    await log_in(client, shop.ada)
    ada = await stats(client, "2026-01")

    # Ada: 2 x 100.00 + 3 x 25.00 in one order, 1 x 25.00 in another; Bo's chain is not hers.
    assert ada["orders"] == 2
    assert ada["units_sold"] == 6
    assert ada["income"] == [
        {
            "currency": "EUR",
            "gross_cents": 30_000,
            "refunded_cents": 0,
            "net_cents": 30_000,
            "orders": 2,
            "average_order_cents": 15_000,
        }
    ]
    assert [(p["name"], p["units_sold"]) for p in ada["best_sellers_by_units"]] == [
        ("Studs", 4),
        ("Ring", 2),
    ]
    assert [(p["name"], p["net_cents"]) for p in ada["best_sellers_by_income"]] == [
        ("Ring", 20_000),
        ("Studs", 10_000),
    ]


async def test_a_product_in_several_categories_counts_in_each(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, shop: Shop
) -> None:
    ring, studs, chain = await shop.products(session)
    await pay_order(session, settings, [(ring, 2), (studs, 3), (chain, 5)], JAN)

    await log_in(client, shop.ada)
    body = await stats(client, "2026-01")

    # The ring is a ring and a gift; Bo's five chains (gifts too) are not Ada's.
    assert units_by_category(body) == {"ear-studs": 3, "bands": 2, "gifts": 2}
    gifts = next(c for c in body["categories"] if c["slug"] == "gifts")
    assert gifts["income"] == [
        {"currency": "EUR", "gross_cents": 20_000, "refunded_cents": 0, "net_cents": 20_000}
    ]


async def test_a_refund_lowers_income_in_the_month_it_happens(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, shop: Shop
) -> None:
    ring, _, chain = await shop.products(session)
    order = await pay_order(session, settings, [(ring, 1), (chain, 1)], JAN)
    # 34.00 back on a 170.00 order: Ada's 100.00 line carries 20.00, Bo's 70.00 line 14.00.
    await refund(session, settings, order, 3_400, FEB)

    await log_in(client, shop.ada)
    january, february = await stats(client, "2026-01"), await stats(client, "2026-02")

    assert january["income"][0] == {
        "currency": "EUR",
        "gross_cents": 10_000,
        "refunded_cents": 0,
        "net_cents": 10_000,
        "orders": 1,
        "average_order_cents": 10_000,
    }
    assert february["orders"] == 0
    assert february["income"][0]["refunded_cents"] == 2_000
    assert february["income"][0]["net_cents"] == -2_000
    assert february["best_sellers_by_units"] == []


async def test_refund_shares_of_every_seller_add_up_to_the_refund(
    session: AsyncSession, settings: Settings, db: Database, shop: Shop
) -> None:
    ring, studs, chain = await shop.products(session)
    order = await pay_order(session, settings, [(ring, 1), (studs, 1), (chain, 1)], JAN)
    await refund(session, settings, order, 1, FEB)  # one cent: one line carries it

    refunded = []
    for seller in (shop.ada, shop.bo):
        async with signed_in(db, settings, seller) as client:
            refunded.append((await stats(client, "2026-02"))["income"][0]["refunded_cents"])

    assert sum(refunded) == 1


@asynccontextmanager
async def signed_in(
    db: Database, settings: Settings, seller: User
) -> AsyncIterator[httpx.AsyncClient]:
    """A fresh browser signed in as `seller`, on an app built with `settings`."""
    async with api_client(create_app(settings, db)) as client:
        await log_in(client, seller)
        yield client


async def test_months_follow_the_store_timezone(
    session: AsyncSession, settings: Settings, db: Database, shop: Shop
) -> None:
    paris = settings.model_copy(update={"store_timezone": "Europe/Paris"})
    ring, _, _ = await shop.products(session)
    # 23:30 UTC on 31 January is 00:30 on 1 February in Paris.
    await pay_order(session, paris, [(ring, 1)], datetime(2026, 1, 31, 23, 30, tzinfo=UTC))

    async with signed_in(db, paris, shop.ada) as client:
        january, february = await stats(client, "2026-01"), await stats(client, "2026-02")

    assert (january["units_sold"], february["units_sold"]) == (0, 1)
    assert february["timezone"] == "Europe/Paris"


async def test_best_seller_lists_stop_at_the_configured_length(
    session: AsyncSession, settings: Settings, db: Database, shop: Shop
) -> None:
    products = [
        await make_product(session, shop.ada, name=f"Charm {i:02}", price_cents=1_000 + i)
        for i in range(12)
    ]
    await pay_order(session, settings, [(p, 1 + i) for i, p in enumerate(products)], JAN)

    async with signed_in(db, settings, shop.ada) as client:
        body = await stats(client, "2026-01")

    assert [p["name"] for p in body["best_sellers_by_units"]] == [
        f"Charm {i:02}" for i in range(11, 1, -1)
    ]
    assert len(body["best_sellers_by_income"]) == settings.stats_best_sellers == 10


async def test_the_series_has_every_month_with_zeros_where_nothing_sold(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, shop: Shop
) -> None:
    ring, studs, _ = await shop.products(session)
    order = await pay_order(session, settings, [(ring, 1), (studs, 2)], JAN)
    await refund(session, settings, order, 5_000, datetime(2026, 3, 2, tzinfo=UTC))

    await log_in(client, shop.ada)
    response = await client.get(f"{STATS}/series", params={"from": "2025-12", "to": "2026-04"})

    assert response.status_code == 200
    months = response.json()["months"]
    assert [(m["month"], m["orders"], m["gross_cents"], m["net_cents"]) for m in months] == [
        ("2025-12", 0, 0, 0),
        ("2026-01", 1, 15_000, 15_000),
        ("2026-02", 0, 0, 0),
        ("2026-03", 0, 0, -5_000),
        ("2026-04", 0, 0, 0),
    ]
    assert {m["currency"] for m in months} == {"EUR"}


async def test_the_csv_export_is_the_series_with_a_header_row(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, shop: Shop
) -> None:
    ring, _, _ = await shop.products(session)
    await pay_order(session, settings, [(ring, 3)], FEB)
    await log_in(client, shop.ada)
    span = {"from": "2026-01", "to": "2026-03"}

    exported = await client.get(f"{STATS}/export.csv", params=span)
    series = (await client.get(f"{STATS}/series", params=span)).json()["months"]

    assert exported.status_code == 200
    assert exported.headers["content-type"] == "text/csv; charset=utf-8"
    assert exported.headers["content-disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [list(r.keys()) for r in rows[:1]] == [
        [
            "month",
            "currency",
            "orders",
            "units_sold",
            "gross_cents",
            "refunded_cents",
            "net_cents",
            "average_order_cents",
        ]
    ]
    assert rows == [{k: str(v) for k, v in point.items()} for point in series]
    assert rows[1]["gross_cents"] == "30000"


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("", {"month": "2026-13"}),
        ("", {"month": "2026-1"}),
        ("", {"month": "january"}),
        ("", {}),
        ("/series", {"from": "2026-05", "to": "2026-04"}),
        ("/series", {"from": "2023-01", "to": "2026-01"}),  # 37 months
        ("/series", {"from": "2026-01"}),
        ("/export.csv", {"from": "2020-01", "to": "2026-01"}),
    ],
)
async def test_bad_months_and_ranges_are_422(
    client: httpx.AsyncClient,
    session: AsyncSession,
    settings: Settings,
    path: str,
    params: dict[str, str],
) -> None:
    await log_in(client, await make_account(session, settings))

    response = await client.get(f"{STATS}{path}", params=params)

    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/json")


async def test_thirty_six_months_is_the_longest_series(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings
) -> None:
    await log_in(client, await make_account(session, settings))

    response = await client.get(f"{STATS}/series", params={"from": "2024-01", "to": "2026-12"})

    assert response.status_code == 200
    assert len(response.json()["months"]) == 36


@pytest.mark.parametrize("path", ["?month=2026-01", "/series?from=2026-01&to=2026-02"])
async def test_customers_and_anonymous_clients_see_no_statistics(
    client: httpx.AsyncClient, session: AsyncSession, settings: Settings, path: str
) -> None:
    anonymous = await client.get(f"{STATS}{path}")
    await log_in(client, await make_account(session, settings, role="customer"))
    customer = await client.get(f"{STATS}{path}")

    assert anonymous.status_code == 401
    assert customer.status_code == 403
