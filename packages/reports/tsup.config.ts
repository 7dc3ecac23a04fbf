import { defineConfig } from "tsup";
import { baseConfig } from "../../tsup.base";

// Splitting keeps one copy of the shared modules for both entries; shims give the CJS build an
// `import.meta.url` so that the bundled fonts are found from either build.
export default defineConfig({
  ...baseConfig,
  entry: { index: "src/index.ts", "testing/index": "src/testing/index.ts" },
  splitting: true,
  shims: true,
});
