from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict

MONTH_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"  # YYYY-MM


class Read(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Amounts(Read):
    """Money in minor units of one currency; net = gross - refunded."""

    currency: str
    gross_cents: int
    refunded_cents: int
    net_cents: int


class Income(Amounts):
    orders: int
    average_order_cents: int  # gross / orders, rounded half up; 0 without orders


class CategoryStats(Read):
    category_id: uuid.UUID
    slug: str
    name: str
    units_sold: int
    income: list[Amounts]


class ProductUnits(Read):
    product_id: uuid.UUID
    name: str
    units_sold: int


class ProductIncome(Amounts):
    product_id: uuid.UUID
    name: str
    units_sold: int


class MonthStats(Read):
    month: str
    timezone: str
    orders: int
    units_sold: int
    income: list[Income]
    categories: list[CategoryStats]
    best_sellers_by_units: list[ProductUnits]
    # Ranked by net income within each currency (one currency: simply the top list).
    best_sellers_by_income: list[ProductIncome]


class MonthPoint(Income):
    month: str
    units_sold: int


class Series(Read):
    from_month: str
    to_month: str
    timezone: str
    months: list[MonthPoint]  # every month in the range, per currency, zeros included
