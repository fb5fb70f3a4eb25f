import { formatMoney } from "@facet/shared/money";
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";

import { type SeriesRow, formatMoneyShort, formatTooltipValue } from "./charts";
import { colour } from "./palette";

const seriesName = (kind: "Net" | "Gross", currency: string, several: boolean) =>
  several ? `${kind} income (${currency})` : `${kind} income`;

/** Net (solid) and gross (dashed) income per month, one pair of lines and one axis per currency. */
export function SeriesChart(props: { rows: SeriesRow[]; currencies: string[]; rangeLabel: string }) {
  const { rows, currencies, rangeLabel } = props;
  const several = currencies.length > 1;
  const formats = new Map<string, (value: number) => string>();
  for (const currency of currencies) {
    for (const kind of ["Net", "Gross"] as const) {
      formats.set(seriesName(kind, currency, several), (value) => formatMoney(value, currency));
    }
  }
  return (
    <div
      role="img"
      aria-label={`Line chart of net and gross income per month, ${rangeLabel}. The figures are in the table below it.`}
      className="chart-area"
    >
      <LineChart
        data={rows}
        responsive
        accessibilityLayer={false}
        style={{ width: "100%", height: 300 }}
        margin={{ top: 8, right: 16, bottom: 8, left: 0 }}
      >
        <CartesianGrid vertical={false} stroke="#e4e1ea" />
        <XAxis dataKey="label" minTickGap={12} />
        {currencies.map((currency, index) => (
          <YAxis
            key={currency}
            yAxisId={currency}
            orientation={index % 2 ? "right" : "left"}
            width={64}
            tickFormatter={(value: number) => formatMoneyShort(value, currency)}
          />
        ))}
        <Tooltip formatter={(value, name) => formatTooltipValue(formats, value, name)} />
        <Legend />
        {currencies.flatMap((currency, index) => [
          <Line
            key={`net-${currency}`}
            yAxisId={currency}
            type="linear"
            dataKey={(row: SeriesRow) => row.net[currency] ?? 0}
            name={seriesName("Net", currency, several)}
            stroke={colour(index)}
            strokeWidth={2}
            dot={rows.length <= 18}
            isAnimationActive={false}
          />,
          <Line
            key={`gross-${currency}`}
            yAxisId={currency}
            type="linear"
            dataKey={(row: SeriesRow) => row.gross[currency] ?? 0}
            name={seriesName("Gross", currency, several)}
            stroke={colour(index)}
            strokeDasharray="5 4"
            strokeOpacity={0.7}
            dot={false}
            isAnimationActive={false}
          />,
        ])}
      </LineChart>
    </div>
  );
}
