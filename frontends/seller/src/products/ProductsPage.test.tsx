import { cleanup, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { installFakeApi } from "./fakeApi";
import { sellerProduct } from "./fixtures";

const fake = installFakeApi();
const { default: ProductsPage } = await import("./ProductsPage");

const ring = sellerProduct({ id: "ring", name: "Twisted Ring", status: "draft" });
const ordered = sellerProduct({ id: "ordered", name: "Celestial Necklace", status: "active", units_sold: 4 });

function renderAt(url: string) {
  return render(
    <MemoryRouter initialEntries={[url]}>
      <Routes>
        <Route path="/products" element={<ProductsPage />} />
      </Routes>
    </MemoryRouter>,
  );
}

beforeEach(() => {
  fake.sent.length = 0;
  fake.routes = {
    "GET /api/v1/seller/products": () => ({ status: 200, body: { items: [ring, ordered], next_cursor: null } }),
    "DELETE /api/v1/seller/products/ring": () => ({ status: 204 }),
    "DELETE /api/v1/seller/products/ordered": () => ({ status: 200, body: { ...ordered, status: "archived" } }),
    "PATCH /api/v1/seller/products/ring": ({ body }) => ({ status: 200, body: { ...ring, ...(body as object) } }),
  };
});
afterEach(cleanup);

describe("the products table", () => {
  it("asks for the status in the URL and filters the loaded rows by ?q=", async () => {
    renderAt("/products?status=draft&q=twisted");
    expect(await screen.findByRole("link", { name: "Twisted Ring" })).toBeTruthy();
    expect(screen.queryByRole("link", { name: "Celestial Necklace" })).toBeNull();
    expect(screen.getByText("1 of 2 loaded products match “twisted”.")).toBeTruthy();
    expect(fake.sent[0]!.query.get("status")).toBe("draft");
    expect(screen.getByRole("link", { name: "Drafts" }).getAttribute("aria-current")).toBe("page");

    await userEvent.clear(screen.getByLabelText("Search products"));
    expect(screen.getByRole("link", { name: "Celestial Necklace" })).toBeTruthy();
  });

  it("removes a deleted row (204) and says so", async () => {
    vi.spyOn(window, "confirm").mockReturnValue(true);
    renderAt("/products");
    await userEvent.click(await screen.findByRole("button", { name: "Delete Twisted Ring" }));
    expect((await screen.findByRole("status")).textContent).toBe("“Twisted Ring” was deleted.");
    expect(screen.queryByRole("link", { name: "Twisted Ring" })).toBeNull();
  });

  it("keeps an ordered product, archived (200), and tells the seller why", async () => {
    vi.spyOn(window, "confirm").mockReturnValue(true);
    renderAt("/products");
    await userEvent.click(await screen.findByRole("button", { name: "Delete Celestial Necklace" }));
    expect((await screen.findByRole("status")).textContent).toMatch(/has orders, so it was archived instead of deleted/);
    const row = screen.getByRole("link", { name: "Celestial Necklace" }).closest("tr")!;
    expect(within(row).getByText("archived")).toBeTruthy();
  });

  it("deletes nothing when the seller does not confirm", async () => {
    vi.spyOn(window, "confirm").mockReturnValue(false);
    renderAt("/products");
    await userEvent.click(await screen.findByRole("button", { name: "Delete Twisted Ring" }));
    expect(fake.sent.some((request) => request.method === "DELETE")).toBe(false);
  });

  it("publishes with a PATCH of the status only", async () => {
    renderAt("/products");
    await userEvent.click(await screen.findByRole("button", { name: "Publish Twisted Ring" }));
    expect(await screen.findByText("“Twisted Ring” is published: it is in the shop now.")).toBeTruthy();
    expect(fake.sent.find((request) => request.method === "PATCH")?.body).toEqual({ status: "active" });
  });

  it("shows the API's error", async () => {
    fake.routes["GET /api/v1/seller/products"] = () => ({ status: 403, body: { error: "forbidden", detail: "Sellers only" } });
    renderAt("/products");
    expect((await screen.findByRole("alert")).textContent).toContain("Sellers only");
  });
});
