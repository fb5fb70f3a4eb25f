// The product form as typed (strings), checked against the API's own limits (catalog/schemas.py)
// before it is sent, and turned into a create body or the PATCH of only what changed.
import type { Schemas } from "@facet/shared/api/client";
import { minorDigits, parseMoney } from "@facet/shared/money";

type Product = Schemas["SellerProductRead"];
type Category = Schemas["CategoryRead"];
export type ProductValues = Required<Schemas["ProductCreate"]>;
export type ProductChanges = Schemas["ProductUpdate"];

export const LIMITS = {
  name: 200,
  description: 5000,
  material: 60,
  category: 60,
  maxPriceCents: 100_000_000_00,
  maxStock: 1_000_000,
  categories: 10,
} as const;

export const DEFAULT_CURRENCY = "EUR";

export interface ProductForm {
  name: string;
  description: string;
  material: string;
  price: string; // major units, as typed: "49.90"
  currency: string;
  stock: string;
  categoryIds: string[];
}

export type FormErrors = Partial<Record<keyof ProductForm, string>>;

export function emptyForm(): ProductForm {
  return { name: "", description: "", material: "", price: "", currency: DEFAULT_CURRENCY, stock: "0", categoryIds: [] };
}

/** Minor units back to what a person types: 4990 EUR is "49.90", 500 JPY is "500". */
export function majorUnits(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  if (digits === 0) return String(minor);
  const scale = 10 ** digits;
  return `${Math.floor(minor / scale)}.${String(minor % scale).padStart(digits, "0")}`;
}

export function formFromProduct(product: Product): ProductForm {
  return {
    name: product.name,
    description: product.description,
    material: product.material,
    price: majorUnits(product.price_cents, product.currency),
    currency: product.currency,
    stock: String(product.stock),
    categoryIds: product.categories.map((category) => category.id),
  };
}

const CURRENCY = /^[A-Z]{3}$/;
const count = new Intl.NumberFormat("en");

export type Checked = { values: ProductValues; errors: null } | { values: null; errors: FormErrors };

/** The form's values as the API takes them, or a message per field that the API would refuse. */
export function checkForm(form: ProductForm): Checked {
  const errors: FormErrors = {};
  const name = form.name.trim();
  const material = form.material.trim();
  const currency = form.currency.trim().toUpperCase();
  if (!name) errors.name = "Give the product a name.";
  else if (name.length > LIMITS.name) errors.name = `At most ${LIMITS.name} characters.`;
  if (form.description.length > LIMITS.description) {
    errors.description = `At most ${count.format(LIMITS.description)} characters.`;
  }
  if (!material) errors.material = "Choose a material.";
  else if (material.length > LIMITS.material) errors.material = `At most ${LIMITS.material} characters.`;
  // Checked first: Intl (inside parseMoney) throws on a malformed currency code.
  if (!CURRENCY.test(currency)) errors.currency = "A three-letter currency code, like EUR.";
  const price = errors.currency ? null : parseMoney(form.price, currency);
  if (!errors.currency) {
    if (price === null) errors.price = `A price like ${majorUnits(4990, currency)}.`;
    else if (price <= 0) errors.price = "The price must be more than zero.";
    else if (price > LIMITS.maxPriceCents) {
      errors.price = `At most ${count.format(LIMITS.maxPriceCents / 100)}.`;
    }
  }
  const stock = /^\d+$/.test(form.stock.trim()) ? Number(form.stock.trim()) : null;
  if (stock === null || stock > LIMITS.maxStock) {
    errors.stock = `A whole number from 0 to ${count.format(LIMITS.maxStock)}.`;
  }
  if (form.categoryIds.length > LIMITS.categories) errors.categoryIds = `At most ${LIMITS.categories} categories.`;
  if (Object.keys(errors).length > 0 || price === null || stock === null) return { values: null, errors };
  return {
    values: {
      name,
      description: form.description,
      material,
      price_cents: price,
      currency,
      stock,
      category_ids: [...new Set(form.categoryIds)],
    },
    errors: null,
  };
}

/** The PATCH body: only the fields that differ from the saved product (categories go by PUT). */
export function productChanges(product: Product, values: ProductValues): ProductChanges {
  const changes: ProductChanges = {};
  if (values.name !== product.name) changes.name = values.name;
  if (values.description !== product.description) changes.description = values.description;
  if (values.material !== product.material) changes.material = values.material;
  if (values.price_cents !== product.price_cents) changes.price_cents = values.price_cents;
  if (values.currency !== product.currency) changes.currency = values.currency;
  if (values.stock !== product.stock) changes.stock = values.stock;
  return changes;
}

export function categoriesChanged(product: Product, ids: string[]): boolean {
  const saved = new Set(product.categories.map((category) => category.id));
  return saved.size !== new Set(ids).size || ids.some((id) => !saved.has(id));
}

/** Whether saving would send anything: a form the API would refuse counts as changed. */
export function isDirty(product: Product, form: ProductForm): boolean {
  const { values } = checkForm(form);
  if (!values) return true;
  return Object.keys(productChanges(product, values)).length > 0 || categoriesChanged(product, values.category_ids);
}

/** Every category once, by name: the list, the product's own (a cached list may predate
 * them) and any just created. */
export function mergeCategories(...lists: Category[][]): Category[] {
  const byId = new Map<string, Category>();
  for (const category of lists.flat()) byId.set(category.id, category);
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** An existing category with this name (the API's names are unique regardless of case). */
export function findCategory(categories: Category[], name: string): Category | undefined {
  const wanted = name.trim().toLocaleLowerCase();
  return categories.find((category) => category.name.toLocaleLowerCase() === wanted);
}

export function toggleId(ids: string[], id: string): string[] {
  return ids.includes(id) ? ids.filter((other) => other !== id) : [...ids, id];
}
