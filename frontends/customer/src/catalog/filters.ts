// The catalog view lives in the URL: a link reproduces it and back/forward walk through it.
// Prices are typed in major units ("12.50") and sent to the API in minor units.
import type { paths } from "@facet/shared/api/schema";

export type ProductQuery = NonNullable<paths["/api/v1/products"]["get"]["parameters"]["query"]>;
export type Sort = NonNullable<ProductQuery["sort"]>;

export const SORTS: { value: Sort; label: string }[] = [
  { value: "newest", label: "Newest" },
  { value: "price_asc", label: "Price: low to high" },
  { value: "price_desc", label: "Price: high to low" },
  { value: "best_selling", label: "Best selling" },
  { value: "relevance", label: "Best match" },
];

export interface Filters {
  q: string;
  material: string[];
  category: string[];
  seller: string;
  minPrice: string; // major units, as typed
  maxPrice: string;
  inStock: boolean;
  sort: Sort | "";
}

export const EMPTY: Filters = {
  q: "",
  material: [],
  category: [],
  seller: "",
  minPrice: "",
  maxPrice: "",
  inStock: false,
  sort: "",
};

const SORT_VALUES = new Set<string>(SORTS.map((sort) => sort.value));
const PRICE = /^\d{1,8}(\.\d{1,2})?$/;

export function filtersFromUrl(params: URLSearchParams): Filters {
  const sort = params.get("sort") ?? "";
  const price = (name: string) => {
    const value = params.get(name) ?? "";
    return PRICE.test(value) ? value : "";
  };
  return {
    q: params.get("q") ?? "",
    material: params.getAll("material").filter(Boolean),
    category: params.getAll("category").filter(Boolean),
    seller: params.get("seller") ?? "",
    minPrice: price("min_price"),
    maxPrice: price("max_price"),
    inStock: params.get("in_stock") === "true",
    sort: SORT_VALUES.has(sort) ? (sort as Sort) : "",
  };
}

export function filtersToUrl(filters: Filters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.q.trim()) params.set("q", filters.q.trim());
  for (const material of filters.material) params.append("material", material);
  for (const category of filters.category) params.append("category", category);
  if (filters.seller) params.set("seller", filters.seller);
  if (PRICE.test(filters.minPrice)) params.set("min_price", filters.minPrice);
  if (PRICE.test(filters.maxPrice)) params.set("max_price", filters.maxPrice);
  if (filters.inStock) params.set("in_stock", "true");
  if (filters.sort) params.set("sort", filters.sort);
  return params;
}

/** Major units typed by a person to the API's minor units (the catalog's prices are in cents). */
function cents(price: string): number | undefined {
  if (!PRICE.test(price)) return undefined;
  const [whole = "0", fraction = ""] = price.split(".");
  return Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
}

/** The API query for a view; the facets take the same filters without sort and cursor. */
export function toQuery(filters: Filters): ProductQuery {
  const query: ProductQuery = {};
  if (filters.q.trim()) query.q = filters.q.trim();
  if (filters.material.length) query.material = filters.material;
  if (filters.category.length) query.category = filters.category;
  if (filters.seller) query.seller_id = filters.seller;
  const min = cents(filters.minPrice);
  const max = cents(filters.maxPrice);
  if (min !== undefined) query.min_price = min;
  if (max !== undefined) query.max_price = max;
  if (filters.inStock) query.in_stock = true;
  if (filters.sort) query.sort = filters.sort;
  return query;
}

export function toggle(values: string[], value: string): string[] {
  return values.includes(value) ? values.filter((v) => v !== value) : [...values, value];
}
