import { describe, expect, it } from "vitest";

import {
  categoriesChanged,
  checkForm,
  emptyForm,
  findCategory,
  formFromProduct,
  isDirty,
  majorUnits,
  mergeCategories,
  productChanges,
  type ProductForm,
} from "./form";
import { sellerProduct } from "./fixtures";

const filled: ProductForm = {
  ...emptyForm(),
  name: "  Hammered Band ",
  description: "Hand made.",
  material: " silver",
  price: "12,5",
  stock: "7",
  categoryIds: ["c1", "c2", "c1"],
};

describe("the product form as the API takes it", () => {
  it("trims, parses the price in minor units and drops repeated categories", () => {
    expect(checkForm(filled)).toEqual({
      values: {
        name: "Hammered Band",
        description: "Hand made.",
        material: "silver",
        price_cents: 1250,
        currency: "EUR",
        stock: 7,
        category_ids: ["c1", "c2"],
      },
      errors: null,
    });
  });

  it("takes the currency's own exponent: yen have no minor unit", () => {
    expect(checkForm({ ...filled, price: "1500", currency: "jpy" }).values?.price_cents).toBe(1500);
    expect(checkForm({ ...filled, price: "15.5", currency: "JPY" }).errors?.price).toBe("A price like 4990.");
  });

  it("refuses what the API refuses, field by field", () => {
    const { errors } = checkForm({
      ...emptyForm(),
      name: " ",
      description: "x".repeat(5001),
      material: "m".repeat(61),
      price: "0",
      stock: "1.5",
      categoryIds: Array.from({ length: 11 }, (_, i) => `c${i}`),
    });
    expect(errors).toEqual({
      name: "Give the product a name.",
      description: "At most 5,000 characters.",
      material: "At most 60 characters.",
      price: "The price must be more than zero.",
      stock: "A whole number from 0 to 1,000,000.",
      categoryIds: "At most 10 categories.",
    });
    expect(checkForm({ ...filled, price: "100000000.01" }).errors?.price).toBe("At most 100,000,000.");
    expect(checkForm({ ...filled, price: "100000000" }).errors).toBeNull();
    expect(checkForm({ ...filled, price: "12.345" }).errors?.price).toBe("A price like 49.90.");
    expect(checkForm({ ...filled, stock: "1000001" }).errors?.stock).toBeDefined();
  });

  it("checks a malformed currency instead of letting Intl throw", () => {
    expect(checkForm({ ...filled, currency: "E" }).errors).toEqual({ currency: "A three-letter currency code, like EUR." });
  });
});

describe("editing a saved product", () => {
  it("shows the price as typed in major units", () => {
    expect(majorUnits(4990, "EUR")).toBe("49.90");
    expect(majorUnits(5, "EUR")).toBe("0.05");
    expect(majorUnits(500, "JPY")).toBe("500");
    expect(formFromProduct(sellerProduct())).toMatchObject({ price: "49.90", stock: "3", categoryIds: ["c1"] });
  });

  it("sends only the fields that changed", () => {
    const product = sellerProduct();
    const form = { ...formFromProduct(product), price: "55", name: "Twisted Ring " };
    const { values } = checkForm(form);
    expect(productChanges(product, values!)).toEqual({ price_cents: 5500 });
    expect(isDirty(product, formFromProduct(product))).toBe(false);
    expect(isDirty(product, { ...formFromProduct(product), price: "49.9" })).toBe(false); // the same amount
    expect(isDirty(product, form)).toBe(true);
    expect(isDirty(product, { ...form, name: "" })).toBe(true); // not savable is still a change
  });

  it("sees a change of categories regardless of order", () => {
    const product = sellerProduct({ categories: [{ id: "a", name: "A", slug: "a" }, { id: "b", name: "B", slug: "b" }] });
    expect(categoriesChanged(product, ["b", "a"])).toBe(false);
    expect(categoriesChanged(product, ["a"])).toBe(true);
    expect(categoriesChanged(product, ["a", "b", "c"])).toBe(true);
  });
});

describe("categories", () => {
  const rings = { id: "c1", name: "Rings", slug: "rings" };
  const anklets = { id: "c9", name: "Anklets", slug: "anklets" };

  it("lists each once, by name, with the product's own and new ones", () => {
    expect(mergeCategories([rings], [rings], [anklets]).map((c) => c.name)).toEqual(["Anklets", "Rings"]);
  });

  it("finds an existing one regardless of case, so it is ticked rather than created twice", () => {
    expect(findCategory([rings, anklets], " rINGS ")).toBe(rings);
    expect(findCategory([rings], "Brooches")).toBeUndefined();
  });
});
