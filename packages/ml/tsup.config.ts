import { defineConfig } from "tsup";
import { baseConfig } from "../../tsup.base";

// Splitting keeps one copy of the shared modules (errors, ports) for every entry, so that an
// error thrown in `@epca/ml/allocation` is `instanceof` the class `@epca/ml` exports. `shims`
// gives the CJS build of `@epca/ml/node` an `import.meta.url`.
export default defineConfig({
  ...baseConfig,
  entry: {
    index: "src/index.ts",
    "allocation/index": "src/allocation/index.ts",
    "tabular/index": "src/tabular/index.ts",
    "testing/index": "src/testing/index.ts",
    "node/index": "src/node.ts",
    "use-cases/index": "src/use-cases/index.ts",
  },
  splitting: true,
  shims: true,
});
