import { ApiError } from "@facet/shared/api/client";
import { describe, expect, it } from "vitest";

import { addToCart, emptyCart, loadCart, type Product, requote, saveCart, setQuantity } from "./cart";

function product(id: string, price: number, stock: number): Product {
  return {
    id,
    name: `Product ${id}`,
    material: "gold",
    price_cents: price,
    currency: "EUR",
    in_stock: stock > 0,
    stock,
    seller: { id: "s1", display_name: "Aurum" },
    created_at: "2026-01-01T00:00:00Z",
    description: "",
    categories: [],
    images: [],
    image: null,
  };
}

describe("requote", () => {
  it("takes prices and stock from the API, not from the stored cart", async () => {
    let cart = addToCart(emptyCart(), "a", 2);
    cart = addToCart(cart, "b", 5);
    const catalog: Record<string, Product> = { a: product("a", 1500, 10), b: product("b", 999, 3) };
    const quote = await requote(cart, async (id) => catalog[id]!);
    expect(quote.totalCents).toBe(2 * 1500 + 3 * 999);
    expect(quote.lines.map((l) => [l.productId, l.quantity, l.notice])).toEqual([
      ["a", 2, null],
      ["b", 3, "Only 3 available: quantity lowered"],
    ]);
    expect(quote.cart.lines).toEqual([
      { productId: "a", quantity: 2 },
      { productId: "b", quantity: 3 },
    ]);
    expect(quote.cart.version).not.toBe(cart.version);
  });

  it("drops products that are gone and keeps a sold-out one out of the total", async () => {
    let cart = addToCart(emptyCart(), "gone", 1);
    cart = addToCart(cart, "sold", 1);
    const quote = await requote(cart, async (id) => {
      if (id === "gone") throw new ApiError({ status: 404, code: "not_found", detail: "Not found" });
      return product(id, 500, 0);
    });
    expect(quote.removed).toBe(1);
    expect(quote.lines).toHaveLength(1);
    expect(quote.lines[0]!.notice).toBe("Sold out");
    expect(quote.totalCents).toBe(0);
    expect(quote.cart.lines).toEqual([]);
  });

  it("keeps the version (and so the idempotency key) of an unchanged cart", async () => {
    const cart = addToCart(emptyCart(), "a", 1);
    const quote = await requote(cart, async (id) => product(id, 100, 5));
    expect(quote.cart).toBe(cart);
  });

  it("does not hide a failing API", async () => {
    const cart = addToCart(emptyCart(), "a", 1);
    const failure = new ApiError({ status: 503, code: "unavailable", detail: "Try again" });
    await expect(requote(cart, async () => Promise.reject(failure))).rejects.toBe(failure);
  });
});

describe("cart storage", () => {
  it("caps quantities at the API's limit and survives a reload", () => {
    const cart = setQuantity(addToCart(emptyCart(), "a", 1), "a", 500);
    saveCart(cart);
    expect(loadCart().lines).toEqual([{ productId: "a", quantity: 100 }]);
  });

  it("starts empty from garbage", () => {
    localStorage.setItem("facet.cart.v1", "{not json");
    expect(loadCart().lines).toEqual([]);
  });

  it("removes a line set to zero", () => {
    expect(setQuantity(addToCart(emptyCart(), "a", 2), "a", 0).lines).toEqual([]);
  });
});
