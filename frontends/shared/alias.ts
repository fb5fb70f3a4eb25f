import { fileURLToPath } from "node:url";

/** `@facet/shared/x` is shared/src/x for Vite and Vitest, as tsconfig.base.json's paths say. */
export const sharedAlias = [
  { find: /^@facet\/shared\//, replacement: fileURLToPath(new URL("./src/", import.meta.url)) },
];
