// Money arrives in minor units with an ISO currency code; the exponent comes from Intl
// (2 for EUR, 0 for JPY, 3 for KWD), never from a hard-coded 100.
const formatters = new Map<string, Intl.NumberFormat>();

function formatter(currency: string, locale?: string): Intl.NumberFormat {
  const key = `${locale ?? ""}|${currency}`;
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.NumberFormat(locale, { style: "currency", currency });
    formatters.set(key, found);
  }
  return found;
}

export function minorDigits(currency: string): number {
  return formatter(currency, "en").resolvedOptions().maximumFractionDigits ?? 2;
}

export function formatMoney(minor: number, currency: string, locale?: string): string {
  return formatter(currency, locale).format(minor / 10 ** minorDigits(currency));
}

/** A major-unit amount typed by a person ("12.50") as minor units, or null if it is not one. */
export function parseMoney(text: string, currency: string): number | null {
  const cleaned = text.trim().replace(",", ".");
  if (!/^\d+(\.\d+)?$/.test(cleaned)) return null;
  const digits = minorDigits(currency);
  const [whole = "0", fraction = ""] = cleaned.split(".");
  if (fraction.length > digits) return null;
  return Number(whole) * 10 ** digits + Number(fraction.padEnd(digits, "0") || "0");
}
