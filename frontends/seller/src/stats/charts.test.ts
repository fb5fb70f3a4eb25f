import type { Schemas } from "@facet/shared/api/client";
import { describe, expect, it } from "vitest";

import { categoryRows, formatMoneyShort, formatTooltipValue, latestMonthWithData, seriesRows } from "./charts";

type MonthPoint = Schemas["MonthPoint"];

function point(month: string, currency: string, gross: number, refunded = 0, orders = gross ? 1 : 0): MonthPoint {
  return {
    month,
    currency,
    orders,
    units_sold: orders,
    gross_cents: gross,
    refunded_cents: refunded,
    net_cents: gross - refunded,
    average_order_cents: orders ? Math.round(gross / orders) : 0,
  };
}

describe("category rows", () => {
  it("keeps the API's order and sums net income per currency", () => {
    const { rows, currencies } = categoryRows([
      {
        category_id: "a",
        slug: "rings",
        name: "Rings",
        units_sold: 7,
        income: [
          { currency: "EUR", gross_cents: 10000, refunded_cents: 2500, net_cents: 7500 },
          { currency: "CHF", gross_cents: 4000, refunded_cents: 0, net_cents: 4000 },
        ],
      },
      {
        category_id: "b",
        slug: "men",
        name: "Men",
        units_sold: 2,
        income: [{ currency: "EUR", gross_cents: 3000, refunded_cents: 0, net_cents: 3000 }],
      },
    ]);
    expect(currencies).toEqual(["CHF", "EUR"]);
    expect(rows).toEqual([
      { name: "Rings", units: 7, net: { CHF: 4000, EUR: 7500 } },
      { name: "Men", units: 2, net: { CHF: 0, EUR: 3000 } },
    ]);
  });

  it("is empty for an empty month", () => {
    expect(categoryRows([])).toEqual({ rows: [], currencies: [] });
  });
});

describe("series rows", () => {
  it("makes one row per month with a value per currency, in month order", () => {
    const { rows, currencies } = seriesRows(
      [
        point("2026-02", "EUR", 5000, 1000),
        point("2026-01", "EUR", 2000),
        point("2026-01", "USD", 300),
        point("2026-02", "USD", 0),
      ],
      "en-US",
    );
    expect(currencies).toEqual(["EUR", "USD"]);
    expect(rows).toEqual([
      { month: "2026-01", label: "Jan 2026", net: { EUR: 2000, USD: 300 }, gross: { EUR: 2000, USD: 300 }, orders: 2 },
      { month: "2026-02", label: "Feb 2026", net: { EUR: 4000, USD: 0 }, gross: { EUR: 5000, USD: 0 }, orders: 1 },
    ]);
  });

  it("counts a currency missing in one month as zero", () => {
    const { rows } = seriesRows([point("2026-01", "EUR", 100), point("2026-02", "USD", 200)], "en-US");
    expect(rows[0]!.net).toEqual({ EUR: 100, USD: 0 });
    expect(rows[1]!.net).toEqual({ EUR: 0, USD: 200 });
  });
});

describe("latest month with data", () => {
  it("finds the last month with a sale or a refund", () => {
    expect(
      latestMonthWithData([point("2026-01", "EUR", 100), point("2026-02", "EUR", 0, 25, 0), point("2026-03", "EUR", 0)]),
    ).toBe("2026-02");
  });

  it("is null when nothing was sold", () => {
    expect(latestMonthWithData([point("2026-01", "EUR", 0), point("2026-02", "EUR", 0)])).toBeNull();
    expect(latestMonthWithData([])).toBeNull();
  });
});

describe("short money", () => {
  it("uses the currency's exponent", () => {
    expect(formatMoneyShort(123_456, "EUR", "en-US")).toBe("€1.2K");
    expect(formatMoneyShort(1500, "JPY", "en-US")).toBe("¥1.5K");
    expect(formatMoneyShort(0, "EUR", "en-US")).toBe("€0");
  });
});

describe("tooltip values", () => {
  it("formats each series its own way, and anything else as text", () => {
    const formats = new Map([["Net income (EUR)", (value: number) => `€${value / 100}`]]);
    expect(formatTooltipValue(formats, 1250, "Net income (EUR)")).toBe("€12.5");
    expect(formatTooltipValue(formats, 3, "Units sold")).toBe("3");
    expect(formatTooltipValue(formats, "x", "Net income (EUR)")).toBe("x");
  });
});
