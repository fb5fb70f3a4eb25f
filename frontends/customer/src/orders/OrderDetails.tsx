import { addressLines } from "@facet/shared/address";
import type { Schemas } from "@facet/shared/api/client";
import { formatMoney } from "@facet/shared/money";

type Order = Schemas["OrderRead"];

export function OrderDetails({ order }: { order: Order }) {
  const address = addressLines(order.shipping_address);
  return (
    <div className="order">
      <p>
        <span className={`status status-${order.status}`}>{order.status.replace(/_/g, " ")}</span>{" "}
        <span className="meta">
          Order {order.id.slice(0, 8)} · {new Date(order.created_at).toLocaleString()}
        </span>
      </p>
      <table>
        <caption className="visually-hidden">Order lines</caption>
        <thead>
          <tr>
            <th scope="col">Product</th>
            <th scope="col">Quantity</th>
            <th scope="col">Price</th>
          </tr>
        </thead>
        <tbody>
          {order.items.map((line) => (
            <tr key={line.product_id}>
              <td>{line.product_name}</td>
              <td>{line.quantity}</td>
              <td>{formatMoney(line.unit_price_cents * line.quantity, order.currency)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row" colSpan={2}>
              Total
            </th>
            <td>{formatMoney(order.amount_total, order.currency)}</td>
          </tr>
          {order.amount_refunded > 0 && (
            <tr>
              <th scope="row" colSpan={2}>
                Refunded
              </th>
              <td>{formatMoney(order.amount_refunded, order.currency)}</td>
            </tr>
          )}
        </tfoot>
      </table>
      {order.shipping_name && (
        <address>
          <strong>Ships to</strong>
          <br />
          {order.shipping_name}
          {address.map((part, index) => (
            <span key={index}>
              <br />
              {part}
            </span>
          ))}
        </address>
      )}
    </div>
  );
}
