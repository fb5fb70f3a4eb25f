import {
  DEMO_CUSTOMER,
  DEMO_PASSWORD,
  expect,
  expectAccessibleBasics,
  mailedCode,
  logIn,
  screenshots,
  test,
} from "./support";

test("browse, filter, buy and see the order paid", async ({ page }) => {
  await logIn(page, DEMO_CUSTOMER, DEMO_PASSWORD);
  await page.goto("/");
  const cards = page.locator(".grid .card");
  await expect(cards.first()).toBeVisible();
  await expect(page.locator(".grid img").first()).toBeVisible();
  await screenshots(page, "shop-grid");

  // A filter goes into the URL, narrows the grid, and back undoes it.
  const total = Number((await page.locator("h1 .count").innerText()).match(/\d+/)![0]);
  const material = page.getByRole("group", { name: "Material" }).getByRole("checkbox").first();
  await material.click(); // checked once the URL (a router transition) says so
  await expect(page).toHaveURL(/material=/);
  await expect(material).toBeChecked();
  await expect(page.locator("h1 .count")).not.toHaveText(` · ${total} products`);
  const filtered = Number((await page.locator("h1 .count").innerText()).match(/\d+/)![0]);
  expect(filtered).toBeLessThan(total);
  await page.goBack();
  await expect(page).not.toHaveURL(/material=/);
  await expect(page.locator("h1 .count")).toHaveText(` · ${total} products`);
  await page.goForward();
  await expect(material).toBeChecked();

  await page.getByLabel("In stock only").click();
  await expect(page).toHaveURL(/in_stock=true/);
  await page.getByLabel("Sort by").selectOption("price_asc");
  await expect(page).toHaveURL(/sort=price_asc/);
  await cards.first().click();

  await expect(page.getByText(/\d+ in stock/)).toBeVisible();
  const name = await page.getByRole("heading", { level: 1 }).innerText();
  const image = page.locator(".gallery img").first();
  await expect(image).toHaveAttribute("srcset", /200w.*600w.*1200w/);
  await screenshots(page, "shop-product");

  await page.getByLabel("Quantity").fill("2");
  await page.getByRole("button", { name: "Add to cart" }).click();
  await page.getByRole("link", { name: "Go to the cart" }).click();
  await expect(page.getByRole("link", { name })).toBeVisible();
  await expect(page.getByLabel(`Quantity of ${name}`)).toHaveValue("2");
  await expectAccessibleBasics(page);

  // Keyboard only from the quantity to the checkout button.
  await page.getByLabel(`Quantity of ${name}`).focus();
  await page.keyboard.press("Tab");
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Check out" })).toBeFocused();
  await page.keyboard.press("Enter");

  // The Stripe emulator's pay page, then back to the order, which turns paid.
  await expect(page.getByRole("heading", { name: /^Pay / })).toBeVisible();
  await page.getByRole("button", { name: "Pay" }).click();
  await expect(page).toHaveURL(/\/orders\/[0-9a-f-]+\?checkout=success/);
  await expect(page.locator(".status")).toHaveText("paid");
  await expect(page.getByRole("cell", { name })).toBeVisible();
  await expect(page.getByText("Demo Buyer")).toBeVisible();
  await expect(page.getByRole("link", { name: /^Cart$/ })).toBeVisible(); // the cart was emptied
  await screenshots(page, "shop-order");

  await page.getByRole("link", { name: "All my orders" }).click();
  await expect(page.locator(".orders > li").first()).toContainText(name);
});

test("register, verify with the mailed code, log in and see no orders yet", async ({ page }) => {
  const email = `e2e-${Date.now()}@example.com`;
  await page.goto("/register");
  await page.getByLabel("Name").fill("Playwright Shopper");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel(/^Password/).fill("a long enough passphrase");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Verify your email" })).toBeVisible();
  await expectAccessibleBasics(page);

  await page.getByLabel("Code").fill(await mailedCode(email));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByText("Email verified")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveValue(email);
  await page.getByLabel("Password").fill("a long enough passphrase");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("heading", { name: "Profile" })).toBeVisible();
  await expect(page.getByText(`${email} · verified`)).toBeVisible();

  await page.getByRole("link", { name: "My orders" }).click();
  await expect(page.getByText("No orders yet.")).toBeVisible();
  await page.getByRole("link", { name: "Sessions" }).click();
  await expect(page.getByText("(this browser)")).toBeVisible();
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page.getByRole("link", { name: "Log in" })).toBeVisible();
});

test("a bad login shows the API's error and keeps the form", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Email").fill(DEMO_CUSTOMER);
  await page.getByLabel("Password").fill("not the password at all");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert")).toContainText(/password/i);
  await expect(page.getByLabel("Email")).toHaveValue(DEMO_CUSTOMER);
});
