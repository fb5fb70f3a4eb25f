// When to ask again whether the thumbnailer is done: soon at first, then less and less often.

export const FIRST_DELAY_MS = 1_000;
export const MAX_DELAY_MS = 8_000;
/** After this long with something still pending, stop asking (the upload link lasts 5 min). */
export const GIVE_UP_AFTER_MS = 6 * 60_000;

/** The wait before poll number `attempt` (0-based): 1 s, 1.5 s, 2.25 s, … up to 8 s. */
export function pollDelay(attempt: number): number {
  return Math.min(MAX_DELAY_MS, Math.round(FIRST_DELAY_MS * 1.5 ** Math.max(0, attempt)));
}

/** Whether any of the images is still waiting for the thumbnailer, leaving out those whose
 * upload is still in progress here (nothing to wait for until it arrives). */
export function awaitingThumbnails(
  images: readonly { id: string; status: string }[],
  uploading: ReadonlySet<string>,
): boolean {
  return images.some((image) => image.status === "pending" && !uploading.has(image.id));
}
