import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, pageResult, servePageInChromium, type PageInChromium } from "../../../test-support/browser.js";

// A web app that depends on both packages: the bundle resolves them as its bundler would.
const webApp = fileURLToPath(new URL("../../../examples/embed-core", import.meta.url));

// @epca/core promises to run in a browser: this bundles the built packages (core with the memory
// adapter) the way a web app's bundler would, loads them in real headless Chromium from a page on
// loopback, and computes an organisation's analytics there.
describe.skipIf(!chromiumPath)("@epca/core in Chromium", () => {
  let chromium: PageInChromium;

  beforeAll(async () => {
    const bundle = await build({
      stdin: {
        contents: `
          export { createEpca, systemActor, ValidationError } from "@epca/core";
          export { createMemoryStore } from "@epca/adapter-memory";
        `,
        resolveDir: webApp,
        loader: "ts",
      },
      bundle: true,
      platform: "browser",
      format: "esm",
      target: "es2022",
      write: false,
      logLevel: "silent",
    });
    const code = bundle.outputFiles[0]?.text ?? "";
    const page = `<!doctype html><meta charset="utf-8"><title>epca core</title>
      <script type="module">
        import { createEpca, createMemoryStore, systemActor, ValidationError } from "/epca.js";
        try {
          const epca = createEpca({ store: createMemoryStore(), passwordHasher: null });
          const admin = systemActor("default");
          const dept = await epca.departments.create(admin, { name: "Browser", budget: 100000 });
          const ada = await epca.employees.create(admin, { name: "Ada", department_id: dept.id, salary: 104000, revenue_generated: 208000 });
          const project = await epca.projects.create(admin, { name: "Web", department_id: dept.id, cost: 1000, revenue: 9000, status: "in_progress" });
          await epca.timesheets.create(admin, { employee_id: ada.id, project_id: project.id, hours_worked: 8, date: "2024-06-14" });
          let issues = [];
          try { await epca.employees.create(admin, { name: "X", department_id: dept.id, salary: -1 }); }
          catch (error) { issues = error instanceof ValidationError ? error.issues.map((i) => i.path.join(".")) : [String(error)]; }
          window.result = {
            userAgent: navigator.userAgent,
            hasProcess: typeof process !== "undefined",
            company: await epca.analytics.company(admin),
            project: await epca.analytics.project(admin, project.id),
            issues,
          };
        } catch (error) {
          window.result = { error: String(error && error.stack || error) };
        }
      </script>`;
    chromium = await servePageInChromium(page, (path) => (path === "/epca.js" ? { type: "text/javascript", body: code } : undefined));
  }, 60_000);

  afterAll(async () => {
    await chromium?.close();
  });

  it("creates an organisation, validates input and computes analytics in the page", async () => {
    const result = await pageResult<{
      error?: string;
      userAgent: string;
      hasProcess: boolean;
      company: Record<string, unknown>;
      project: Record<string, unknown>;
      issues: string[];
    }>(chromium.browser, chromium.url, 20_000);
    expect(result.error).toBeUndefined();
    expect(result.userAgent).toMatch(/Chrome\//);
    expect(result.hasProcess).toBe(false);
    expect(result.company).toMatchObject({ department_count: 1, employee_count: 1, project_count: 1, total_revenue: 9000, total_cost: 105000, total_hours: 8 });
    // Labour: 8 h × 104,000 / 2,080 = 400; total cost 1,400; profit 7,600.
    expect(result.project).toMatchObject({ labour_cost: 400, total_cost: 1400, profit: 7600, productivity_index: 1125 });
    expect(result.issues.sort()).toEqual(["name", "salary"]);
  }, 60_000);
});
