import { cleanup, render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { installFakeApi, type SentRequest } from "./fakeApi";
import { sellerProduct } from "./fixtures";

const fake = installFakeApi();
const { default: ProductEditPage } = await import("./ProductEditPage");

const rings = { id: "c1", name: "Rings", slug: "rings" };
const men = { id: "c2", name: "Men", slug: "men" };
const saved = sellerProduct({ id: "p1", categories: [rings] });

function renderAt(url: string) {
  return render(
    <MemoryRouter initialEntries={[url]}>
      <Routes>
        <Route path="/products" element={<h1>All products</h1>} />
        <Route path="/products/new" element={<ProductEditPage />} />
        <Route path="/products/:productId" element={<ProductEditPage />} />
      </Routes>
    </MemoryRouter>,
  );
}

const writes = () => fake.sent.filter((request) => request.method !== "GET").map(({ method, path, body }) => ({ method, path, body }));

beforeEach(() => {
  fake.sent.length = 0;
  fake.routes = {
    "GET /api/v1/categories": () => ({ status: 200, body: [men, rings] }),
    "GET /api/v1/products/facets": () => ({
      status: 200,
      body: { total: 1, materials: [{ value: "gold", count: 1 }], categories: [], sellers: [], price: null },
    }),
    "GET /api/v1/seller/products/p1": () => ({ status: 200, body: saved }),
    "PATCH /api/v1/seller/products/p1": ({ body }: SentRequest) => ({ status: 200, body: { ...saved, ...(body as object) } }),
    "PUT /api/v1/seller/products/p1/categories": () => ({ status: 200, body: { ...saved, categories: [rings, men] } }),
  };
});
afterEach(cleanup);

describe("creating a product", () => {
  it("posts the typed form, with a category made on the spot, and lands on its edit page", async () => {
    const anklets = { id: "c9", name: "Anklets", slug: "anklets" };
    fake.routes["POST /api/v1/categories"] = () => ({ status: 201, body: anklets });
    fake.routes["POST /api/v1/seller/products"] = ({ body }) => ({
      status: 201,
      body: sellerProduct({ ...(body as object), id: "p1", categories: [anklets] }),
    });
    renderAt("/products/new");
    await userEvent.type(await screen.findByLabelText("Name"), " Hammered Band ");
    await userEvent.type(screen.getByLabelText("Material"), "silver");
    await userEvent.type(screen.getByLabelText("Price"), "12,50");
    await userEvent.clear(screen.getByLabelText("Stock"));
    await userEvent.type(screen.getByLabelText("Stock"), "4");
    await userEvent.click(await screen.findByLabelText("Men"));
    await userEvent.type(screen.getByLabelText("New category"), "Anklets{Enter}"); // Enter adds, not submits
    expect(await screen.findByLabelText("Anklets")).toHaveProperty("checked", true);
    expect(writes()).toEqual([{ method: "POST", path: "/api/v1/categories", body: { name: "Anklets" } }]);

    await userEvent.click(screen.getByRole("button", { name: "Create product" }));
    expect(writes()[1]).toEqual({
      method: "POST",
      path: "/api/v1/seller/products",
      body: {
        name: "Hammered Band",
        description: "",
        material: "silver",
        price_cents: 1250,
        currency: "EUR",
        stock: 4,
        category_ids: ["c2", "c9"],
      },
    });
    expect(await screen.findByText(/Created as a draft/)).toBeTruthy();
    expect(screen.getByRole("button", { name: "Publish" })).toBeTruthy();
  });

  it("says what is wrong before sending anything, and shows the API's refusal too", async () => {
    fake.routes["POST /api/v1/seller/products"] = () => ({
      status: 422,
      body: { error: "invalid_product", detail: "Unknown material; use one of: gold, silver" },
    });
    renderAt("/products/new");
    await userEvent.click(await screen.findByRole("button", { name: "Create product" }));
    expect(screen.getByText("Give the product a name.")).toBeTruthy();
    expect(screen.getByLabelText("Name").getAttribute("aria-invalid")).toBe("true");
    expect(writes()).toEqual([]);

    await userEvent.type(screen.getByLabelText("Name"), "Ring");
    await userEvent.type(screen.getByLabelText("Material"), "wood");
    await userEvent.type(screen.getByLabelText("Price"), "10");
    await userEvent.click(screen.getByRole("button", { name: "Create product" }));
    expect((await screen.findByRole("alert")).textContent).toContain("Unknown material; use one of: gold, silver");
  });
});

describe("editing a product", () => {
  it("patches only the changed fields and says it saved", async () => {
    renderAt("/products/p1");
    const price = await screen.findByLabelText("Price");
    expect(screen.getByRole("button", { name: "Save changes" })).toHaveProperty("disabled", true);
    await userEvent.clear(price);
    await userEvent.type(price, "55");
    await userEvent.click(screen.getByRole("button", { name: "Save changes" }));
    expect(await screen.findByText("Saved.")).toBeTruthy();
    expect(writes()).toEqual([{ method: "PATCH", path: "/api/v1/seller/products/p1", body: { price_cents: 5500 } }]);
  });

  it("puts the categories and publishes with the same click", async () => {
    renderAt("/products/p1");
    await userEvent.click(await screen.findByLabelText("Men"));
    await userEvent.click(screen.getByRole("button", { name: "Publish" }));
    expect(await screen.findByText(/is published/)).toBeTruthy();
    expect(writes()).toEqual([
      { method: "PUT", path: "/api/v1/seller/products/p1/categories", body: { category_ids: ["c1", "c2"] } },
      { method: "PATCH", path: "/api/v1/seller/products/p1", body: { status: "active" } },
    ]);
    expect(screen.getByRole("button", { name: "Move to drafts" })).toBeTruthy();
  });

  it("goes back to the list after a delete (204), stays on an archived one (200)", async () => {
    vi.spyOn(window, "confirm").mockReturnValue(true);
    fake.routes["DELETE /api/v1/seller/products/p1"] = () => ({ status: 200, body: { ...saved, status: "archived" } });
    renderAt("/products/p1");
    await userEvent.click(await screen.findByRole("button", { name: "Delete" }));
    expect(await screen.findByText(/has orders, so it was archived/)).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Archive" })).toBeNull();

    fake.routes["DELETE /api/v1/seller/products/p1"] = () => ({ status: 204 });
    await userEvent.click(screen.getByRole("button", { name: "Delete" }));
    expect(await screen.findByRole("heading", { name: "All products" })).toBeTruthy();
  });
});
