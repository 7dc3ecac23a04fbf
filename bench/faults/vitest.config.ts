import { defineConfig } from "vitest/config";
import base from "../../vitest.config.js";

/**
 * `pnpm test:faults`: the fault tests only, one file at a time. No global PostgreSQL: each test
 * file starts (and crashes) a cluster of its own.
 */
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ["bench/faults/**/*.fault.test.ts"],
    globalSetup: [],
    fileParallelism: false,
    testTimeout: 600_000,
  },
});
