import { describe, expect, it } from "vitest";

import { sellerProduct } from "./fixtures";
import { applyEdits, matchesSearch, removal, removalNotice, statusActions, statusFromUrl } from "./list";

describe("the client-side search over loaded products", () => {
  const ring = sellerProduct({ name: "Art Déco Solitaire Ring", material: "white gold" });

  it("needs every word, in the name or the material, in any case or accent", () => {
    expect(matchesSearch(ring, "deco")).toBe(true);
    expect(matchesSearch(ring, "  RING white ")).toBe(true);
    expect(matchesSearch(ring, "ring silver")).toBe(false);
    expect(matchesSearch(ring, "")).toBe(true);
  });
});

describe("rows changed in place", () => {
  const a = sellerProduct({ id: "a" });
  const b = sellerProduct({ id: "b" });

  it("replaces an updated product and drops a deleted one", () => {
    const archived = { ...b, status: "archived" as const };
    expect(applyEdits([a, b], new Map([["b", archived]]))).toEqual([a, archived]);
    expect(applyEdits([a, b], new Map([["a", null]]))).toEqual([b]);
  });
});

describe("deleting", () => {
  it("tells a 204 (deleted) from a 200 with the product (archived, it had orders)", () => {
    expect(removal(undefined)).toEqual({ deleted: true });
    const archived = sellerProduct({ status: "archived" });
    expect(removal(archived)).toEqual({ deleted: false, product: archived });
    expect(removalNotice("Ring", { deleted: true })).toBe("“Ring” was deleted.");
    expect(removalNotice("Ring", { deleted: false, product: archived })).toMatch(/has orders, so it was archived/);
  });
});

describe("status", () => {
  it("reads only known statuses from the URL", () => {
    expect(statusFromUrl("draft")).toBe("draft");
    expect(statusFromUrl("deleted")).toBeNull();
    expect(statusFromUrl(null)).toBeNull();
  });

  it("offers the changes away from the current status, confirming archive", () => {
    expect(statusActions("draft", true).map((a) => a.label)).toEqual(["Publish", "Archive"]);
    expect(statusActions("active", true).map((a) => a.label)).toEqual(["Move to drafts", "Archive"]);
    expect(statusActions("archived", false).map((a) => a.label)).toEqual(["Publish"]);
    expect(statusActions("draft", false).find((a) => a.status === "archived")?.confirm?.("Ring")).toMatch(/leaves the shop/);
  });
});
