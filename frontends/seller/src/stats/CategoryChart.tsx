import { formatMoney } from "@facet/shared/money";
import { Bar, BarChart, CartesianGrid, Legend, Tooltip, XAxis, YAxis } from "recharts";

import { type CategoryRow, categoryChartHeight, formatCountShort, formatMoneyShort, formatTooltipValue } from "./charts";
import { colour } from "./palette";

const UNITS = "Units sold";
const netName = (currency: string, several: boolean) => (several ? `Net income (${currency})` : "Net income");

/** Units and net income per category, as horizontal bars (names stay readable on a phone):
 * units on the top axis, income on one bottom axis per currency. */
export function CategoryChart(props: { rows: CategoryRow[]; currencies: string[]; monthLabel: string }) {
  const { rows, currencies, monthLabel } = props;
  const several = currencies.length > 1;
  const formats = new Map<string, (value: number) => string>([[UNITS, (value) => String(value)]]);
  for (const currency of currencies) formats.set(netName(currency, several), (value) => formatMoney(value, currency));
  const summary = rows
    .map((row) => {
      const income = currencies.map((currency) => formatMoney(row.net[currency] ?? 0, currency)).join(", ");
      return `${row.name}: ${row.units} units${income ? `, ${income}` : ""}`;
    })
    .join("; ");
  return (
    <figure className="chart">
      <figcaption id="category-chart-title">Units and net income by category</figcaption>
      <div
        role="img"
        aria-label={`Bar chart of units sold and net income by category, ${monthLabel}. ${summary}.`}
        className="chart-area"
      >
        <BarChart
          layout="vertical"
          data={rows}
          responsive
          accessibilityLayer={false}
          style={{ width: "100%", height: categoryChartHeight(rows.length) }}
          margin={{ top: 8, right: 16, bottom: 8, left: 0 }}
          barGap={2}
        >
          <CartesianGrid horizontal={false} stroke="#e4e1ea" />
          <YAxis type="category" dataKey="name" width={88} tickLine={false} />
          <XAxis
            type="number"
            xAxisId="units"
            orientation="top"
            allowDecimals={false}
            tickFormatter={(value: number) => formatCountShort(value)}
          />
          {currencies.map((currency) => (
            <XAxis
              key={currency}
              type="number"
              xAxisId={`net-${currency}`}
              orientation="bottom"
              tickFormatter={(value: number) => formatMoneyShort(value, currency)}
            />
          ))}
          <Tooltip formatter={(value, name) => formatTooltipValue(formats, value, name)} />
          <Legend />
          <Bar xAxisId="units" dataKey="units" name={UNITS} fill={colour(0)} isAnimationActive={false} />
          {currencies.map((currency, index) => (
            <Bar
              key={currency}
              xAxisId={`net-${currency}`}
              dataKey={(row: CategoryRow) => row.net[currency] ?? 0}
              name={netName(currency, several)}
              fill={colour(index + 1)}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </div>
    </figure>
  );
}
