// A shipping address (Stripe's shape: line1, line2, postal_code, city, state, country) as the
// lines of a label, for the seller's orders to ship and the customer's order page.

const regionNames = new Map<string, Intl.DisplayNames | null>();

/** "FR" as "France" in the reader's language; the code itself if Intl does not know it. */
export function countryName(code: string, locale?: string): string {
  const key = locale ?? "";
  if (!regionNames.has(key)) {
    let names: Intl.DisplayNames | null = null;
    try {
      names = new Intl.DisplayNames(locale, { type: "region" });
    } catch {
      names = null;
    }
    regionNames.set(key, names);
  }
  try {
    return regionNames.get(key)?.of(code.toUpperCase()) ?? code;
  } catch {
    return code; // not a region code ("France" typed by hand)
  }
}

function text(value: unknown): string {
  return typeof value === "string" ? value.trim() : "";
}

/** The address's lines, empty parts left out: street lines, "postal code city", state, country. */
export function addressLines(address: Record<string, unknown> | null | undefined, locale?: string): string[] {
  if (!address) return [];
  const country = text(address.country);
  return [
    text(address.line1),
    text(address.line2),
    [text(address.postal_code), text(address.city)].filter(Boolean).join(" "),
    text(address.state),
    country ? countryName(country, locale) : "",
  ].filter(Boolean);
}
