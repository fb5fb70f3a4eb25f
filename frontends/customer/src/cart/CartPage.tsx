import { api, call } from "@facet/shared/api/client";
import { ErrorMessage } from "@facet/shared/errors";
import { formatMoney } from "@facet/shared/money";
import { useSession } from "@facet/shared/session";
import { useAsync } from "@facet/shared/useAsync";
import { useEffect, useState } from "react";
import { Link, useSearchParams } from "react-router";

import { ProductImage } from "../catalog/ProductImage";
import { MAX_QUANTITY, requote } from "./cart";
import { useCart } from "./CartContext";

export default function CartPage() {
  const { cart, update, replace } = useCart();
  const { user } = useSession();
  const [params] = useSearchParams();
  const ids = cart.lines.map((line) => `${line.productId}:${line.quantity}`).join(",");
  const quote = useAsync(
    (signal) =>
      requote(cart, (id) =>
        call(api.GET("/api/v1/products/{product_id}", { params: { path: { product_id: id } }, signal })),
      ),
    [ids],
  );
  useEffect(() => {
    // Only a finished quote of this cart: a previous one shown while reloading is stale.
    if (quote.status === "done" && quote.data.cart !== cart) replace(quote.data.cart);
  }, [quote, cart, replace]);
  const [checkout, setCheckout] = useState<{ busy: boolean; error?: unknown }>({ busy: false });

  async function pay() {
    if (!quote.data) return;
    setCheckout({ busy: true });
    try {
      const items = quote.data.lines
        .filter((line) => line.quantity > 0)
        .map((line) => ({ product_id: line.productId, quantity: line.quantity }));
      const session = await call(
        api.POST("/api/v1/checkout", {
          params: { header: { "idempotency-key": `cart-${cart.version}` } },
          body: { items },
        }),
      );
      // Remembered for the success page of a guest, who cannot read the order back.
      sessionStorage.setItem("facet.lastOrder", session.order_id);
      window.location.assign(session.checkout_url);
    } catch (error) {
      setCheckout({ busy: false, error });
    }
  }

  return (
    <section className="cart" aria-labelledby="cart-title">
      <h1 id="cart-title">Your cart</h1>
      {params.get("checkout") === "cancelled" && (
        <p role="status" className="notice">
          Payment cancelled: nothing was charged. Your cart is still here.
        </p>
      )}
      {cart.lines.length === 0 && quote.status !== "loading" && (
        <p className="empty">
          The cart is empty. <Link to="/">Browse the shop</Link>
        </p>
      )}
      <ErrorMessage error={quote.error} />
      {quote.status === "loading" && cart.lines.length > 0 && <p className="loading">Checking prices and stock…</p>}
      {quote.data && quote.data.removed > 0 && (
        <p role="status" className="notice">
          {quote.data.removed === 1 ? "A product is" : `${quote.data.removed} products are`} no longer sold and
          left the cart.
        </p>
      )}
      {quote.data && quote.data.lines.length > 0 && (
        <>
          <ul className="lines">
            {quote.data.lines.map((line) => {
              const max = Math.min(line.product.stock, MAX_QUANTITY);
              return (
                <li key={line.productId}>
                  <ProductImage image={line.product.images[0]} alt={line.product.name} sizes="96px" />
                  <div>
                    <Link to={`/products/${line.productId}`}>{line.product.name}</Link>
                    <p className="meta">
                      {formatMoney(line.product.price_cents, line.product.currency)} each
                    </p>
                    {line.notice && <p className="notice">{line.notice}</p>}
                  </div>
                  <label>
                    Quantity of {line.product.name}
                    <input
                      type="number"
                      min={0}
                      max={max}
                      value={line.quantity}
                      disabled={max === 0}
                      onChange={(e) => update(line.productId, Math.min(Number(e.target.value) || 0, max))}
                    />
                  </label>
                  <button type="button" className="link" onClick={() => update(line.productId, 0)}>
                    Remove {line.product.name}
                  </button>
                </li>
              );
            })}
          </ul>
          <p className="total">
            Total{" "}
            <strong>{quote.data.currency ? formatMoney(quote.data.totalCents, quote.data.currency) : "—"}</strong>
          </p>
          {!user && <p className="meta">Checking out as a guest. <Link to="/login?next=/cart">Log in</Link> to see the order in your account.</p>}
          <ErrorMessage error={checkout.error} />
          <button type="button" className="primary" onClick={pay} disabled={checkout.busy || quote.data.totalCents === 0}>
            {checkout.busy ? "Going to payment…" : "Check out"}
          </button>
        </>
      )}
    </section>
  );
}
