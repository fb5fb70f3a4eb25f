import type { Page } from "@playwright/test";

import { expect, logInSeller, screenshots, test } from "./support";

/** A real JPEG drawn on a canvas in the page (a gradient and a ring, so it compresses like a
 * photo rather than to nothing). */
async function drawJpeg(page: Page, hue: number): Promise<Buffer> {
  const dataUrl = await page.evaluate((h) => {
    const canvas = document.createElement("canvas");
    canvas.width = 1200;
    canvas.height = 900;
    const context = canvas.getContext("2d")!;
    const gradient = context.createLinearGradient(0, 0, 1200, 900);
    gradient.addColorStop(0, `hsl(${h} 60% 85%)`);
    gradient.addColorStop(1, `hsl(${h + 40} 50% 35%)`);
    context.fillStyle = gradient;
    context.fillRect(0, 0, 1200, 900);
    context.lineWidth = 60;
    context.strokeStyle = "hsl(45 80% 55%)";
    context.beginPath();
    context.arc(600, 450, 260, 0, 2 * Math.PI);
    context.stroke();
    return canvas.toDataURL("image/jpeg", 0.92);
  }, hue);
  return Buffer.from(dataUrl.slice(dataUrl.indexOf(",") + 1), "base64");
}

/** The /media/ image ids of the product's ready thumbnails, first shown first. */
async function shownIds(page: Page): Promise<string[]> {
  const sources = await page.locator(".image-list img").evaluateAll((imgs) => imgs.map((img) => img.getAttribute("src") ?? ""));
  return sources.map((src) => src.match(/\/media\/public\/([0-9a-f-]+)\//)?.[1] ?? src);
}

test("a seller uploads, sees thumbnails and refusals, reorders and deletes images", async ({ page }) => {
  await logInSeller(page);
  const origin = new URL(page.url()).origin; // the CSRF check wants the app's Origin
  const name = `Playwright Signet ${Date.now()}`;
  const created = await page.request.post("/api/v1/seller/products", {
    data: { name, material: "silver", price_cents: 4200, currency: "EUR", description: "For the image test" },
    headers: { origin },
  });
  expect(created.status()).toBe(201);
  const { id } = (await created.json()) as { id: string };

  await page.goto(`/seller/products/${id}`);
  const panel = page.getByRole("region", { name: /^Images/ });
  await expect(panel).toBeVisible();
  await expect(panel.getByText("No images yet.")).toBeVisible();
  const input = panel.getByLabel("Choose images");

  // Refused in the browser, each with its reason, and never sent.
  let asked = 0;
  page.on("request", (request) => {
    if (request.method() === "POST" && request.url().endsWith(`/products/${id}/images`)) asked += 1;
  });
  await input.setInputFiles([
    { name: "sparkle.gif", mimeType: "image/gif", buffer: Buffer.from("GIF89a") },
    { name: "huge.png", mimeType: "image/png", buffer: Buffer.alloc(11 * 1_048_576, 1) },
  ]);
  const refusal = panel.getByRole("alert").filter({ hasText: "were not uploaded" });
  await expect(refusal).toContainText("sparkle.gif: Only JPEG, PNG and WebP images can be uploaded.");
  await expect(refusal).toContainText("huge.png: The file is 11 MB, over the 10 MB limit.");
  expect(asked).toBe(0);
  await refusal.getByRole("button", { name: "Dismiss" }).click();

  // A real JPEG: a progress bar named after the file, then the 200 px thumbnail from /media/.
  const ring = await drawJpeg(page, 270);
  await input.setInputFiles({ name: "ring.jpg", mimeType: "image/jpeg", buffer: ring });
  await expect(panel.getByRole("progressbar", { name: "ring.jpg" })).toBeVisible();
  const first = panel.getByRole("img", { name: `${name}, image 1` });
  await expect(first).toHaveAttribute("src", /\/media\/public\/[0-9a-f-]+\/200\.webp$/);
  await expect.poll(() => first.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(200);
  await expect(panel.getByRole("progressbar")).toHaveCount(0);
  expect(asked).toBe(1);

  // Text dressed as a JPEG passes the browser's check; the thumbnailer refuses it, and says why.
  await input.setInputFiles({
    name: "notes.jpg",
    mimeType: "image/jpeg",
    buffer: Buffer.from("Remember: polish the signet before the photo shoot.\n"),
  });
  const cards = panel.locator(".image-list > li");
  await expect(cards).toHaveCount(2);
  await expect(cards.nth(1)).toContainText("Rejected");
  await expect(cards.nth(1)).toContainText("The file is not a JPEG, PNG or WebP image");
  await screenshots(page, "seller-upload");

  // A second photo, then reorder with the buttons (keyboard, phone) and by dragging.
  await input.setInputFiles({ name: "ring-blue.jpg", mimeType: "image/jpeg", buffer: await drawJpeg(page, 200) });
  await expect(panel.getByRole("img", { name: `${name}, image 3` })).toHaveAttribute("src", /\/media\//);
  const [a, b] = await shownIds(page); // a is image 1, b image 3 (the rejected one is 2)
  const later = panel.getByRole("button", { name: "Move image 2 later" });
  await later.focus();
  await page.keyboard.press("Enter"); // the rejected one goes last
  await expect(panel.getByRole("status")).toHaveText("Image 2 moved to position 3.");
  await expect(cards.nth(2)).toContainText("Rejected");
  await expect(panel.getByRole("button", { name: "Move image 3 earlier" })).toBeFocused();

  const box = (await cards.nth(1).boundingBox())!;
  await cards.nth(0).dragTo(cards.nth(1), { targetPosition: { x: box.width * 0.8, y: box.height / 2 } });
  await expect.poll(() => shownIds(page)).toEqual([b, a]);

  // Both orders were saved: a reload shows the same.
  await page.reload();
  await expect.poll(() => shownIds(page)).toEqual([b, a]);
  await expect(cards.nth(2)).toContainText("Rejected");

  // Delete the rejected one (after confirming), then a ready one.
  page.once("dialog", (dialog) => void dialog.accept());
  await panel.getByRole("button", { name: "Delete image 3" }).click();
  await expect(cards).toHaveCount(2);
  await expect(panel.getByText("Rejected")).toHaveCount(0);
  page.once("dialog", (dialog) => void dialog.dismiss()); // changing one's mind keeps it
  await panel.getByRole("button", { name: "Delete image 1" }).click();
  await expect(cards).toHaveCount(2);
  page.once("dialog", (dialog) => void dialog.accept());
  await panel.getByRole("button", { name: "Delete image 1" }).click();
  await expect(cards).toHaveCount(1);
  await expect.poll(() => shownIds(page)).toEqual([a]);

  const saved = await page.request.get(`/api/v1/seller/products/${id}`);
  const product = (await saved.json()) as { images: { id: string; status: string }[] };
  expect(product.images.map((image) => [image.id, image.status])).toEqual([[a, "ready"]]);
  const removed = await page.request.delete(`/api/v1/seller/products/${id}`, { headers: { origin } });
  expect(removed.status()).toBe(204);
});
