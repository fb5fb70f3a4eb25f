import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

import { sharedAlias } from "./shared/alias.ts";

export default defineConfig({
  plugins: [react()],
  resolve: { alias: sharedAlias },
  test: {
    environment: "jsdom",
    include: ["{shared,customer,seller}/src/**/*.test.{ts,tsx}"],
    restoreMocks: true,
  },
});
