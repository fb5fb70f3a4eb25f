import {
  DeleteAccount,
  ForgotPage,
  LoginPage,
  Profile,
  RegisterPage,
  RequireUser,
  ResetPage,
  Sessions,
  VerifyPage,
} from "@facet/shared/account";
import { api, call, type Schemas } from "@facet/shared/api/client";
import { ErrorMessage } from "@facet/shared/errors";
import { formatMoney } from "@facet/shared/money";
import { useSession } from "@facet/shared/session";
import { useAsync } from "@facet/shared/useAsync";
import { useState } from "react";
import { Link, NavLink, Route, Routes, useNavigate } from "react-router";

import { OrderDetails } from "../orders/OrderDetails";

/** Sign-up, verification, login, password reset and the account itself. */
export default function AccountPages() {
  return (
    <Routes>
      <Route path="login" element={<LoginPage home="/account" />} />
      <Route path="register" element={<RegisterPage role="customer" title="Create an account" />} />
      <Route path="verify" element={<VerifyPage />} />
      <Route path="forgot-password" element={<ForgotPage />} />
      <Route path="reset-password" element={<ResetPage />} />
      <Route path="account/*" element={<AccountArea />} />
      <Route path="*" element={<NotFound />} />
    </Routes>
  );
}

function NotFound() {
  return (
    <section>
      <h1>Page not found</h1>
      <Link to="/">Back to the shop</Link>
    </section>
  );
}

function AccountArea() {
  return <RequireUser>{(user) => <AccountTabs user={user} />}</RequireUser>;
}

function AccountTabs({ user }: { user: Schemas["UserRead"] }) {
  const { logout } = useSession();
  const navigate = useNavigate();
  return (
    <div className="account">
      <nav aria-label="Account" className="tabs">
        <NavLink to="/account" end>
          Profile
        </NavLink>
        <NavLink to="/account/orders">My orders</NavLink>
        <NavLink to="/account/sessions">Sessions</NavLink>
        <button
          type="button"
          className="link"
          onClick={async () => {
            await logout().catch(() => undefined);
            navigate("/");
          }}
        >
          Log out
        </button>
      </nav>
      <Routes>
        <Route
          index
          element={
            <>
              <Profile user={user} />
              <DeleteAccount consequence="Every session ends and your name, email and password are removed. Past orders stay on record with the email they were placed under." />
            </>
          }
        />
        <Route path="orders" element={<MyOrders />} />
        <Route path="sessions" element={<Sessions />} />
      </Routes>
    </div>
  );
}

function MyOrders() {
  const [pages, setPages] = useState<{ items: Schemas["OrderRead"][]; cursor: string | null }>({ items: [], cursor: null });
  const first = useAsync((signal) => call(api.GET("/api/v1/orders", { params: { query: { limit: 20 } }, signal })), []);
  const [more, setMore] = useState<unknown>(null);
  const items = [...(first.data?.items ?? []), ...pages.items];
  const cursor = pages.cursor ?? first.data?.next_cursor ?? null;
  return (
    <section aria-labelledby="orders-title">
      <h1 id="orders-title">My orders</h1>
      <ErrorMessage error={first.error ?? more} />
      {first.status === "loading" && <p className="loading">Loading…</p>}
      {first.status === "done" && items.length === 0 && <p>No orders yet.</p>}
      <ul className="orders">
        {items.map((order) => (
          <li key={order.id}>
            <h2>
              <Link to={`/orders/${order.id}`}>
                {new Date(order.created_at).toLocaleDateString()} · {formatMoney(order.amount_total, order.currency)}
              </Link>
            </h2>
            <OrderDetails order={order} />
          </li>
        ))}
      </ul>
      {cursor && (
        <button
          type="button"
          onClick={async () => {
            try {
              const page = await call(api.GET("/api/v1/orders", { params: { query: { limit: 20, cursor } } }));
              setPages((p) => ({ items: [...p.items, ...page.items], cursor: page.next_cursor ?? "" }));
            } catch (error) {
              setMore(error);
            }
          }}
        >
          Older orders
        </button>
      )}
    </section>
  );
}
