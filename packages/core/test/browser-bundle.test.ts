import { fileURLToPath } from "node:url";
import { runInNewContext } from "node:vm";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../..", import.meta.url));

// @epca/core must run in a browser: bundle it (with the memory adapter) for the browser platform,
// where any Node built-in import fails the build, then run the bundle in a bare JavaScript context
// that has the web platform's globals (structuredClone, crypto, URL…) but no `process`, `require` or Node globals.
describe("@epca/core in a browser", () => {
  it("bundles without Node built-ins and computes analytics in a context without Node globals", async () => {
    const result = await build({
      stdin: {
        contents: `
          import { createEpca, systemActor } from "./packages/core/src/index.ts";
          import { createMemoryStore } from "./packages/adapter-memory/src/index.ts";
          (async () => {
          const epca = createEpca({ store: createMemoryStore() });
          const admin = systemActor("default");
          const d = await epca.departments.create(admin, { name: "Browser", budget: 10 });
          await epca.employees.create(admin, { name: "Web Worker", department_id: d.id, salary: 2080, revenue_generated: 4160 });
          globalThis.report(await epca.analytics.company(admin));
          })().catch((error) => globalThis.fail(error));
        `,
        resolveDir: root,
        loader: "ts",
      },
      bundle: true,
      platform: "browser",
      format: "iife",
      target: "es2022",
      write: false,
      logLevel: "silent",
    });
    const code = result.outputFiles[0]?.text ?? "";
    expect(code).not.toMatch(/require\(["']node:/);
    const reported = await new Promise((resolve, reject) => {
      runInNewContext(code, { report: resolve, fail: reject, console, setTimeout, queueMicrotask, structuredClone, crypto: globalThis.crypto, TextEncoder, URL }, { timeout: 5_000 });
      setTimeout(() => reject(new Error("the bundle never reported")), 5_000);
    });
    expect(reported).toMatchObject({ department_count: 1, employee_count: 1, total_cost: 2080, total_revenue: 0 });
  });
});
