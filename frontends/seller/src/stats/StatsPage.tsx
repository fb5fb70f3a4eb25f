// Statistics: one month's figures (cards, categories, best sellers) and the monthly income over
// a range (line chart, CSV). The month and the range live in the URL (?month=&from=&to=), so a
// link reproduces the view. This page is its own chunk: recharts loads only here.
import { api, call } from "@facet/shared/api/client";
import { ErrorMessage } from "@facet/shared/errors";
import { formatMoney } from "@facet/shared/money";
import { useAsync } from "@facet/shared/useAsync";
import { lazy, type ReactNode, Suspense, useEffect, useMemo } from "react";
import { useSearchParams } from "react-router";

import { BestSellers } from "./BestSellers";
import { categoryChartHeight, categoryRows, latestMonthWithData, seriesRows } from "./charts";
import { MonthCards } from "./MonthCards";
import { MonthInput } from "./MonthInput";
import { addMonths, checkRange, currentMonth, defaultRange, formatMonth, isMonth, MAX_RANGE_MONTHS } from "./months";
import "./stats.css";

// The charts (recharts) load in parallel with the month's figures, which show without them.
const CategoryChart = lazy(() => import("./Charts").then((charts) => ({ default: charts.CategoryChart })));
const SeriesChart = lazy(() => import("./Charts").then((charts) => ({ default: charts.SeriesChart })));

export default function StatsPage() {
  const [params, setParams] = useSearchParams();
  const month = params.get("month");
  return (
    <section aria-labelledby="stats-title" className="stats">
      <div className="page-head">
        <h1 id="stats-title">Statistics</h1>
      </div>
      {isMonth(month) ? (
        <StatsFor month={month} params={params} setParams={setParams} />
      ) : (
        <LatestMonth onFound={(found) => setParams({ month: found }, { replace: true })} />
      )}
    </section>
  );
}

/** Without ?month=: the latest month with sales among the last MAX_RANGE_MONTHS, else this one. */
function LatestMonth({ onFound }: { onFound: (month: string) => void }) {
  const now = currentMonth();
  const probe = useAsync(
    (signal) =>
      call(
        api.GET("/api/v1/seller/stats/series", {
          params: { query: { from: addMonths(now, 1 - MAX_RANGE_MONTHS), to: now } },
          signal,
        }),
      ),
    [now],
  );
  useEffect(() => {
    if (probe.status === "done") onFound(latestMonthWithData(probe.data.months) ?? now);
    if (probe.status === "failed") onFound(now); // the month's own request shows the error
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [probe.status]);
  return <p className="loading">Loading…</p>;
}

type SetParams = ReturnType<typeof useSearchParams>[1];

function StatsFor({ month, params, setParams }: { month: string; params: URLSearchParams; setParams: SetParams }) {
  const fallback = defaultRange(month);
  const from = params.get("from") ?? fallback.from;
  const to = params.get("to") ?? fallback.to;
  const range = checkRange(from, to);
  const monthLabel = formatMonth(month);
  const now = currentMonth();

  const update = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) next.set(key, value);
    setParams(next);
  };

  const stats = useAsync(
    (signal) => call(api.GET("/api/v1/seller/stats", { params: { query: { month } }, signal })),
    [month],
  );
  const series = useAsync(
    (signal) =>
      range.ok
        ? call(api.GET("/api/v1/seller/stats/series", { params: { query: { from, to } }, signal }))
        : Promise.resolve(null),
    [from, to, range.ok],
  );
  const categories = useMemo(() => categoryRows(stats.data?.categories ?? []), [stats.data]);
  const points = useMemo(() => seriesRows(series.data?.months ?? []), [series.data]);
  const rangeLabel = `${formatMonth(from)} to ${formatMonth(to)}`;
  const csv = `/api/v1/seller/stats/export.csv?${new URLSearchParams({ from, to })}`;

  return (
    <>
      <div className="stats-controls">
        <MonthInput label="Month" value={month} max={now} onChange={(value) => update({ month: value })} />
        {stats.data && <p className="meta">Months on the store's calendar ({stats.data.timezone}).</p>}
      </div>

      <section aria-labelledby="month-title" aria-busy={stats.status === "loading"}>
        <h2 id="month-title">{monthLabel}</h2>
        <ErrorMessage error={stats.error} />
        {stats.status === "loading" && !stats.data && <p className="loading">Loading…</p>}
        {stats.data && (
          <>
            {stats.data.orders === 0 && stats.data.income.length === 0 && (
              <p className="notice">No sales in {monthLabel}.</p>
            )}
            <MonthCards stats={stats.data} />
            {categories.rows.length > 0 && (
              <ChartSlot height={categoryChartHeight(categories.rows.length) + 40}>
                <CategoryChart rows={categories.rows} currencies={categories.currencies} monthLabel={monthLabel} />
              </ChartSlot>
            )}
            <BestSellers stats={stats.data} monthLabel={monthLabel} />
          </>
        )}
      </section>

      <section aria-labelledby="series-title" className="series">
        <h2 id="series-title">Income per month</h2>
        <div className="stats-controls">
          <MonthInput
            label="From"
            value={from}
            max={now}
            invalid={!range.ok}
            describedBy="range-help"
            onChange={(value) => update({ from: value, to })}
          />
          <MonthInput
            label="To"
            value={to}
            max={now}
            invalid={!range.ok}
            describedBy="range-help"
            onChange={(value) => update({ from, to: value })}
          />
          {range.ok && (
            <a className="button" href={csv} download={`facet-stats-${from}-${to}.csv`}>
              Download CSV
            </a>
          )}
        </div>
        {range.ok ? (
          <p id="range-help" className="meta">
            {range.months} months, at most {MAX_RANGE_MONTHS}.
          </p>
        ) : (
          <p id="range-help" role="alert" className="error">
            {range.message}
          </p>
        )}
        <ErrorMessage error={series.error} />
        {range.ok && series.status === "loading" && !series.data && <p className="loading">Loading…</p>}
        {range.ok && series.data && (
          <figure className="chart">
            <figcaption>Net and gross income, {rangeLabel}</figcaption>
            <ChartSlot height={300}>
              <SeriesChart rows={points.rows} currencies={points.currencies} rangeLabel={rangeLabel} />
            </ChartSlot>
            <details>
              <summary>The figures as a table</summary>
              <div className="table-scroll">
                <table className="data">
                  <caption className="visually-hidden">Income per month, {rangeLabel}</caption>
                  <thead>
                    <tr>
                      <th scope="col">Month</th>
                      <th scope="col" className="num">
                        Orders
                      </th>
                      <th scope="col" className="num">
                        Gross
                      </th>
                      <th scope="col" className="num">
                        Refunded
                      </th>
                      <th scope="col" className="num">
                        Net
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {series.data.months.map((point) => (
                      <tr key={`${point.month}:${point.currency}`}>
                        <th scope="row">{formatMonth(point.month)}</th>
                        <td className="num">{point.orders}</td>
                        <td className="num">{formatMoney(point.gross_cents, point.currency)}</td>
                        <td className="num">{formatMoney(point.refunded_cents, point.currency)}</td>
                        <td className="num">{formatMoney(point.net_cents, point.currency)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            </details>
          </figure>
        )}
      </section>
    </>
  );
}

/** Room for a chart while its code loads, so the page does not jump when it arrives. */
function ChartSlot({ height, children }: { height: number; children: ReactNode }) {
  return (
    <Suspense
      fallback={
        <p className="loading chart-loading" style={{ minHeight: height }}>
          Loading the chart…
        </p>
      }
    >
      {children}
    </Suspense>
  );
}
