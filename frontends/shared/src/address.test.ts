import { describe, expect, it } from "vitest";

import { addressLines, countryName } from "./address";

describe("shipping address", () => {
  it("gives the label's lines, postal code before the city", () => {
    expect(
      addressLines({ line1: "12 Rue des Orfèvres", city: "Lyon", postal_code: "69002", country: "FR" }, "en"),
    ).toEqual(["12 Rue des Orfèvres", "69002 Lyon", "France"]);
  });

  it("keeps the second line and the state, and leaves out empty and missing parts", () => {
    expect(
      addressLines(
        { line1: "1 Main St", line2: "Apt 4", city: "Springfield", postal_code: null, state: "IL", country: "US" },
        "en",
      ),
    ).toEqual(["1 Main St", "Apt 4", "Springfield", "IL", "United States"]);
    expect(addressLines({ line1: "  ", line2: "", city: "Oslo" }, "en")).toEqual(["Oslo"]);
  });

  it("ignores values that are not text", () => {
    expect(addressLines({ line1: 12, city: { name: "x" }, country: "DE" }, "en")).toEqual(["Germany"]);
  });

  it("is empty without an address", () => {
    expect(addressLines(null)).toEqual([]);
    expect(addressLines(undefined)).toEqual([]);
  });

  it("keeps a country it cannot name as written", () => {
    expect(countryName("fr", "en")).toBe("France");
    expect(countryName("Atlantis", "en")).toBe("Atlantis");
  });
});
