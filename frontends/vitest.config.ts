import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

import { sharedAlias } from "./shared/alias.ts";

export default defineConfig({
  plugins: [react()],
  resolve: { alias: sharedAlias },
  test: {
    environment: "jsdom",
    include: ["shared/src/**/*.test.{ts,tsx}", "customer/src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
  },
});
