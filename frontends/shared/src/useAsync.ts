import { type DependencyList, useEffect, useState } from "react";

export type Async<T> =
  | { status: "loading"; data?: T; error?: undefined } // data: the previous answer, if any
  | { status: "done"; data: T; error?: undefined }
  | { status: "failed"; data?: undefined; error: unknown };

/** Runs load whenever deps change; a stale answer (deps changed meanwhile) is dropped. While a
 * new answer loads, the previous one stays, so lists and facets do not flash empty. */
export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: DependencyList): Async<T> {
  const [state, setState] = useState<Async<T>>({ status: "loading" });
  useEffect(() => {
    const controller = new AbortController();
    setState((previous) => ({ status: "loading", data: previous.data }));
    load(controller.signal).then(
      (data) => controller.signal.aborted || setState({ status: "done", data }),
      (error: unknown) => controller.signal.aborted || setState({ status: "failed", error }),
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return state;
}
