// The API's statistics as chart rows: money stays in minor units (formatMoney formats it), one
// value per currency, so a seller selling in two currencies gets two bars or two lines.
import type { Schemas } from "@facet/shared/api/client";
import { minorDigits } from "@facet/shared/money";

import { formatMonth } from "./months";

type CategoryStats = Schemas["CategoryStats"];
type MonthPoint = Schemas["MonthPoint"];

export interface CategoryRow {
  name: string;
  units: number;
  /** Net income of the category per currency, minor units. */
  net: Record<string, number>;
}

export interface SeriesRow {
  month: string;
  /** "Mar 2026": the axis label. */
  label: string;
  net: Record<string, number>;
  gross: Record<string, number>;
  orders: number;
}

/** Every currency the amounts are in, sorted (the order of bars, lines and legend entries). */
export function currenciesOf(amounts: Iterable<{ currency: string }>): string[] {
  return [...new Set([...amounts].map((amount) => amount.currency))].sort();
}

/** One row per category, in the API's order (most units first). */
export function categoryRows(categories: CategoryStats[]): { rows: CategoryRow[]; currencies: string[] } {
  const currencies = currenciesOf(categories.flatMap((category) => category.income));
  const rows = categories.map((category) => {
    const net: Record<string, number> = Object.fromEntries(currencies.map((currency) => [currency, 0]));
    for (const amounts of category.income) net[amounts.currency] = (net[amounts.currency] ?? 0) + amounts.net_cents;
    return { name: category.name, units: category.units_sold, net };
  });
  return { rows, currencies };
}

/** One row per month (the API sends one point per month and currency), in month order; a
 * currency missing in a month counts as zero there. */
export function seriesRows(points: MonthPoint[], locale?: string): { rows: SeriesRow[]; currencies: string[] } {
  const currencies = currenciesOf(points);
  const byMonth = new Map<string, SeriesRow>();
  for (const point of points) {
    let row = byMonth.get(point.month);
    if (!row) {
      row = {
        month: point.month,
        label: formatMonth(point.month, locale, "short"),
        net: Object.fromEntries(currencies.map((currency) => [currency, 0])),
        gross: Object.fromEntries(currencies.map((currency) => [currency, 0])),
        orders: 0,
      };
      byMonth.set(point.month, row);
    }
    row.net[point.currency] = (row.net[point.currency] ?? 0) + point.net_cents;
    row.gross[point.currency] = (row.gross[point.currency] ?? 0) + point.gross_cents;
    row.orders += point.orders;
  }
  return { rows: [...byMonth.values()].sort((a, b) => a.month.localeCompare(b.month)), currencies };
}

/** The last month of the series with any sale or refund, or null if it has none. */
export function latestMonthWithData(points: MonthPoint[]): string | null {
  let latest: string | null = null;
  for (const point of points) {
    const active = point.orders > 0 || point.gross_cents !== 0 || point.refunded_cents !== 0;
    if (active && (latest === null || point.month > latest)) latest = point.month;
  }
  return latest;
}

/** A short money label for an axis ("€1.2K"): minor units in, the currency's exponent from Intl. */
export function formatMoneyShort(minor: number, currency: string, locale?: string): string {
  return new Intl.NumberFormat(locale, {
    style: "currency",
    currency,
    notation: "compact",
    minimumFractionDigits: 0,
    maximumFractionDigits: 1,
  }).format(minor / 10 ** minorDigits(currency));
}

/** A short count label for an axis ("1.2K"). */
export function formatCountShort(value: number, locale?: string): string {
  return new Intl.NumberFormat(locale, { notation: "compact", maximumFractionDigits: 1 }).format(value);
}

/** A tooltip value in its series' own format (units, or money of its currency), by series name. */
export function formatTooltipValue(
  formats: ReadonlyMap<string, (value: number) => string>,
  value: unknown,
  name: unknown,
): string {
  const formatter = formats.get(String(name));
  return typeof value === "number" && formatter ? formatter(value) : String(value);
}

/** The category chart's height: a band per category and room for the axes and the legend. */
export function categoryChartHeight(categories: number): number {
  return Math.max(220, categories * 64 + 90);
}
