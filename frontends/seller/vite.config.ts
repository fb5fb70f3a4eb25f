import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

import { sharedAlias } from "../shared/alias.ts";

// `make run` serves dist/ at /seller/ (as CloudFront does); `make seller-dev` proxies the API to it.
const stack = process.env.FACET_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  base: "/seller/",
  plugins: [react()],
  resolve: { alias: sharedAlias },
  build: { target: "es2022", sourcemap: true, reportCompressedSize: false },
  server: {
    host: "127.0.0.1",
    port: 5174,
    strictPort: true,
    proxy: { "/api": stack, "/media": stack },
  },
});
