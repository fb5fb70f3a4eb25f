// What the browser checks before asking for an upload. The API and the thumbnailer check it all
// again (shop.images: schemas.ContentType, Settings.image_max_bytes, Settings.images_per_product);
// checking here means a file that would be refused is never sent.

/** The API's allowlist (UP-03): no SVG, no GIF. */
export const ACCEPTED_TYPES = ["image/jpeg", "image/png", "image/webp"] as const;
export type AcceptedType = (typeof ACCEPTED_TYPES)[number];
/** For the file input's `accept`: the types and their usual extensions. */
export const ACCEPT = [...ACCEPTED_TYPES, ".jpg", ".jpeg", ".png", ".webp"].join(",");
/** IMAGE_MAX_BYTES' default: 10 MiB. */
export const MAX_IMAGE_BYTES = 10_485_760;
/** IMAGES_PER_PRODUCT's default. */
export const MAX_IMAGES_PER_PRODUCT = 20;

export interface Refusal {
  name: string;
  reason: string;
}

export interface Checked {
  accepted: { file: File; contentType: AcceptedType }[];
  refused: Refusal[];
}

const BY_EXTENSION: Record<string, AcceptedType> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
};

function isAccepted(type: string): type is AcceptedType {
  return (ACCEPTED_TYPES as readonly string[]).includes(type);
}

/** The file's declared type; a browser that reports none gets the extension's. */
export function contentTypeOf(file: { name: string; type: string }): AcceptedType | null {
  const type = file.type.toLowerCase();
  if (isAccepted(type)) return type;
  if (type) return null;
  const extension = file.name.split(".").pop()?.toLowerCase() ?? "";
  return BY_EXTENSION[extension] ?? null;
}

/** "3.2 MB", "850 KB" (binary units, so the 10 MiB cap reads "10 MB"). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1_048_576) return `${(bytes / 1_048_576).toFixed(1).replace(/\.0$/, "")} MB`;
  if (bytes >= 1_024) return `${Math.round(bytes / 1_024)} KB`;
  return `${bytes} B`;
}

function tooLarge(size: number, maxBytes: number): string {
  const [shown, limit] = [formatBytes(size), formatBytes(maxBytes)];
  return shown === limit ? `The file is over the ${limit} limit.` : `The file is ${shown}, over the ${limit} limit.`;
}

/** Splits the chosen files into those to upload and those refused (with a reason each), given
 * how many images the product already has (or is getting). */
export function checkFiles(
  files: readonly File[],
  taken: number,
  limit = MAX_IMAGES_PER_PRODUCT,
  maxBytes = MAX_IMAGE_BYTES,
): Checked {
  const checked: Checked = { accepted: [], refused: [] };
  let room = Math.max(0, limit - taken);
  for (const file of files) {
    const contentType = contentTypeOf(file);
    const reason =
      contentType === null
        ? "Only JPEG, PNG and WebP images can be uploaded."
        : file.size === 0
          ? "The file is empty."
          : file.size > maxBytes
            ? tooLarge(file.size, maxBytes)
            : room === 0
              ? `A product can have at most ${limit} images.`
              : null;
    if (contentType === null || reason !== null) {
      checked.refused.push({ name: file.name, reason: reason ?? "" });
    } else {
      room -= 1;
      checked.accepted.push({ file, contentType });
    }
  }
  return checked;
}
