import type { Schemas } from "@facet/shared/api/client";

type Image = Schemas["ImageRead"];
const WIDTHS = ["200", "600", "1200"] as const;

/** The thumbnailer's WebP variants as a srcset; the browser picks by the rendered width. */
export function ProductImage(props: { image: Image | null | undefined; alt: string; sizes: string; eager?: boolean }) {
  const { image, alt, sizes, eager = false } = props;
  if (!image) {
    return (
      <div className="no-image" role="img" aria-label={`${alt}: no picture yet`}>
        <span aria-hidden="true">◇</span>
      </div>
    );
  }
  const srcSet = WIDTHS.filter((w) => image.urls[w])
    .map((w) => `${image.urls[w]} ${w}w`)
    .join(", ");
  return (
    <img
      src={image.urls["600"] ?? image.urls["200"]}
      srcSet={srcSet}
      sizes={sizes}
      alt={alt}
      width={600}
      height={600}
      loading={eager ? "eager" : "lazy"}
      fetchPriority={eager ? "high" : "auto"}
      decoding="async"
    />
  );
}
