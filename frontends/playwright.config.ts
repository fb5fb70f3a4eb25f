import { defineConfig, devices } from "@playwright/test";

// A fresh stack of its own (port 8100, database facet_e2e), started the way `make run` starts
// one, driven in Debian's Chromium: Playwright never downloads a browser here.
const PORT = Number(process.env.E2E_PORT ?? 8100);
export const BASE_URL = `http://127.0.0.1:${PORT}`;
// Its own moto too, so a running `make run` (on 4566) never shares buckets or queues with it.
const EMULATOR_PORT = Number(process.env.E2E_EMULATOR_PORT ?? PORT + 1000);
process.env.AWS_ENDPOINT_URL = `http://127.0.0.1:${EMULATOR_PORT}`; // read by e2e/support.ts

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: BASE_URL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--disable-sync",
      ],
    },
  },
  projects: [
    { name: "e2e", testMatch: /.*\.spec\.ts/, use: { ...devices["Desktop Chrome"] } },
    // `make shop-bench`: budgets measured in the same browser, never part of `make test`.
    { name: "bench", testMatch: /.*\.bench\.ts/, use: { ...devices["Desktop Chrome"] } },
  ],
  webServer: {
    command: ".venv/bin/python -m devstack run --fresh",
    cwd: "..",
    url: `${BASE_URL}/api/v1/health`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: "ignore",
    stderr: "pipe",
    env: {
      PORT: String(PORT),
      AWS_EMULATOR_PORT: String(EMULATOR_PORT),
      PYTHONPATH: "layers/shared:.",
      DATABASE_URL: process.env.E2E_DATABASE_URL ?? "postgresql+asyncpg://postgres@127.0.0.1:5432/facet_e2e",
    },
  },
});
