import { expect, type Page, test as base } from "@playwright/test";

export const DEMO_PASSWORD = "facet-demo-password";
export const DEMO_CUSTOMER = "ada.customer@example.com";
export const DEMO_SELLER = "aurum.atelier@example.com";
const AWS_EMULATOR = process.env.AWS_ENDPOINT_URL ?? "http://127.0.0.1:4566";
const SCREENSHOTS = "../.data/screenshots";
export const WIDTHS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } };

/** Every test fails on a JavaScript error or a console error other than an expected HTTP 401
 * (the signed-out /users/me, the bad login). */
export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
      page.on("console", (message) => {
        if (message.type() !== "error") return;
        if (/status of 401/.test(message.text())) return;
        errors.push(`console: ${message.text()}`);
      });
      await use(errors);
      expect(errors, "no JavaScript errors").toEqual([]);
    },
    { auto: true },
  ],
});
export { expect };

/** The accessibility basics: every form control has a label, every image a text alternative. */
export async function expectAccessibleBasics(page: Page): Promise<void> {
  const missing = await page.evaluate(() => {
    const unlabelled = [...document.querySelectorAll("input, select, textarea")]
      .filter((el) => (el as HTMLInputElement).type !== "hidden")
      .filter((el) => !(el as HTMLInputElement).labels?.length && !el.getAttribute("aria-label"))
      .map((el) => `unlabelled ${el.outerHTML.slice(0, 80)}`);
    const noAlt = [...document.querySelectorAll("img, [role=img]")]
      .filter((el) => !(el.getAttribute("alt") ?? el.getAttribute("aria-label"))?.trim())
      .map((el) => `no alt ${el.outerHTML.slice(0, 80)}`);
    return [...unlabelled, ...noAlt];
  });
  expect(missing).toEqual([]);
}

/** The page at both widths, full length, under .data/screenshots/ (after the a11y basics). */
export async function screenshots(page: Page, name: string): Promise<void> {
  await expectAccessibleBasics(page);
  for (const [label, size] of Object.entries(WIDTHS)) {
    await page.setViewportSize(size);
    await page.waitForLoadState("networkidle");
    await page.screenshot({ path: `${SCREENSHOTS}/${name}-${label}.png`, fullPage: true });
  }
  await page.setViewportSize(WIDTHS.desktop);
}

interface SentMail {
  body?: string;
  destinations?: { ToAddresses?: string[] };
}

/** The last mail to `to` that moto's SES kept (its HTML body), polled until it arrives. */
export async function lastMailTo(to: string, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = await fetch(`${AWS_EMULATOR}/moto-api/data.json`);
    const data = (await response.json()) as { ses?: Record<string, SentMail[]> };
    const sent = Object.values(data.ses ?? {})
      .flat()
      .filter((mail) => mail.destinations?.ToAddresses?.includes(to) && mail.body);
    const last = sent.at(-1);
    if (last?.body) return last.body;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`no mail to ${to} within ${timeoutMs} ms`);
}

/** The six-digit code of the last verification mail to `to`. */
export async function mailedCode(to: string): Promise<string> {
  return (await lastMailTo(to)).match(/letter-spacing:4px"><b>(\d{6})<\/b>/)![1]!;
}

export async function logIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("heading", { name: "Profile" })).toBeVisible();
}

/** The seller dashboard's login (/seller/login); it lands on the products table. */
export async function logInSeller(page: Page, email = DEMO_SELLER, password = DEMO_PASSWORD): Promise<void> {
  await page.goto("/seller/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByRole("heading", { name: "Products", level: 1 })).toBeVisible();
}
