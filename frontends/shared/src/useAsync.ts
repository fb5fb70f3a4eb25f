import { type DependencyList, useEffect, useState } from "react";

export type Async<T> =
  | { status: "loading"; data?: undefined; error?: undefined }
  | { status: "done"; data: T; error?: undefined }
  | { status: "failed"; data?: undefined; error: unknown };

/** Runs load whenever deps change; a stale answer (deps changed meanwhile) is dropped. */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): Async<T> {
  const [state, setState] = useState<Async<T>>({ status: "loading" });
  useEffect(() => {
    const controller = new AbortController();
    setState({ status: "loading" });
    load(controller.signal).then(
      (data) => controller.signal.aborted || setState({ status: "done", data }),
      (error: unknown) => controller.signal.aborted || setState({ status: "failed", error }),
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return state;
}
