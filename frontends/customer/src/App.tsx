import { SessionProvider, useSession } from "@facet/shared/session";
import { lazy, Suspense } from "react";
import { BrowserRouter, Link, NavLink, Route, Routes } from "react-router";

import { CartProvider, useCart } from "./cart/CartContext";
import { CatalogPage } from "./catalog/CatalogPage";
import { ProductPage } from "./catalog/ProductPage";

// The catalog and product pages are the first load; the rest comes when it is opened.
const CartPage = lazy(() => import("./cart/CartPage"));
const OrderPage = lazy(() => import("./orders/OrderPage"));
const AccountPages = lazy(() => import("./account/AccountPages"));

export function App() {
  return (
    <BrowserRouter>
      <SessionProvider>
        <CartProvider>
          <a className="skip" href="#main">
            Skip to content
          </a>
          <Header />
          <main id="main">
            <Suspense fallback={<p className="loading">Loading…</p>}>
              <Routes>
                <Route path="/" element={<CatalogPage />} />
                <Route path="/products/:productId" element={<ProductPage />} />
                <Route path="/cart" element={<CartPage />} />
                <Route path="/orders/:orderId" element={<OrderPage />} />
                <Route path="/*" element={<AccountPages />} />
              </Routes>
            </Suspense>
          </main>
        </CartProvider>
      </SessionProvider>
    </BrowserRouter>
  );
}

function Header() {
  const { user } = useSession();
  const { count } = useCart();
  return (
    <header className="top">
      <Link to="/" className="brand">
        Facet
      </Link>
      <nav aria-label="Main">
        <NavLink to="/" end>
          Shop
        </NavLink>
        <NavLink to="/cart">Cart{count > 0 ? ` (${count})` : ""}</NavLink>
        {user ? (
          <NavLink to="/account">{user.display_name}</NavLink>
        ) : user === null ? (
          <NavLink to="/login">Log in</NavLink>
        ) : null}
      </nav>
    </header>
  );
}
