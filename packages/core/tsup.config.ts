import { defineConfig } from "tsup";
import { baseConfig } from "../../tsup.base";

// Splitting keeps one copy of the shared modules for both entries, so that an error thrown by an
// adapter is `instanceof` the class `@epca/core/testing` checks against.
export default defineConfig({
  ...baseConfig,
  entry: { index: "src/index.ts", "testing/index": "src/testing/index.ts" },
  splitting: true,
});
