// Orders to ship: the seller's lines of paid orders, newest first, with where each one goes.
// "Load more" follows the API's keyset cursor.
import { api, call, type Schemas } from "@facet/shared/api/client";
import { ErrorMessage } from "@facet/shared/errors";
import { formatMoney } from "@facet/shared/money";
import { usePages } from "@facet/shared/usePages";

import { addressLines } from "@facet/shared/address";
import "./orders.css";

type Line = Schemas["SellerOrderLineRead"];

const PAGE_SIZE = 50;
const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });

export default function OrdersPage() {
  const pages = usePages(
    (cursor, signal) => call(api.GET("/api/v1/seller/orders", { params: { query: { cursor, limit: PAGE_SIZE } }, signal })),
    [],
  );
  const { first, items: lines, cursor } = pages;

  return (
    <section aria-labelledby="orders-title">
      <div className="page-head">
        <h1 id="orders-title">
          Orders to ship{" "}
          {first.status === "done" && (
            <span className="count">
              · {lines.length}
              {cursor ? "+" : ""} {lines.length === 1 ? "line" : "lines"}
            </span>
          )}
        </h1>
      </div>
      <ErrorMessage error={first.error} />
      {first.status === "loading" && <p className="loading">Loading…</p>}
      {first.status === "done" && lines.length === 0 && <p>No paid orders yet. Paid orders appear here to ship.</p>}
      {lines.length > 0 && (
        <table className="data order-lines">
          <caption className="visually-hidden">Paid order lines, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Paid</th>
              <th scope="col">Order</th>
              <th scope="col">Product</th>
              <th scope="col" className="num">
                Quantity
              </th>
              <th scope="col" className="num">
                Unit price
              </th>
              <th scope="col" className="num">
                Total
              </th>
              <th scope="col">Status</th>
              <th scope="col">Ship to</th>
            </tr>
          </thead>
          <tbody>
            {lines.map((line, index) => (
              <OrderLine key={`${line.order_id}:${line.product_id}:${index}`} line={line} />
            ))}
          </tbody>
        </table>
      )}
      <ErrorMessage error={pages.moreError} />
      {cursor && first.status === "done" && (
        <p className="load-more">
          <button type="button" onClick={() => void pages.loadMore()} disabled={pages.loadingMore}>
            {pages.loadingMore ? "Loading…" : "Load more"}
          </button>
        </p>
      )}
    </section>
  );
}

function OrderLine({ line }: { line: Line }) {
  const when = new Date(line.paid_at ?? line.ordered_at);
  const address = addressLines(line.shipping_address);
  return (
    <tr>
      <td data-label="Paid">
        <time dateTime={when.toISOString()}>{dateFormat.format(when)}</time>
      </td>
      <td data-label="Order">
        <code title={line.order_id}>{line.order_id.slice(0, 8)}</code>
      </td>
      <td data-label="Product" className="product">
        {line.product_name}
      </td>
      <td data-label="Quantity" className="num">
        {line.quantity}
      </td>
      <td data-label="Unit price" className="num">
        {formatMoney(line.unit_price_cents, line.currency)}
      </td>
      <td data-label="Total" className="num">
        {formatMoney(line.unit_price_cents * line.quantity, line.currency)}
      </td>
      <td data-label="Status">
        <span className={`status status-${line.order_status}`}>{line.order_status.replace(/_/g, " ")}</span>
      </td>
      <td data-label="Ship to">
        {line.shipping_name || address.length > 0 ? (
          <address>
            {line.shipping_name && <strong className="ship-name">{line.shipping_name}</strong>}
            {address.map((part, index) => (
              <span key={index} className="address-line">
                {part}
              </span>
            ))}
          </address>
        ) : (
          <span className="meta">No shipping address</span>
        )}
      </td>
    </tr>
  );
}
