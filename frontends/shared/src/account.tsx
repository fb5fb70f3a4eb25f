// The account pages both apps have: sign-up, verification, login, password reset, profile,
// sessions and account deletion. Paths are the app's own (react-router's basename adds /seller).
import { type FormEvent, type ReactNode, startTransition, useState } from "react";
import { Link, Navigate, useLocation, useNavigate, useSearchParams } from "react-router";

import { api, call } from "./api/client";
import { ErrorMessage } from "./errors";
import { type User, useSession } from "./session";
import { useAsync } from "./useAsync";

/** A form that runs one API call and shows its error; `busy` disables the button meanwhile. */
export function useSubmit(action: () => Promise<void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const onSubmit = async (event?: FormEvent) => {
    event?.preventDefault();
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

export function Field(props: { label: string; children: ReactNode; className?: string }) {
  return (
    <label className={props.className ?? "field"}>
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
export function safeNext(next: string | null, home: string): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : home;
}

/** The signed-in user, or a redirect to the login page that comes back here afterwards. */
export function RequireUser(props: { children: (user: User) => ReactNode }) {
  const { user } = useSession();
  const location = useLocation(); // without the basename, as navigate() wants it
  if (user === undefined) return <p className="loading">Loading…</p>;
  if (user === null) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  return props.children(user);
}

/** After login, `?next=` or `home`. */
export function LoginPage({ home }: { home: string }) {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { setUser } = useSession();
  const [email, setEmail] = useState(params.get("email") ?? "");
  const [password, setPassword] = useState("");
  const form = useSubmit(async () => {
    setUser(await call(api.POST("/api/v1/auth/login", { body: { email, password } })));
    navigate(safeNext(params.get("next"), home), { replace: true });
  });
  return (
    <section className="narrow" aria-labelledby="login-title">
      <h1 id="login-title">Log in</h1>
      {params.get("verified") && <p role="status" className="notice">Email verified. You can log in now.</p>}
      {params.get("reset") && <p role="status" className="notice">Password changed. Log in with the new one.</p>}
      {params.get("deleted") && <p role="status" className="notice">Your account was deleted.</p>}
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

export function RegisterPage({ role, title }: { role: "customer" | "seller"; title: string }) {
  const navigate = useNavigate();
  const [email, setEmail] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [password, setPassword] = useState("");
  const form = useSubmit(async () => {
    await call(api.POST("/api/v1/auth/register", { body: { email, password, display_name: displayName, role } }));
    navigate(`/verify?email=${encodeURIComponent(email)}`);
  });
  return (
    <section className="narrow" aria-labelledby="register-title">
      <h1 id="register-title">{title}</h1>
      <form onSubmit={form.onSubmit}>
        <Field label={role === "seller" ? "Shop name" : "Name"}>
          <input
            autoComplete={role === "seller" ? "organization" : "name"}
            required
            maxLength={80}
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
          />
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

export function VerifyPage() {
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

export function ForgotPage() {
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

export function ResetPage() {
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
      {!token && (
        <p className="error" role="alert">
          This link has no reset token. Ask for a new link.
        </p>
      )}
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

export function Profile({ user, nameLabel = "Name" }: { user: User; nameLabel?: string }) {
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
        <Field label={nameLabel}>
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

export function Sessions() {
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

/** Deleting the account asks for the password again; afterwards the session is gone. */
export function DeleteAccount({ consequence }: { consequence: string }) {
  const { setUser } = useSession();
  const navigate = useNavigate();
  const [password, setPassword] = useState("");
  const [confirmed, setConfirmed] = useState(false);
  const form = useSubmit(async () => {
    await call(api.DELETE("/api/v1/users/me", { body: { password } }));
    // One transition, as navigate() is one: signed out while still on a signed-in page would
    // redirect to the login page with ?next= back to it.
    startTransition(() => {
      navigate("/login?deleted=1", { replace: true });
      setUser(null);
    });
  });
  return (
    <section className="narrow danger-zone" aria-labelledby="delete-title">
      <h2 id="delete-title">Delete the account</h2>
      <p>{consequence}</p>
      <form onSubmit={form.onSubmit}>
        <PasswordField label="Your password" value={password} onChange={setPassword} />
        <label className="check">
          <input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />I understand
          this cannot be undone
        </label>
        <ErrorMessage error={form.error} />
        <button type="submit" className="danger" disabled={form.busy || !confirmed}>
          Delete my account
        </button>
      </form>
    </section>
  );
}
