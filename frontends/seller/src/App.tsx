import { ForgotPage, LoginPage, RegisterPage, RequireUser, ResetPage, VerifyPage } from "@facet/shared/account";
import { SessionProvider, type User, useSession } from "@facet/shared/session";
import { lazy, type ReactNode, Suspense } from "react";
import { BrowserRouter, Link, Navigate, NavLink, Route, Routes, useNavigate } from "react-router";

// The login page is the first load; each area is its own chunk, the charts only on /stats.
const ProductsPage = lazy(() => import("./products/ProductsPage"));
const ProductEditPage = lazy(() => import("./products/ProductEditPage"));
const OrdersPage = lazy(() => import("./orders/OrdersPage"));
const StatsPage = lazy(() => import("./stats/StatsPage"));
const AccountPage = lazy(() => import("./account/AccountPage"));

export function App() {
  return (
    <BrowserRouter basename="/seller">
      <SessionProvider>
        <a className="skip" href="#main">
          Skip to content
        </a>
        <Header />
        <main id="main">
          <Suspense fallback={<p className="loading">Loading…</p>}>
            <Routes>
              <Route path="login" element={<LoginPage home="/products" />} />
              <Route path="register" element={<RegisterPage role="seller" title="Open a shop on Facet" />} />
              <Route path="verify" element={<VerifyPage />} />
              <Route path="forgot-password" element={<ForgotPage />} />
              <Route path="reset-password" element={<ResetPage />} />
              <Route path="/" element={<Navigate to="/products" replace />} />
              <Route path="products" element={<Seller>{() => <ProductsPage />}</Seller>} />
              <Route path="products/new" element={<Seller>{() => <ProductEditPage />}</Seller>} />
              <Route path="products/:productId" element={<Seller>{() => <ProductEditPage />}</Seller>} />
              <Route path="orders" element={<Seller>{() => <OrdersPage />}</Seller>} />
              <Route path="stats" element={<Seller>{() => <StatsPage />}</Seller>} />
              <Route path="account/*" element={<Seller>{(user) => <AccountPage user={user} />}</Seller>} />
              <Route path="*" element={<NotFound />} />
            </Routes>
          </Suspense>
        </main>
      </SessionProvider>
    </BrowserRouter>
  );
}

/** A signed-in seller (or admin), else the login page, which comes back here afterwards. */
function Seller({ children }: { children: (user: User) => ReactNode }) {
  return (
    <RequireUser>{(user) => (user.role === "customer" ? <NotASeller user={user} /> : children(user))}</RequireUser>
  );
}

function NotASeller({ user }: { user: User }) {
  const { logout } = useSession();
  const navigate = useNavigate();
  return (
    <section className="narrow" aria-labelledby="not-seller-title">
      <h1 id="not-seller-title">This is the seller dashboard</h1>
      <p>
        {user.email} is a customer account. <a href="/">Go to the shop</a>, or log out and log in with a seller
        account.
      </p>
      <button type="button" onClick={() => signOut(navigate, logout)}>
        Log out
      </button>
    </section>
  );
}

/** To the login page first: signed out on a signed-in page, it would come back there after login. */
function signOut(navigate: (to: string) => void, logout: () => Promise<void>) {
  navigate("/login");
  logout().catch(() => undefined); // the session is forgotten here whatever the API answered
}

function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <Link to="/products">Back to your products</Link>
    </section>
  );
}

function Header() {
  const { user, logout } = useSession();
  const navigate = useNavigate();
  const seller = user && user.role !== "customer";
  return (
    <header className="top">
      <Link to="/products" className="brand">
        Facet <span className="brand-sub">for sellers</span>
      </Link>
      {seller ? (
        <nav aria-label="Main">
          <NavLink to="/products">Products</NavLink>
          <NavLink to="/orders">Orders</NavLink>
          <NavLink to="/stats">Statistics</NavLink>
          <NavLink to="/account">{user.display_name}</NavLink>
          <button type="button" className="link" onClick={() => signOut(navigate, logout)}>
            Log out
          </button>
        </nav>
      ) : user === null ? (
        <nav aria-label="Main">
          <NavLink to="/login">Log in</NavLink>
          <NavLink to="/register">Open a shop</NavLink>
        </nav>
      ) : null}
    </header>
  );
}
