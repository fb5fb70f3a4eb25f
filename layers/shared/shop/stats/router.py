from __future__ import annotations

import csv
import io
from typing import Annotated

from fastapi import APIRouter, Query, Response

from shop.api.deps import CurrentSeller, SessionDep, SettingsDep
from shop.stats import service
from shop.stats.schemas import MONTH_PATTERN, MonthStats, Series

router = APIRouter(prefix="/seller/stats", tags=["seller statistics"])

MonthParam = Annotated[str, Query(pattern=MONTH_PATTERN, description="YYYY-MM")]
FromParam = Annotated[str, Query(alias="from", pattern=MONTH_PATTERN, description="YYYY-MM")]
ToParam = Annotated[str, Query(pattern=MONTH_PATTERN, description="YYYY-MM")]

CSV_COLUMNS = (
    "month",
    "currency",
    "orders",
    "units_sold",
    "gross_cents",
    "refunded_cents",
    "net_cents",
    "average_order_cents",
)


@router.get("", response_model=MonthStats)
async def month_stats(
    month: MonthParam, seller: CurrentSeller, session: SessionDep, settings: SettingsDep
) -> MonthStats:
    """One month of the seller's own sales: units by category, income, best sellers."""
    return await service.month_stats(session, settings, seller.id, month)


@router.get("/series", response_model=Series)
async def series(
    from_: FromParam,
    to: ToParam,
    seller: CurrentSeller,
    session: SessionDep,
    settings: SettingsDep,
) -> Series:
    """Orders, units and income per month (months without sales as zeros), for charts."""
    return await service.series(session, settings, seller.id, from_, to)


@router.get(
    "/export.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}, "description": "the series as CSV"}},
)
async def export_csv(
    from_: FromParam,
    to: ToParam,
    seller: CurrentSeller,
    session: SessionDep,
    settings: SettingsDep,
) -> Response:
    """The monthly series as CSV (a header row, RFC 4180 quoting), for accountants."""
    data = await service.series(session, settings, seller.id, from_, to)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for point in data.months:
        writer.writerow([getattr(point, column) for column in CSV_COLUMNS])
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="facet-stats-{from_}-{to}.csv"'},
    )
