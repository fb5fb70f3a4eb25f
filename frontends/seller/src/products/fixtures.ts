// Test data only: a seller's product as the API returns it.
import type { Schemas } from "@facet/shared/api/client";

export function sellerProduct(overrides: Partial<Schemas["SellerProductRead"]> = {}): Schemas["SellerProductRead"] {
  return {
    id: "p1",
    name: "Twisted Ring",
    description: "A ring.",
    material: "gold",
    price_cents: 4990,
    currency: "EUR",
    in_stock: true,
    stock: 3,
    seller: { id: "s1", display_name: "Aurum" },
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-02T00:00:00Z",
    categories: [{ id: "c1", name: "Rings", slug: "rings" }],
    images: [],
    image: null,
    status: "draft",
    units_sold: 0,
    ...overrides,
  };
}
