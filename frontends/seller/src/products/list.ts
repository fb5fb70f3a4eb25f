// What both product pages do to a product: change its status, delete it (which the API turns
// into archiving once it was ordered), and the list's client-side search.
import { api, call, type Schemas } from "@facet/shared/api/client";

export type Product = Schemas["SellerProductRead"];
export type Status = Product["status"];

export const STATUS_TABS: { value: Status | null; label: string }[] = [
  { value: null, label: "All" },
  { value: "draft", label: "Drafts" },
  { value: "active", label: "Active" },
  { value: "archived", label: "Archived" },
];

export function statusFromUrl(value: string | null): Status | null {
  return value === "draft" || value === "active" || value === "archived" ? value : null;
}

interface StatusAction {
  status: Status;
  label: string;
  done: string;
  /** The question asked first, for what takes the product out of the shop. */
  confirm?: (name: string) => string;
}

const ACTIONS: StatusAction[] = [
  { status: "active", label: "Publish", done: "is published: it is in the shop now." },
  { status: "draft", label: "Move to drafts", done: "is a draft again: hidden from the shop." },
  {
    status: "archived",
    label: "Archive",
    done: "is archived: it left the shop.",
    confirm: (name) => `Archive “${name}”? It leaves the shop; you can publish it again later.`,
  },
];

/** The status changes that make sense from `current`; the table leaves out "Move to drafts". */
export function statusActions(current: Status, withDrafts: boolean): StatusAction[] {
  return ACTIONS.filter((action) => action.status !== current && (withDrafts || action.status !== "draft"));
}

export function statusNotice(product: Product): string {
  const action = ACTIONS.find((a) => a.status === product.status);
  return `“${product.name}” ${action?.done ?? "was saved."}`;
}

export function deleteQuestion(name: string): string {
  return `Delete “${name}” and its pictures? This cannot be undone. If it was ever ordered, it is archived instead.`;
}

export async function setStatus(id: string, status: Status): Promise<Product> {
  return call(api.PATCH("/api/v1/seller/products/{product_id}", { params: { path: { product_id: id } }, body: { status } }));
}

/** 204: gone. 200 with the product: orders name it, so the API archived it instead. */
export type Removal = { deleted: true } | { deleted: false; product: Product };

export function removal(data: Product | undefined): Removal {
  return data ? { deleted: false, product: data } : { deleted: true };
}

export async function removeProduct(id: string): Promise<Removal> {
  const data: Product | undefined = await call(
    api.DELETE("/api/v1/seller/products/{product_id}", { params: { path: { product_id: id } } }),
  );
  return removal(data);
}

export function removalNotice(name: string, outcome: Removal): string {
  return outcome.deleted
    ? `“${name}” was deleted.`
    : `“${name}” has orders, so it was archived instead of deleted: order history and statistics keep it.`;
}

/** Every word of the search in the name or the material, regardless of case and accents. */
export function matchesSearch(product: Product, query: string): boolean {
  const words = fold(query).split(/\s+/).filter(Boolean);
  const text = fold(`${product.name} ${product.material}`);
  return words.every((word) => text.includes(word));
}

function fold(text: string): string {
  return text.normalize("NFD").replace(/\p{Diacritic}/gu, "").toLocaleLowerCase();
}

/** The loaded pages with what changed since: a product replaced, or gone (null). */
export function applyEdits(items: Product[], edits: ReadonlyMap<string, Product | null>): Product[] {
  return items.flatMap((item) => {
    const edited = edits.get(item.id);
    if (edited === null) return [];
    return [edited ?? item];
  });
}
