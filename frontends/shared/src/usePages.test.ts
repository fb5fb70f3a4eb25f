import { act, cleanup, renderHook, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { type Page, usePages } from "./usePages";

afterEach(cleanup);

/** A list of `size` numbers for `key`, served two at a time by a cursor that is the next index. */
function pager(size: number) {
  const asked: (string | undefined)[] = [];
  const pending: (() => void)[] = [];
  let hold = false;
  const load = (key: string) => (cursor: string | undefined): Promise<Page<string>> => {
    asked.push(cursor);
    const start = Number(cursor ?? 0);
    const next = start + 2 < size ? String(start + 2) : null;
    const page = { items: [start, start + 1].filter((i) => i < size).map((i) => `${key}${i}`), next_cursor: next };
    if (!hold) return Promise.resolve(page);
    return new Promise((resolve) => pending.push(() => resolve(page)));
  };
  return {
    asked,
    load,
    holdNext: () => (hold = true),
    release: () => pending.splice(0).forEach((resolve) => resolve()),
  };
}

describe("keyset pages", () => {
  it("follows next_cursor until the API says there is no more", async () => {
    const api = pager(5);
    const { result } = renderHook(() => usePages(api.load("a"), []));
    await waitFor(() => expect(result.current.first.status).toBe("done"));
    expect(result.current.items).toEqual(["a0", "a1"]);
    expect(result.current.cursor).toBe("2");

    await act(() => result.current.loadMore());
    await act(() => result.current.loadMore());
    expect(result.current.items).toEqual(["a0", "a1", "a2", "a3", "a4"]);
    expect(result.current.cursor).toBeNull();
    expect(api.asked).toEqual([undefined, "2", "4"]);

    await act(() => result.current.loadMore()); // nothing left: no request
    expect(api.asked).toHaveLength(3);
  });

  it("keeps what it has and shows the error when a later page fails", async () => {
    let fail = false;
    const api = pager(6);
    const load = (cursor: string | undefined) => (fail ? Promise.reject(new Error("offline")) : api.load("a")(cursor));
    const { result } = renderHook(() => usePages(load, []));
    await waitFor(() => expect(result.current.first.status).toBe("done"));

    fail = true;
    await act(() => result.current.loadMore());
    expect(result.current.items).toEqual(["a0", "a1"]);
    expect(result.current.moreError).toEqual(new Error("offline"));
    expect(result.current.cursor).toBe("2");

    fail = false; // the retry asks for the same page and clears the error
    await act(() => result.current.loadMore());
    expect(result.current.items).toEqual(["a0", "a1", "a2", "a3"]);
    expect(result.current.moreError).toBeNull();
  });

  it("starts over when its deps change, and drops a page asked for before the change", async () => {
    const api = pager(6);
    const { result, rerender } = renderHook(({ key }) => usePages(api.load(key), [key]), {
      initialProps: { key: "a" },
    });
    await waitFor(() => expect(result.current.first.status).toBe("done"));

    api.holdNext();
    let late: Promise<void> = Promise.resolve();
    act(() => {
      late = result.current.loadMore(); // a page of "a" still on its way
    });
    rerender({ key: "b" });
    await act(async () => {
      api.release();
      await late;
    });
    await waitFor(() => expect(result.current.first.status).toBe("done"));
    expect(result.current.items).toEqual(["b0", "b1"]);
    expect(result.current.cursor).toBe("2");
  });
});
