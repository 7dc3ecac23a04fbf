import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const src = (path: string) => fileURLToPath(new URL(`./packages/${path}`, import.meta.url));

/**
 * The money, authentication and data-integrity code that spec 000 holds at 100%: the formulas
 * (cost, revenue, ROI, utilisation, aggregates), the authorization policy, the validation of hours
 * and allocations, sessions (refresh-token rotation), access tokens, bearer parsing and the
 * password hasher.
 */
export const CRITICAL_FILES = [
  "packages/core/src/metrics/*.ts",
  "packages/core/src/policy/*.ts",
  "packages/core/src/validation/*.ts",
  "packages/core/src/use-cases/sessions.ts",
  "packages/server/src/auth/*.ts",
];

// Tests import packages by their public names; the aliases point those names at the sources so
// that a test run needs no build and a stack trace lands in the real file.
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@epca\/core\/testing$/, replacement: src("core/src/testing/index.ts") },
      { find: /^@epca\/core$/, replacement: src("core/src/index.ts") },
      { find: /^@epca\/adapter-memory\/reports$/, replacement: src("adapter-memory/src/reports.ts") },
      { find: /^@epca\/adapter-memory\/uploads$/, replacement: src("adapter-memory/src/uploads.ts") },
      { find: /^@epca\/adapter-postgres\/uploads$/, replacement: src("adapter-postgres/src/uploads.ts") },
      { find: /^@epca\/adapter-memory$/, replacement: src("adapter-memory/src/index.ts") },
      { find: /^@epca\/adapter-postgres\/reports$/, replacement: src("adapter-postgres/src/reports.ts") },
      { find: /^@epca\/adapter-memory\/ml$/, replacement: src("adapter-memory/src/ml.ts") },
      { find: /^@epca\/adapter-postgres\/ml$/, replacement: src("adapter-postgres/src/ml.ts") },
      { find: /^@epca\/adapter-postgres\/pg-boss$/, replacement: src("adapter-postgres/src/pg-boss.ts") },
      { find: /^@epca\/adapter-postgres$/, replacement: src("adapter-postgres/src/index.ts") },
      { find: /^@epca\/ml\/testing$/, replacement: src("ml/src/testing/index.ts") },
      { find: /^@epca\/ml\/allocation$/, replacement: src("ml/src/allocation/index.ts") },
      { find: /^@epca\/ml\/tabular$/, replacement: src("ml/src/tabular/index.ts") },
      { find: /^@epca\/ml\/use-cases$/, replacement: src("ml/src/use-cases/index.ts") },
      { find: /^@epca\/ml\/node$/, replacement: src("ml/src/node.ts") },
      { find: /^@epca\/ml$/, replacement: src("ml/src/index.ts") },
      { find: /^@epca\/reports\/testing$/, replacement: src("reports/src/testing/index.ts") },
      { find: /^@epca\/reports$/, replacement: src("reports/src/index.ts") },
      { find: /^@epca\/server$/, replacement: src("server/src/index.ts") },
    ],
  },
  test: {
    include: ["packages/*/src/**/*.test.ts", "packages/*/test/**/*.test.ts", "examples/*/test/**/*.test.ts", "deploy/test/**/*.test.ts"],
    globalSetup: ["./test-support/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Most test files wait on something other than this CPU (PostgreSQL, Chromium, a server or CLI
    // process they started), so a file per core plus one keeps both cores busy; vitest's own default
    // (cores − 1) runs one file at a time on a 2-core CI machine. EPCA_TEST_WORKERS overrides it.
    maxWorkers: Number(process.env.EPCA_TEST_WORKERS) || Math.max(2, availableParallelism() + 1),
    minWorkers: 1,
    // `pnpm test` runs `vitest run --coverage` through test-support/test-with-coverage.mjs, which adds the
    // coverage of the processes the tests start (the CLI) and prints and checks it per package
    // (90% of lines and branches). A targeted `npx vitest run <paths>` collects none.
    coverage: {
      provider: "v8",
      include: ["packages/*/src/**/*.ts"],
      exclude: ["**/*.test.ts", "**/*.d.ts", "packages/*/src/testing/**"],
      reporter: [["json", { file: "coverage-final.json" }], ["text-summary"]],
      reportsDirectory: "./coverage",
      // test-with-coverage.mjs merges and checks the report even when a test failed (and says so).
      reportOnFailure: true,
      // Money, authentication and data integrity: every branch of these files is tested (spec 000).
      // The package figures are held by test-with-coverage.mjs, which also counts the CLI's processes.
      thresholds: Object.fromEntries(CRITICAL_FILES.map((glob) => [glob, { branches: 100, lines: 100, functions: 100, statements: 100 }])),
    },
  },
});
