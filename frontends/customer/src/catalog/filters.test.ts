import { describe, expect, it } from "vitest";

import { EMPTY, filtersFromUrl, filtersToUrl, toQuery } from "./filters";

describe("filters in the URL", () => {
  it("round-trips every filter", () => {
    const filters = {
      q: "ring",
      material: ["gold", "silver"],
      category: ["rings"],
      seller: "4b0e6f0c-8f5c-4a41-9a43-0a4f0b9f7d11",
      minPrice: "10",
      maxPrice: "99.5",
      inStock: true,
      sort: "price_asc" as const,
    };
    const url = filtersToUrl(filters);
    expect(url.toString()).toBe(
      "q=ring&material=gold&material=silver&category=rings" +
        "&seller=4b0e6f0c-8f5c-4a41-9a43-0a4f0b9f7d11&min_price=10&max_price=99.5&in_stock=true&sort=price_asc",
    );
    expect(filtersFromUrl(new URLSearchParams(url))).toEqual(filters);
  });

  it("leaves the URL empty for the default view", () => {
    expect(filtersToUrl(EMPTY).toString()).toBe("");
  });

  it("drops what a hand-edited link gets wrong", () => {
    const filters = filtersFromUrl(new URLSearchParams("sort=cheapest&min_price=abc&max_price=1e9"));
    expect(filters.sort).toBe("");
    expect(filters.minPrice).toBe("");
    expect(filters.maxPrice).toBe("");
  });

  it("sends prices in cents", () => {
    const query = toQuery({ ...EMPTY, minPrice: "12.5", maxPrice: "40" });
    expect(query).toEqual({ min_price: 1250, max_price: 4000 });
  });
});
