import type { Schemas } from "@facet/shared/api/client";
import { formatMoney } from "@facet/shared/money";

type MonthStats = Schemas["MonthStats"];

/** The month's two rankings: by units, and by net income (within each currency). */
export function BestSellers({ stats, monthLabel }: { stats: MonthStats; monthLabel: string }) {
  const currencies = new Set(stats.best_sellers_by_income.map((row) => row.currency));
  // The API ranks by net income within each currency (currency by currency): so does the number.
  const seen = new Map<string, number>();
  const incomeRanks = stats.best_sellers_by_income.map((row) => {
    const rank = (seen.get(row.currency) ?? 0) + 1;
    seen.set(row.currency, rank);
    return rank;
  });
  return (
    <div className="best-sellers">
      <section aria-labelledby="best-units-title">
        <h2 id="best-units-title">Best sellers by units</h2>
        {stats.best_sellers_by_units.length === 0 ? (
          <p className="meta">Nothing sold in {monthLabel}.</p>
        ) : (
          <div className="table-scroll">
            <table className="data">
              <caption className="visually-hidden">Best sellers by units, {monthLabel}</caption>
              <thead>
                <tr>
                  <th scope="col" className="num">
                    #
                  </th>
                  <th scope="col">Product</th>
                  <th scope="col" className="num">
                    Units
                  </th>
                </tr>
              </thead>
              <tbody>
                {stats.best_sellers_by_units.map((row, index) => (
                  <tr key={row.product_id}>
                    <td className="num">{index + 1}</td>
                    <td>{row.name}</td>
                    <td className="num">{row.units_sold}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="best-income-title">
        <h2 id="best-income-title">Best sellers by net income</h2>
        {stats.best_sellers_by_income.length === 0 ? (
          <p className="meta">No income in {monthLabel}.</p>
        ) : (
          <div className="table-scroll">
            <table className="data">
              <caption className="visually-hidden">
                Best sellers by net income{currencies.size > 1 ? ", ranked within each currency" : ""}, {monthLabel}
              </caption>
              <thead>
                <tr>
                  <th scope="col" className="num">
                    #
                  </th>
                  <th scope="col">Product</th>
                  <th scope="col" className="num">
                    Units
                  </th>
                  <th scope="col" className="num wide-only">
                    Refunded
                  </th>
                  <th scope="col" className="num">
                    Net
                  </th>
                </tr>
              </thead>
              <tbody>
                {stats.best_sellers_by_income.map((row, index) => (
                  <tr key={`${row.product_id}:${row.currency}`}>
                    <td className="num">{incomeRanks[index]}</td>
                    <td>{row.name}</td>
                    <td className="num">{row.units_sold}</td>
                    <td className="num wide-only">{formatMoney(row.refunded_cents, row.currency)}</td>
                    <td className="num">{formatMoney(row.net_cents, row.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
