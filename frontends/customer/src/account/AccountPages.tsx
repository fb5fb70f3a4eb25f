import { api, call, type Schemas } from "@facet/shared/api/client";
import { ErrorMessage } from "@facet/shared/errors";
import { formatMoney } from "@facet/shared/money";
import { useSession } from "@facet/shared/session";
import { useAsync } from "@facet/shared/useAsync";
import { type FormEvent, type ReactNode, useState } from "react";
import { Link, Navigate, NavLink, Route, Routes, useNavigate, useSearchParams } from "react-router";

import { OrderDetails } from "../orders/OrderDetails";

/** Sign-up, verification, login, password reset and the account itself. */
export default function AccountPages() {
  return (
    <Routes>
      <Route path="login" element={<LoginPage />} />
      <Route path="register" element={<RegisterPage />} />
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

/** A form that runs one API call and shows its error; `busy` disables the button meanwhile. */
function useSubmit(action: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, onSubmit };
}

function Field(props: { label: string; children: ReactNode }) {
  return (
    <label className="field">
      {props.label}
      {props.children}
    </label>
  );
}

function EmailField(props: { value: string; onChange: (value: string) => void }) {
  return (
    <Field label="Email">
      <input
        type="email"
        autoComplete="email"
        required
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </Field>
  );
}

/** A new password: at least 12 characters, as the API checks (and then its breach list). */
function PasswordField(props: { label: string; value: string; onChange: (value: string) => void; isNew?: boolean }) {
  return (
    <Field label={props.label}>
      <input
        type="password"
        autoComplete={props.isNew ? "new-password" : "current-password"}
        required
        minLength={props.isNew ? 12 : undefined}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </Field>
  );
}

/** Only same-site paths: `?next=https://evil.example` must not become an open redirect. */
function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/account";
}

function LoginPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { setUser } = useSession();
  const [email, setEmail] = useState(params.get("email") ?? "");
  const [password, setPassword] = useState("");
  const form = useSubmit(async () => {
    setUser(await call(api.POST("/api/v1/auth/login", { body: { email, password } })));
    navigate(safeNext(params.get("next")), { replace: true });
  });
  return (
    <section className="narrow" aria-labelledby="login-title">
      <h1 id="login-title">Log in</h1>
      {params.get("verified") && <p role="status" className="notice">Email verified. You can log in now.</p>}
      {params.get("reset") && <p role="status" className="notice">Password changed. Log in with the new one.</p>}
      <form onSubmit={form.onSubmit}>
        <EmailField value={email} onChange={setEmail} />
        <PasswordField label="Password" value={password} onChange={setPassword} />
        <ErrorMessage error={form.error} />
        <button type="submit" className="primary" disabled={form.busy}>
          {form.busy ? "Logging in…" : "Log in"}
        </button>
      </form>
      <p>
        <Link to="/forgot-password">Forgot your password?</Link> · <Link to="/register">Create an account</Link>
      </p>
    </section>
  );
}

function RegisterPage() {
  const navigate = useNavigate();
  const [email, setEmail] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [password, setPassword] = useState("");
  const form = useSubmit(async () => {
    await call(api.POST("/api/v1/auth/register", { body: { email, password, display_name: displayName } }));
    navigate(`/verify?email=${encodeURIComponent(email)}`);
  });
  return (
    <section className="narrow" aria-labelledby="register-title">
      <h1 id="register-title">Create an account</h1>
      <form onSubmit={form.onSubmit}>
        <Field label="Name">
          <input autoComplete="name" required maxLength={80} value={displayName} onChange={(e) => setDisplayName(e.target.value)} />
        </Field>
        <EmailField value={email} onChange={setEmail} />
        <PasswordField label="Password (at least 12 characters)" value={password} onChange={setPassword} isNew />
        <ErrorMessage error={form.error} />
        <button type="submit" className="primary" disabled={form.busy}>
          Create account
        </button>
      </form>
      <p>
        Already have one? <Link to="/login">Log in</Link>
      </p>
    </section>
  );
}

function VerifyPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [email, setEmail] = useState(params.get("email") ?? "");
  const [code, setCode] = useState("");
  const [resent, setResent] = useState<string | null>(null);
  const form = useSubmit(async () => {
    await call(api.POST("/api/v1/auth/verify-email", { body: { email, code: code.trim() } }));
    navigate(`/login?verified=1&email=${encodeURIComponent(email)}`);
  });
  const resend = useSubmit(async () => {
    setResent((await call(api.POST("/api/v1/auth/resend-code", { body: { email } }))).detail);
  });
  return (
    <section className="narrow" aria-labelledby="verify-title">
      <h1 id="verify-title">Verify your email</h1>
      <p>We sent a code to your email address. Enter it here.</p>
      <form onSubmit={form.onSubmit}>
        <EmailField value={email} onChange={setEmail} />
        <Field label="Code">
          <input
            inputMode="numeric"
            autoComplete="one-time-code"
            required
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
        </Field>
        <ErrorMessage error={form.error} />
        <button type="submit" className="primary" disabled={form.busy}>
          Verify
        </button>
      </form>
      <form onSubmit={resend.onSubmit}>
        <ErrorMessage error={resend.error} />
        {resent && <p role="status">{resent}</p>}
        <button type="submit" className="link" disabled={resend.busy || !email}>
          Send a new code
        </button>
      </form>
    </section>
  );
}

