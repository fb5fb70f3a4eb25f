import { type DependencyList, useEffect, useRef, useState } from "react";

import { type Async, useAsync } from "./useAsync";

/** One page of a keyset-paged API list. */
export interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}

export interface Pages<T> {
  /** The first page, as useAsync gives it (its previous answer stays while deps reload). */
  first: Async<Page<T>>;
  /** The first page's items, then every page "Load more" brought. */
  items: T[];
  /** The cursor of the next page; null once the API said there is none. */
  cursor: string | null;
  loadMore: () => Promise<void>;
  loadingMore: boolean;
  moreError: unknown;
}

interface More<T> {
  items: T[];
  cursor: string | null; // null: follow the first page's next_cursor
  error: unknown;
}

const START = { items: [], cursor: null, error: null };

/** A list paged by the API's keyset cursor: the first page loads whenever deps change, then
 * "Load more" follows next_cursor. A change of deps starts over from the first page, and a page
 * asked for before the change is dropped rather than added to the new list. */
export function usePages<T>(
  load: (cursor: string | undefined, signal?: AbortSignal) => Promise<Page<T>>,
  deps: DependencyList,
): Pages<T> {
  const first = useAsync((signal) => load(undefined, signal), deps);
  const [more, setMore] = useState<More<T>>(START);
  const [loadingMore, setLoadingMore] = useState(false);
  const generation = useRef(0);
  useEffect(() => {
    generation.current += 1;
    setMore(START);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  // "" once a page said there is no next one.
  const cursor = (more.cursor ?? first.data?.next_cursor ?? null) || null;

  async function loadMore() {
    if (!cursor) return;
    const asked = generation.current;
    setLoadingMore(true);
    setMore((m) => ({ ...m, error: null }));
    try {
      const page = await load(cursor);
      if (asked === generation.current) {
        setMore((m) => ({ items: [...m.items, ...page.items], cursor: page.next_cursor ?? "", error: null }));
      }
    } catch (error) {
      if (asked === generation.current) setMore((m) => ({ ...m, error }));
    } finally {
      setLoadingMore(false);
    }
  }

  return {
    first,
    items: [...(first.data?.items ?? []), ...more.items],
    cursor,
    loadMore,
    loadingMore,
    moreError: more.error,
  };
}
