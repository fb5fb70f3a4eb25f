// The order of a product's images: what the list shows and what PUT .../images/order receives.

interface Positioned {
  id: string;
  position: number;
}

/** First shown first (positions may have gaps after a delete). */
export function byPosition<T extends Positioned>(images: readonly T[]): T[] {
  return [...images].sort((a, b) => a.position - b.position);
}

/** The list with the item at `from` moved to index `to` (clamped); the same list when nothing moves. */
export function move<T>(items: readonly T[], from: number, to: number): T[] {
  const target = Math.min(Math.max(to, 0), items.length - 1);
  if (from < 0 || from >= items.length || from === target) return [...items];
  const moved = [...items];
  const [item] = moved.splice(from, 1);
  moved.splice(target, 0, item as T);
  return moved;
}

/** The images with `id` one place earlier (-1) or later (+1); null at either end. */
export function moveBy<T extends Positioned>(images: readonly T[], id: string, delta: -1 | 1): T[] | null {
  const ordered = byPosition(images);
  const from = ordered.findIndex((image) => image.id === id);
  const to = from + delta;
  if (from === -1 || to < 0 || to >= ordered.length) return null;
  return renumber(move(ordered, from, to));
}

/** The images in the given order with positions 0..n-1, as the API will store them. */
export function renumber<T extends Positioned>(ordered: readonly T[]): T[] {
  return ordered.map((image, position) => (image.position === position ? image : { ...image, position }));
}

/** Where a dragged item lands when dropped on the item at `over`: before it when the pointer is
 * in its first half (along the list's flow), after it otherwise. As an index into the list
 * without the dragged item removed, suitable for `move`. */
export function dropIndex(from: number, over: number, afterHalf: boolean): number {
  const slot = afterHalf ? over + 1 : over; // between items, in the original list
  return slot > from ? slot - 1 : slot;
}

/** Ids in the order shown, for PUT .../images/order. */
export function orderIds(images: readonly Positioned[]): string[] {
  return byPosition(images).map((image) => image.id);
}
