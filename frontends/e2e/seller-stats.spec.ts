import { readFileSync } from "node:fs";

import type { Page } from "@playwright/test";

import type { Schemas } from "../shared/src/api/client.ts";
import { formatMoney } from "../shared/src/money.ts";
import { expect, logInSeller, screenshots, test } from "./support";

type MonthStats = Schemas["MonthStats"];
type Series = Schemas["Series"];
type SellerOrderPage = Schemas["SellerOrderPage"];

const CSV_HEADER = "month,currency,orders,units_sold,gross_cents,refunded_cents,net_cents,average_order_cents";

/** "YYYY-MM" moved by `count` months. */
function addMonths(month: string, count: number): string {
  const [year, number] = month.split("-").map(Number) as [number, number];
  const index = year * 12 + number - 1 + count;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

async function getJson<T>(page: Page, url: string): Promise<T> {
  const response = await page.request.get(url);
  expect(response.ok(), `${url} answers ${response.status()}`).toBe(true);
  return (await response.json()) as T;
}

/** The browser's own number formatting (the page formats with its default locale). */
async function formatters(page: Page) {
  const locale = await page.evaluate(() => navigator.language);
  const count = new Intl.NumberFormat(locale);
  return {
    count: (value: number) => count.format(value),
    money: (minor: number, currency: string) => formatMoney(minor, currency, locale),
  };
}

test("statistics: the month's figures match the API, the charts render, the CSV downloads", async ({ page }) => {
  await logInSeller(page);
  // The demo year: the last 36 months, ending with this one, as the page's default looks them up.
  const thisMonth = await page.evaluate(() => {
    const now = new Date();
    return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}`;
  });
  const history = await getJson<Series>(
    page,
    `/api/v1/seller/stats/series?from=${addMonths(thisMonth, -35)}&to=${thisMonth}`,
  );
  const active = history.months.filter((point) => point.orders > 0);
  expect(active.length, "the demo seller sold in several months").toBeGreaterThan(3);
  const latest = history.months
    .filter((point) => point.orders > 0 || point.gross_cents !== 0 || point.refunded_cents !== 0)
    .map((point) => point.month)
    .sort()
    .at(-1)!;
  // The busiest month with a refund: orders, refunds and best sellers to show.
  const refunded = (point: Series["months"][number]) => (point.refunded_cents > 0 ? 1 : 0);
  const month = [...active].sort(
    (a, b) => refunded(b) - refunded(a) || b.orders - a.orders || a.month.localeCompare(b.month),
  )[0]!.month;

  // Without ?month= the page opens on the latest month with sales.
  await page.goto("/seller/stats");
  await expect(page).toHaveURL(new RegExp(`month=${latest}$`));
  await expect(page.getByLabel("Month", { exact: true })).toHaveValue(latest);

  await page.goto(`/seller/stats?month=${month}`);
  const stats = await getJson<MonthStats>(page, `/api/v1/seller/stats?month=${month}`);
  expect(stats.orders).toBeGreaterThan(0);
  const from = addMonths(month, -11);
  const series = await getJson<Series>(page, `/api/v1/seller/stats/series?from=${from}&to=${month}`);
  const { count, money } = await formatters(page);
  const card = (label: string) =>
    page.locator(".stat-card").filter({ has: page.getByText(label, { exact: true }) }).locator("dd");
  await expect(card("Orders")).toHaveText([count(stats.orders)]);
  await expect(card("Units sold")).toHaveText([count(stats.units_sold)]);
  const perCurrency = (pick: (income: MonthStats["income"][number]) => number) =>
    stats.income.map((income) => money(pick(income), income.currency));
  await expect(card("Gross income")).toHaveText(perCurrency((income) => income.gross_cents));
  await expect(card("Refunded")).toHaveText(perCurrency((income) => income.refunded_cents));
  await expect(card("Net income")).toHaveText(perCurrency((income) => income.net_cents));
  await expect(card("Average order")).toHaveText(perCurrency((income) => income.average_order_cents));

  // The charts: an svg each, named for assistive technology; a bar per category and series.
  const categoryChart = page.getByRole("img", { name: /^Bar chart of units sold and net income by category/ });
  await expect(categoryChart.locator("svg.recharts-surface").first()).toBeVisible();
  await expect(categoryChart.locator(".recharts-bar-rectangle")).toHaveCount(
    stats.categories.length * (1 + new Set(stats.income.map((income) => income.currency)).size),
  );
  const seriesChart = page.getByRole("img", { name: /^Line chart of net and gross income per month/ });
  await expect(seriesChart.locator("svg.recharts-surface").first()).toBeVisible();
  await expect(seriesChart.locator("path.recharts-line-curve")).toHaveCount(
    2 * new Set(series.months.map((point) => point.currency)).size,
  );

  // The best sellers, in the API's order.
  const byUnits = page.getByRole("table", { name: /^Best sellers by units/ });
  await expect(byUnits.locator("tbody tr")).toHaveCount(stats.best_sellers_by_units.length);
  await expect(byUnits.locator("tbody tr").first()).toContainText(stats.best_sellers_by_units[0]!.name);
  const byIncome = page.getByRole("table", { name: /^Best sellers by net income/ });
  await expect(byIncome.locator("tbody tr")).toHaveCount(stats.best_sellers_by_income.length);
  const top = stats.best_sellers_by_income[0]!;
  await expect(byIncome.locator("tbody tr").first()).toContainText(money(top.net_cents, top.currency));
  await screenshots(page, "seller-stats");

  // The default range: the 12 months ending at the chosen one; the CSV is that series.
  await expect(page.getByLabel("From", { exact: true })).toHaveValue(from);
  await expect(page.getByLabel("To", { exact: true })).toHaveValue(month);
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download CSV" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`facet-stats-${from}-${month}.csv`);
  const lines = readFileSync((await download.path())!, "utf8").trimEnd().split("\r\n");
  expect(lines[0]).toBe(CSV_HEADER);
  expect(lines.length - 1).toBe(series.months.length);
  const first = series.months[0]!;
  expect(lines[1]).toBe(
    [first.month, first.currency, first.orders, first.units_sold, first.gross_cents, first.refunded_cents,
      first.net_cents, first.average_order_cents].join(","),
  );

  // More than 36 months is refused before any request; a valid range comes back.
  await page.getByLabel("From", { exact: true }).fill(addMonths(month, -36));
  await expect(page.getByRole("alert")).toContainText("at most 36 months");
  await expect(page.getByRole("link", { name: "Download CSV" })).toHaveCount(0);
  await page.getByLabel("From", { exact: true }).fill(addMonths(month, -35));
  await expect(page.getByRole("alert")).toHaveCount(0);
  await expect(page).toHaveURL(new RegExp(`from=${addMonths(month, -35)}`));
  await expect(seriesChart.locator("svg.recharts-surface").first()).toBeVisible();

  // Another month through its input: into the URL, the cards follow.
  const other = active.find((point) => point.month !== month)!.month;
  await page.getByLabel("Month", { exact: true }).fill(other);
  await expect(page).toHaveURL(new RegExp(`month=${other}`));
  const otherStats = await getJson<MonthStats>(page, `/api/v1/seller/stats?month=${other}`);
  await expect(card("Orders")).toHaveText([count(otherStats.orders)]);
  await page.goBack();
  await expect(card("Orders")).toHaveText([count(stats.orders)]);
});

test("orders to ship: paid lines with where they go, and more on request", async ({ page }) => {
  await logInSeller(page);
  await page.getByRole("link", { name: "Orders", exact: true }).click();
  await expect(page.getByRole("heading", { name: /^Orders to ship/, level: 1 })).toBeVisible();
  const expected = await getJson<SellerOrderPage>(page, "/api/v1/seller/orders?limit=50");
  const rows = page.locator("table.order-lines tbody tr");
  await expect(rows).toHaveCount(expected.items.length);
  const { money } = await formatters(page);
  const line = expected.items[0]!;
  const firstRow = rows.first();
  await expect(firstRow).toContainText(line.product_name);
  await expect(firstRow).toContainText(line.order_id.slice(0, 8));
  await expect(firstRow.locator(".ship-name")).toHaveText(line.shipping_name!);
  await expect(firstRow).toContainText(money(line.unit_price_cents * line.quantity, line.currency));
  await expect(firstRow.locator(".status")).toHaveText(line.order_status.replace(/_/g, " "));
  await expect(firstRow.locator("address")).toContainText(String(line.shipping_address!.city));
  expect(await page.locator("table.order-lines .ship-name").count()).toBe(expected.items.length);
  await screenshots(page, "seller-orders");

  expect(expected.next_cursor, "the demo seller has more than one page").not.toBeNull();
  await page.getByRole("button", { name: "Load more" }).click();
  await expect.poll(() => rows.count()).toBeGreaterThan(expected.items.length);
});
