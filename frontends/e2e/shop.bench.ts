import { readFileSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";

import { expect, test } from "@playwright/test";

// The shop's budgets (issue 11): first-load JS and the catalog grid's largest contentful paint.
const FIRST_LOAD_JS_BUDGET_KB = 150;
const LCP_BUDGET_MS = 1000;
const RUNS = 5;
const DIST = "customer/dist";

/** The scripts index.html loads before anything is clicked: its entry and module preloads. */
function firstLoadJsGzipKb(): { files: string[]; kb: number } {
  const html = readFileSync(`${DIST}/index.html`, "utf8");
  const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  const bytes = files.reduce((sum, file) => sum + gzipSync(readFileSync(`${DIST}/${file}`)).length, 0);
  return { files, kb: bytes / 1024 };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

test("shop budgets: first-load JS and the grid's LCP", async ({ browser }) => {
  const bundle = firstLoadJsGzipKb();
  const paints: { ms: number; element: string }[] = [];
  for (let run = 0; run < RUNS; run++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } }); // cold cache
    const page = await context.newPage();
    await page.goto("/", { waitUntil: "networkidle" });
    paints.push(
      await page.evaluate(
        () =>
          new Promise<{ ms: number; element: string }>((resolve) => {
            new PerformanceObserver((list) => {
              const last = list.getEntries().at(-1) as PerformanceEntry & { element?: Element };
              resolve({ ms: last.startTime, element: last.element?.tagName ?? "?" });
            }).observe({ type: "largest-contentful-paint", buffered: true });
          }),
      ),
    );
    await context.close();
  }
  const lcp = median(paints.map((paint) => paint.ms));
  const report = {
    first_load_js_gzip_kb: Number(bundle.kb.toFixed(1)),
    first_load_js_files: bundle.files,
    lcp_ms_median: Number(lcp.toFixed(0)),
    lcp_ms_runs: paints.map((paint) => Number(paint.ms.toFixed(0))),
    lcp_elements: paints.map((paint) => paint.element),
  };
  writeFileSync("../.data/shop-bench.json", JSON.stringify(report, null, 2) + "\n");
  console.log(
    `first-load JS ${report.first_load_js_gzip_kb} KB gzip (budget ${FIRST_LOAD_JS_BUDGET_KB})\n` +
      `grid LCP median ${report.lcp_ms_median} ms of ${report.lcp_ms_runs.join(", ")} (budget ${LCP_BUDGET_MS}), ` +
      `element ${report.lcp_elements.join(", ")}`,
  );
  expect(report.lcp_elements, "the largest paint is a product image").toContain("IMG");
  expect.soft(bundle.kb).toBeLessThanOrEqual(FIRST_LOAD_JS_BUDGET_KB);
  expect.soft(lcp).toBeLessThanOrEqual(LCP_BUDGET_MS);
});
