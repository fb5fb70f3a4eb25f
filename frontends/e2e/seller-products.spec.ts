import type { APIRequestContext, Page } from "@playwright/test";

import { expect, logInSeller, screenshots, test } from "./support";

interface Listed {
  id: string;
  name: string;
  units_sold?: number;
}

/** The names the public catalog lists for a search (the API itself, no browser cache). */
async function catalogNames(request: APIRequestContext, q: string): Promise<string[]> {
  const response = await request.get(`/api/v1/products?q=${encodeURIComponent(q)}`);
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { items: Listed[] }).items.map((item) => item.name);
}

/** The table's row of one product, by id: demo names can repeat. */
function row(page: Page, id: string) {
  return page.locator(`table.products-table tbody tr:has(a[href="/seller/products/${id}"])`);
}

test.beforeEach(async ({ page }) => {
  page.on("dialog", (dialog) => dialog.accept()); // every "Archive …?" and "Delete …?" is confirmed
  await logInSeller(page);
});

test("the products table lists, searches by status and text, and archives an ordered product it is asked to delete", async ({
  page,
}) => {
  const rows = page.locator("table.products-table tbody tr");
  await expect(rows.first()).toBeVisible();
  const loaded = await rows.count();
  expect(loaded).toBeGreaterThan(10);
  await expect(page.locator("table.products-table img").first()).toBeVisible();
  await screenshots(page, "seller-products");

  // The search narrows what is loaded and is kept in the URL.
  const name = await rows.first().getByRole("link").innerText();
  await page.getByLabel("Search products").fill(name);
  await expect(page).toHaveURL(/\?q=/);
  await expect(rows.first()).toContainText(name);
  expect(await rows.count()).toBeLessThan(loaded);
  await page.reload();
  await expect(page.getByLabel("Search products")).toHaveValue(name);
  await page.getByLabel("Search products").fill("");

  const tabs = page.getByRole("navigation", { name: "Product status" });
  await tabs.getByRole("link", { name: "Drafts" }).click();
  await expect(page).toHaveURL(/status=draft/);
  await expect(rows.first().locator(".status")).toHaveText("draft");
  for (const status of await rows.locator(".status").allTextContents()) expect(status).toBe("draft");

  // A product with orders cannot go: the API archives it instead, and the seller is told so.
  // (The first page of the Active tab, as the table loads it.)
  const mine = await page.request.get("/api/v1/seller/products?status=active&limit=50");
  const ordered = ((await mine.json()) as { items: Listed[] }).items.find((item) => (item.units_sold ?? 0) > 0)!;
  await tabs.getByRole("link", { name: "Active" }).click();
  await expect(row(page, ordered.id)).toHaveCount(1);
  await row(page, ordered.id).getByRole("button", { name: "Delete" }).click();
  await expect(page.getByRole("status")).toContainText("has orders, so it was archived instead of deleted");
  await expect(row(page, ordered.id).locator(".status")).toHaveText("archived");
  expect((await page.request.get(`/api/v1/seller/products/${ordered.id}`)).ok()).toBe(true);
  // …and back in the shop, for the other tests' sake.
  await row(page, ordered.id).getByRole("button", { name: "Publish" }).click();
  await expect(row(page, ordered.id).locator(".status")).toHaveText("active");
});

test("a new product is created with a new category, published, archived, and deleted as a draft", async ({ page }) => {
  const word = `Playwright${Date.now()}`;
  const name = `${word} Hoop Earrings`;
  const category = `E2E ${Date.now()}`;

  await page.getByRole("link", { name: "New product" }).click();
  await expect(page.getByRole("heading", { name: "New product", level: 1 })).toBeVisible();
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Description").fill("Made by the browser tests.");
  await page.getByLabel("Material").fill("silver");
  await page.getByLabel("Price").fill("39,50");
  await page.getByLabel("Stock").fill("5");
  await page.getByLabel("Earrings", { exact: true }).check();
  await page.getByLabel("New category").fill(category);
  await page.getByRole("button", { name: "Add category" }).click();
  await expect(page.getByLabel(category)).toBeChecked();
  await page.getByRole("button", { name: "Create product" }).click();

  await expect(page).toHaveURL(/\/seller\/products\/[0-9a-f-]{36}$/);
  const id = page.url().split("/").at(-1)!;
  await expect(page.getByRole("heading", { name, level: 1 })).toBeVisible();
  await expect(page.getByText("Created as a draft")).toBeVisible();
  await expect(page.getByLabel("Price")).toHaveValue("39.50");
  await expect(page.getByLabel(category)).toBeChecked();
  await expect(page.getByRole("heading", { name: "Images" })).toBeVisible();
  await screenshots(page, "seller-product-edit");
  expect(await catalogNames(page.request, word)).toEqual([]); // a draft is not in the shop

  await page.getByRole("button", { name: "Publish" }).click();
  await expect(page.getByText(`“${name}” is published`)).toBeVisible();
  expect(await catalogNames(page.request, word)).toEqual([name]);
  await page.goto(`/?q=${word}`);
  await expect(page.locator(".grid .card")).toHaveCount(1);
  await expect(page.locator(".grid .card")).toContainText(name);

  await page.goto(`/seller/products/${id}`);
  await page.getByRole("button", { name: "Archive" }).click();
  await expect(page.getByText(`“${name}” is archived`)).toBeVisible();
  expect(await catalogNames(page.request, word)).toEqual([]);
  await page.getByRole("button", { name: "Move to drafts" }).click();
  await expect(page.getByText(`“${name}” is a draft again`)).toBeVisible();

  // Never ordered, so deleting it (from the table's Drafts) removes it for good.
  await page.getByRole("link", { name: "← All products" }).click();
  await page.getByRole("navigation", { name: "Product status" }).getByRole("link", { name: "Drafts" }).click();
  await page.getByLabel("Search products").fill(word);
  await expect(row(page, id)).toHaveCount(1);
  await row(page, id).getByRole("button", { name: `Delete ${name}` }).click();
  await expect(page.getByRole("status")).toHaveText(`“${name}” was deleted.`);
  await expect(row(page, id)).toHaveCount(0);
  expect((await page.request.get(`/api/v1/seller/products/${id}`)).status()).toBe(404);
});