function ForgotPage() {
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState<string | null>(null);
  const form = useSubmit(async () => {
    setSent((await call(api.POST("/api/v1/auth/password/forgot", { body: { email } }))).detail);
  });
  return (
    <section className="narrow" aria-labelledby="forgot-title">
      <h1 id="forgot-title">Reset your password</h1>
      {sent ? (
        <p role="status">{sent}</p>
      ) : (
        <form onSubmit={form.onSubmit}>
          <EmailField value={email} onChange={setEmail} />
          <ErrorMessage error={form.error} />
          <button type="submit" className="primary" disabled={form.busy}>
            Send me a reset link
          </button>
        </form>
      )}
    </section>
  );
}

function ResetPage() {
  const navigate = useNavigate();
  // The token is in the fragment (#token=…): never sent to a server or into a Referer.
  const token = new URLSearchParams(window.location.hash.slice(1)).get("token") ?? "";
  const [password, setPassword] = useState("");
  const form = useSubmit(async () => {
    await call(api.POST("/api/v1/auth/password/reset", { body: { token, password } }));
    navigate("/login?reset=1", { replace: true });
  });
  return (
    <section className="narrow" aria-labelledby="reset-title">
      <h1 id="reset-title">Choose a new password</h1>
      {!token && <p className="error" role="alert">This link has no reset token. Ask for a new link.</p>}
      <form onSubmit={form.onSubmit}>
        <PasswordField label="New password (at least 12 characters)" value={password} onChange={setPassword} isNew />
        <ErrorMessage error={form.error} />
        <button type="submit" className="primary" disabled={form.busy || !token}>
          Change password
        </button>
      </form>
    </section>
  );
}

function AccountArea() {
  const { user, logout } = useSession();
  const navigate = useNavigate();
  if (user === undefined) return <p className="loading">Loading…</p>;
  if (user === null) return <Navigate to={`/login?next=${encodeURIComponent(window.location.pathname)}`} replace />;
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
        <Route index element={<Profile user={user} />} />
        <Route path="orders" element={<MyOrders />} />
        <Route path="sessions" element={<Sessions />} />
      </Routes>
    </div>
  );
}

function Profile({ user }: { user: Schemas["UserRead"] }) {
  const { setUser } = useSession();
  const [name, setName] = useState(user.display_name);
  const [saved, setSaved] = useState(false);
  const form = useSubmit(async () => {
    setSaved(false);
    setUser(await call(api.PATCH("/api/v1/users/me", { body: { display_name: name } })));
    setSaved(true);
  });
  return (
    <section className="narrow" aria-labelledby="profile-title">
      <h1 id="profile-title">Profile</h1>
      <p>
        {user.email} · {user.verified_at ? "verified" : "not verified"}
      </p>
      <form onSubmit={form.onSubmit}>
        <Field label="Name">
          <input required maxLength={80} value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
        <ErrorMessage error={form.error} />
        {saved && <p role="status">Saved.</p>}
        <button type="submit" disabled={form.busy}>
          Save
        </button>
      </form>
    </section>
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

function Sessions() {
  const [version, setVersion] = useState(0);
  const sessions = useAsync((signal) => call(api.GET("/api/v1/users/me/sessions", { signal })), [version]);
  const [error, setError] = useState<unknown>(null);
  return (
    <section aria-labelledby="sessions-title">
      <h1 id="sessions-title">Where you are logged in</h1>
      <ErrorMessage error={sessions.error ?? error} />
      {sessions.status === "loading" && <p className="loading">Loading…</p>}
      <ul className="sessions">
        {sessions.data?.map((session) => (
          <li key={session.id}>
            <span>
              {session.user_agent ?? "Unknown browser"} {session.current && <strong>(this browser)</strong>}
            </span>
            <span className="meta">
              since {new Date(session.created_at).toLocaleString()} · last seen{" "}
              {new Date(session.last_seen_at).toLocaleString()}
            </span>
            {!session.current && (
              <button
                type="button"
                onClick={async () => {
                  try {
                    await call(
                      api.DELETE("/api/v1/users/me/sessions/{session_id}", {
                        params: { path: { session_id: session.id } },
                      }),
                    );
                    setVersion((v) => v + 1);
                  } catch (failure) {
                    setError(failure);
                  }
                }}
              >
                End this session
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
