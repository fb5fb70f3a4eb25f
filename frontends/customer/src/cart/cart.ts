// The cart is only product ids and quantities, kept in localStorage. Names, prices and stock
// always come from the API (requote), never from what the browser stored.
import { ApiError, type Schemas } from "@facet/shared/api/client";

export type Product = Schemas["ProductRead"];
/** The API's limits (CheckoutCreate): at most 50 lines of at most 100 each. */
export const MAX_LINES = 50;
export const MAX_QUANTITY = 100;
const STORAGE_KEY = "facet.cart.v1";

export interface CartLine {
  productId: string;
  quantity: number;
}

export interface Cart {
  lines: CartLine[];
  /** A new one for every change: the checkout's Idempotency-Key, so a retried click of the same
   * cart never makes a second order while a changed cart always makes a new one. */
  version: string;
}

export function newVersion(): string {
  return crypto.randomUUID();
}

export function emptyCart(): Cart {
  return { lines: [], version: newVersion() };
}

export function loadCart(storage: Storage = localStorage): Cart {
  try {
    const stored: unknown = JSON.parse(storage.getItem(STORAGE_KEY) ?? "null");
    if (!stored || typeof stored !== "object") return emptyCart();
    const { lines, version } = stored as { lines?: unknown; version?: unknown };
    if (!Array.isArray(lines) || typeof version !== "string") return emptyCart();
    const valid = lines.filter(
      (line): line is CartLine =>
        typeof line?.productId === "string" &&
        Number.isInteger(line?.quantity) &&
        line.quantity >= 1,
    );
    return { lines: valid.slice(0, MAX_LINES).map(clampLine), version };
  } catch {
    return emptyCart();
  }
}

export function saveCart(cart: Cart, storage: Storage = localStorage): void {
  storage.setItem(STORAGE_KEY, JSON.stringify(cart));
}

function clampLine(line: CartLine): CartLine {
  return { ...line, quantity: Math.min(Math.max(1, line.quantity), MAX_QUANTITY) };
}

export function addToCart(cart: Cart, productId: string, quantity: number): Cart {
  const existing = cart.lines.find((line) => line.productId === productId);
  if (!existing && cart.lines.length >= MAX_LINES) {
    throw new Error(`A cart holds at most ${MAX_LINES} different products.`);
  }
  const lines = existing
    ? cart.lines.map((line) =>
        line === existing ? clampLine({ ...line, quantity: line.quantity + quantity }) : line,
      )
    : [...cart.lines, clampLine({ productId, quantity })];
  return { lines, version: newVersion() };
}

export function setQuantity(cart: Cart, productId: string, quantity: number): Cart {
  const lines = cart.lines
    .map((line) => (line.productId === productId ? { ...line, quantity } : line))
    .filter((line) => line.quantity >= 1)
    .map(clampLine);
  return { lines, version: newVersion() };
}

export interface QuotedLine {
  productId: string;
  quantity: number;
  product: Product;
  /** What changed against the stored cart, for the shopper to read. */
  notice: string | null;
}

export interface Quote {
  lines: QuotedLine[];
  /** Lines that are gone from the catalog: dropped from the cart. */
  removed: number;
  /** The cart as it should now be stored (quantities cut to the stock). */
  cart: Cart;
  currency: string | null;
  totalCents: number;
}

/** Prices and stock of every line from the API; a line over the stock is cut to it, a product
 * that no longer exists is dropped, a sold-out one stays with 0 and is left out of checkout. */
export async function requote(
  cart: Cart,
  fetchProduct: (id: string) => Promise<Product>,
): Promise<Quote> {
  const settled = await Promise.all(
    cart.lines.map(async (line) => {
      try {
        return { line, product: await fetchProduct(line.productId) };
      } catch (error) {
        if (error instanceof ApiError && (error.status === 404 || error.status === 422)) {
          return { line, product: null };
        }
        throw error;
      }
    }),
  );
  const lines: QuotedLine[] = [];
  for (const { line, product } of settled) {
    if (!product) continue;
    const available = product.in_stock ? Math.min(product.stock, MAX_QUANTITY) : 0;
    const quantity = Math.min(line.quantity, available);
    const notice =
      available === 0
        ? "Sold out"
        : quantity < line.quantity
          ? `Only ${available} available: quantity lowered`
          : null;
    lines.push({ productId: line.productId, quantity, product, notice });
  }
  const kept = lines.map((line) => ({ productId: line.productId, quantity: line.quantity }));
  const changed =
    kept.length !== cart.lines.length ||
    kept.some((line, index) => line.quantity !== cart.lines[index]?.quantity);
  const stored = kept.filter((line) => line.quantity > 0);
  const buyable = lines.filter((line) => line.quantity > 0);
  const currency = buyable[0]?.product.currency ?? null;
  return {
    lines,
    removed: cart.lines.length - lines.length,
    cart: changed ? { lines: stored, version: newVersion() } : cart,
    currency,
    totalCents: buyable.reduce((sum, line) => sum + line.quantity * line.product.price_cents, 0),
  };
}
