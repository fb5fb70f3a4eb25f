// Who is signed in, read from GET /users/me (the cookie is HttpOnly: the page never sees it).
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from "react";
import type { ReactNode } from "react";

import { api, ApiError, call, onUnauthorized, type Schemas } from "./api/client";

export type User = Schemas["UserRead"];

interface SessionState {
  /** undefined while the first /users/me is in flight; null when signed out. */
  user: User | null | undefined;
  setUser: (user: User | null) => void;
  refresh: () => Promise<void>;
  logout: () => Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(undefined);

  const refresh = useCallback(async () => {
    try {
      setUser(await call(api.GET("/api/v1/users/me")));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) setUser(null);
      else throw error;
    }
  }, []);

  const logout = useCallback(async () => {
    try {
      await call(api.POST("/api/v1/auth/logout"));
    } finally {
      setUser(null);
    }
  }, []);

  useEffect(() => {
    refresh().catch(() => setUser(null));
    return onUnauthorized(() => setUser(null));
  }, [refresh]);

  const value = useMemo(() => ({ user, setUser, refresh, logout }), [user, refresh, logout]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const state = useContext(SessionContext);
  if (!state) throw new Error("useSession outside <SessionProvider>");
  return state;
}
