import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url));

// Tests import packages by their public names; the aliases point those names at the sources so
// that a test run needs no build and a stack trace lands in the real file.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@epca\/core\/testing$/, replacement: src("core/src/testing/index.ts") },
      { find: /^@epca\/core$/, replacement: src("core/src/index.ts") },
      { find: /^@epca\/adapter-memory$/, replacement: src("adapter-memory/src/index.ts") },
      { find: /^@epca\/adapter-postgres$/, replacement: src("adapter-postgres/src/index.ts") },
      { find: /^@epca\/ml\/testing$/, replacement: src("ml/src/testing/index.ts") },
      { find: /^@epca\/ml\/allocation$/, replacement: src("ml/src/allocation/index.ts") },
      { find: /^@epca\/ml\/tabular$/, replacement: src("ml/src/tabular/index.ts") },
      { find: /^@epca\/ml\/node$/, replacement: src("ml/src/node.ts") },
      { find: /^@epca\/ml$/, replacement: src("ml/src/index.ts") },
      { find: /^@epca\/reports\/testing$/, replacement: src("reports/src/testing/index.ts") },
      { find: /^@epca\/reports$/, replacement: src("reports/src/index.ts") },
      { find: /^@epca\/server$/, replacement: src("server/src/index.ts") },
    ],
  },
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts", "examples/*/test/**/*.test.ts"],
    globalSetup: ["./test-support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
