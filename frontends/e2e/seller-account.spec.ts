import { DEMO_CUSTOMER, DEMO_PASSWORD, DEMO_SELLER, expect, lastMailTo, logInSeller, mailedCode, screenshots, test } from "./support";

const PASSWORD = "a long enough seller passphrase";
const NEW_PASSWORD = "another long seller passphrase";

test("a new seller signs up, verifies, resets the password, renames the shop and deletes the account", async ({
  page,
}) => {
  const email = `e2e-seller-${Date.now()}@example.com`;
  await page.goto("/seller/register");
  await page.getByLabel("Shop name").fill("Playwright Pearls");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel(/^Password/).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/seller\/verify\?email=/);
  await page.getByLabel("Code").fill(await mailedCode(email));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByText("Email verified")).toBeVisible();

  // Forgot the password already: the mailed link opens the dashboard's reset page, not the shop's.
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send me a reset link" }).click();
  await expect(page.getByRole("status")).toBeVisible();
  const link = (await lastMailTo(email)).match(/href="([^"]*\/reset-password#token=[^"]+)"/)![1]!;
  expect(new URL(link).pathname).toBe("/seller/reset-password");
  await page.goto(link);
  await page.getByLabel(/^New password/).fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByText("Password changed")).toBeVisible();

  await logInSeller(page, email, NEW_PASSWORD);
  await page.getByRole("link", { name: "Playwright Pearls" }).click();
  await expect(page.getByText(`${email} · verified`)).toBeVisible();
  await page.getByLabel("Shop name").fill("Playwright Pearls & Co");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByRole("link", { name: "Playwright Pearls & Co" })).toBeVisible();
  await screenshots(page, "seller-account");
  await page.getByRole("link", { name: "Sessions" }).click();
  await expect(page.getByText("(this browser)")).toBeVisible();

  await page.getByRole("link", { name: "Profile" }).click();
  await page.getByLabel("Your password").fill(NEW_PASSWORD);
  await page.getByLabel("I understand this cannot be undone").check();
  await page.getByRole("button", { name: "Delete my account" }).click();
  await expect(page.getByText("Your account was deleted.")).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("alert")).toBeVisible();
});

test("a session that ends sends the seller to the login page and back to where they were", async ({ page }) => {
  await logInSeller(page);
  await page.goto("/seller/orders");
  await page.context().clearCookies(); // the session is gone, as after a revocation or expiry
  await page.reload();
  await expect(page).toHaveURL(/\/seller\/login\?next=%2Forders/);
  await page.getByLabel("Email").fill(DEMO_SELLER);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/seller\/orders$/);
});

test("a customer account is told this is the seller dashboard", async ({ page }) => {
  await page.goto("/seller/login?next=%2Fstats");
  await page.getByLabel("Email").fill(DEMO_CUSTOMER);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("heading", { name: "This is the seller dashboard" })).toBeVisible();
  await page.getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/seller\/login$/);
});
