import type { Schemas } from "@facet/shared/api/client";
import { formatMoney } from "@facet/shared/money";

type MonthStats = Schemas["MonthStats"];
type Income = Schemas["Income"];

const count = new Intl.NumberFormat();

/** The month's figures: orders and units in total, money per currency (one line each). */
export function MonthCards({ stats }: { stats: MonthStats }) {
  const money = (pick: (income: Income) => number) =>
    stats.income.map((income) => formatMoney(pick(income), income.currency));
  return (
    <dl className="stat-cards">
      <Card label="Orders" values={[count.format(stats.orders)]} />
      <Card label="Units sold" values={[count.format(stats.units_sold)]} />
      <Card label="Gross income" values={money((income) => income.gross_cents)} />
      <Card label="Refunded" values={money((income) => income.refunded_cents)} />
      <Card label="Net income" values={money((income) => income.net_cents)} highlight />
      <Card label="Average order" values={money((income) => income.average_order_cents)} />
    </dl>
  );
}

function Card(props: { label: string; values: string[]; highlight?: boolean }) {
  return (
    <div className={props.highlight ? "stat-card highlight" : "stat-card"}>
      <dt>{props.label}</dt>
      {props.values.length ? (
        props.values.map((value, index) => <dd key={index}>{value}</dd>)
      ) : (
        <dd aria-label="none">—</dd>
      )}
    </div>
  );
}
