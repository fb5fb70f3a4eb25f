import { api, call } from "@facet/shared/api/client";
import { ErrorMessage } from "@facet/shared/errors";
import { formatMoney } from "@facet/shared/money";
import { useAsync } from "@facet/shared/useAsync";
import { useState } from "react";
import { Link, useParams } from "react-router";

import { MAX_QUANTITY } from "../cart/cart";
import { useCart } from "../cart/CartContext";
import { ProductImage } from "./ProductImage";

export function ProductPage() {
  const { productId = "" } = useParams();
  const product = useAsync(
    (signal) =>
      call(api.GET("/api/v1/products/{product_id}", { params: { path: { product_id: productId } }, signal })),
    [productId],
  );
  const { cart, add } = useCart();
  const [quantity, setQuantity] = useState(1);
  const [added, setAdded] = useState(false);
  const [error, setError] = useState<unknown>(null);

  if (product.status === "loading") return <p className="loading">Loading…</p>;
  if (product.status === "failed") {
    return (
      <>
        <ErrorMessage error={product.error} />
        <Link to="/">Back to the shop</Link>
      </>
    );
  }
  const p = product.data;
  const inCart = cart.lines.find((line) => line.productId === p.id)?.quantity ?? 0;
  const max = Math.max(0, Math.min(p.stock, MAX_QUANTITY) - inCart);
  const [main, ...rest] = p.images;

  return (
    <article className="product">
      <div className="gallery">
        <ProductImage image={main} alt={p.name} sizes="(max-width: 640px) 100vw, 600px" eager />
        {rest.length > 0 && (
          <ul className="thumbs">
            {rest.map((image, index) => (
              <li key={image.id}>
                <ProductImage image={image} alt={`${p.name}, picture ${index + 2}`} sizes="120px" />
              </li>
            ))}
          </ul>
        )}
      </div>
      <div className="details">
        <h1>{p.name}</h1>
        <p className="price">{formatMoney(p.price_cents, p.currency)}</p>
        <p>
          By <Link to={`/?seller=${p.seller.id}`}>{p.seller.display_name}</Link> · {p.material}
        </p>
        <p className="stock">{p.in_stock ? `${p.stock} in stock` : "Sold out"}</p>
        {p.categories.length > 0 && (
          <p className="categories">
            {p.categories.map((c) => (
              <Link key={c.id} to={`/?category=${c.slug}`} className="tag">
                {c.name}
              </Link>
            ))}
          </p>
        )}
        <form
          className="buy"
          onSubmit={(event) => {
            event.preventDefault();
            try {
              add(p.id, quantity);
              setAdded(true);
              setError(null);
            } catch (failure) {
              setError(failure);
            }
          }}
        >
          <label>
            Quantity
            <input
              type="number"
              min={1}
              max={max || 1}
              value={quantity}
              disabled={max === 0}
              onChange={(e) => setQuantity(Math.max(1, Math.min(Number(e.target.value) || 1, max || 1)))}
            />
          </label>
          <button type="submit" className="primary" disabled={max === 0}>
            Add to cart
          </button>
        </form>
        {max === 0 && p.in_stock && <p>All available pieces are in your cart.</p>}
        <ErrorMessage error={error} />
        {added && (
          <p role="status">
            Added. <Link to="/cart">Go to the cart</Link>
          </p>
        )}
        <div className="description">
          {p.description.split("\n\n").map((paragraph, index) => (
            <p key={index}>{paragraph}</p>
          ))}
        </div>
      </div>
    </article>
  );
}
