import { api, ApiError, call, type Schemas } from "@facet/shared/api/client";
import { ErrorMessage } from "@facet/shared/errors";
import { useSession } from "@facet/shared/session";
import { useEffect, useState } from "react";
import { Link, useParams, useSearchParams } from "react-router";

import { useCart } from "../cart/CartContext";
import { OrderDetails } from "./OrderDetails";

type Order = Schemas["OrderRead"];
const POLL_MS = 1000;
// Until the webhook records the payment (or the session expires), the order is one of these.
const UNPAID = new Set(["pending", "awaiting_payment"]);

/** Stripe sends the shopper here; the webhook may not have landed yet, so poll until it has. */
export default function OrderPage() {
  const { orderId = "" } = useParams();
  const [params] = useSearchParams();
  const { user } = useSession();
  const { cart, clear } = useCart();
  const [order, setOrder] = useState<Order | null>(null);
  const [error, setError] = useState<unknown>(null);
  const fromCheckout = params.get("checkout") === "success";

  useEffect(() => {
    if (user === undefined || user === null) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const poll = async () => {
      try {
        const found = await call(api.GET("/api/v1/orders/{order_id}", { params: { path: { order_id: orderId } } }));
        if (stopped) return;
        setOrder(found);
        setError(null);
        if (UNPAID.has(found.status)) timer = setTimeout(poll, POLL_MS);
      } catch (failure) {
        if (stopped) return;
        setError(failure);
        if (failure instanceof ApiError && (failure.status === 0 || failure.status >= 500)) {
          timer = setTimeout(poll, POLL_MS * 3);
        }
      }
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [orderId, user]);

  // The cart was bought: empty it once the payment is confirmed.
  useEffect(() => {
    const guestPaid = fromCheckout && user === null && sessionStorage.getItem("facet.lastOrder") === orderId;
    if ((order?.status === "paid" && fromCheckout) || guestPaid) {
      if (cart.lines.length) clear();
    }
  }, [order?.status, fromCheckout, user, orderId, cart.lines.length, clear]);

  if (user === null) {
    return (
      <section>
        <h1>Thank you</h1>
        <p>
          {fromCheckout
            ? "Your payment is being confirmed. We email you the moment the order is paid, with its details."
            : "Log in to see this order."}
        </p>
        <Link to={`/login?next=/orders/${orderId}`}>Log in to follow the order</Link>
      </section>
    );
  }
  return (
    <section aria-labelledby="order-title">
      <h1 id="order-title">{fromCheckout && order?.status === "paid" ? "Thank you for your order" : "Order"}</h1>
      <ErrorMessage error={error} />
      {!order && !error && <p className="loading">Loading the order…</p>}
      {order && UNPAID.has(order.status) && (
        <p role="status" className="loading">
          Waiting for the payment to be confirmed…
        </p>
      )}
      {order && <OrderDetails order={order} />}
      <p>
        <Link to="/account/orders">All my orders</Link>
      </p>
    </section>
  );
}
