/**
 * The example page in headless Chromium against a real EPCA server: it logs in, downloads the
 * deployed allocation model's artifacts and a department's history, forecasts locally with
 * `@epca/ml`, and its numbers must equal the server's `GET /predict/department/{id}` answer.
 * Built with this package's Vite; a screenshot is kept in docs/browser-forecast.png.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { createMemoryStore } from "@epca/adapter-memory";
import { memoryModelRegistry } from "@epca/adapter-memory/ml";
import { addMonths, monthString } from "@epca/ml";
import { saveAllocationModel, trainAllocationModel, useBackend } from "@epca/ml/allocation";
import { generateAllocationHistory } from "@epca/ml/testing";
import { build } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, servePageInChromium, type PageInChromium } from "../../../test-support/browser.js";
import { PASSWORD, startServer, type TestServer } from "../../../packages/server/test/support/harness.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const screenshot = fileURLToPath(new URL("../../../docs/browser-forecast.png", import.meta.url));
const now = new Date();
const FIRST = monthString(now.getUTCFullYear() * 12 + now.getUTCMonth() - 26);
const AS_OF = addMonths(FIRST, 23);
const day = (month: string, d: number) => `${month}-${String(d).padStart(2, "0")}`;

describe.skipIf(!chromiumPath)("examples/browser-forecast in Chromium", () => {
  let page: PageInChromium;
  let server: TestServer;
  let department: number;
  let modelVersion: number;

  beforeAll(async () => {
    await build({ root, logLevel: "warn" });
    const dist = `${root}dist/`;
    page = await servePageInChromium(readFileSync(`${dist}index.html`, "utf8"), (path) =>
      path.startsWith("/assets/") ? { type: path.endsWith(".js") ? "text/javascript" : "application/octet-stream", body: readFileSync(dist + path.slice(1)) } : undefined,
    );
    const store = createMemoryStore({ parts: { modelRegistry: memoryModelRegistry } });
    server = await startServer(store, { BACKEND_CORS_ORIGINS: [new URL(page.url).origin] }, { closeStore: () => store.close() });
    const { epca, system } = server;
    await epca.users.create(system, { email: "analyst@browser.example", password: PASSWORD, full_name: "Ana", role: "analyst" });
    department = (await epca.departments.create(system, { name: "Browser", budget: 400_000 })).id;
    const people = [];
    for (let e = 0; e < 2; e++) {
      people.push((await epca.employees.create(system, { name: `Person ${e}`, department_id: department, salary: 90_000 + e * 20_000, hire_date: day(addMonths(FIRST, -2), 1) })).id);
    }
    const project = (await epca.projects.create(system, { name: "Seasonal", department_id: department, status: "in_progress", revenue: 400_000, cost: 40_000, start_date: day(addMonths(FIRST, -1), 1) })).id;
    // Two years of hours with a trend and a yearly season.
    for (let i = 0; i < 24; i++) {
      const month = addMonths(FIRST, i);
      const hours = 6 + 2 * Math.sin((2 * Math.PI * i) / 12) + i * 0.08;
      for (const [k, person] of people.entries()) {
        for (let d = 1; d <= 3; d++) await epca.timesheets.create(system, { employee_id: person, project_id: project, hours_worked: Math.round((hours + k) * 4) / 4, date: day(month, d * 7) });
      }
    }
    // A deployed allocation model (trained here on a seeded history) for the page to download.
    await useBackend("cpu");
    const trained = await trainAllocationModel(generateAllocationHistory({ employees: 12, projects: 30 }), { epochs: 5, now: "2026-01-01" });
    const artifacts = await saveAllocationModel(trained);
    trained.network.dispose();
    const saved = await store.transaction("default", async (scope) => {
      const model = await scope.modelRegistry.save("default", { type: "allocation", status: "validated", metrics: { ...trained.metrics }, artifacts: artifacts as never });
      return scope.modelRegistry.deploy("default", model.id);
    });
    modelVersion = saved.version;
  }, 300_000);
  afterAll(async () => {
    await page?.close();
    await server?.close();
  });

  it("forecasts locally the numbers the server answers, and draws them", async () => {
    const query = new URLSearchParams({ api: server.base, email: "analyst@browser.example", password: PASSWORD, department: String(department), as_of: AS_OF, horizon: "6" });
    const tab = await page.browser.newPage({ viewport: { width: 820, height: 640 } });
    await tab.goto(`${page.url}?${query}`);
    await tab.waitForFunction(() => (window as unknown as { result?: unknown }).result !== undefined, undefined, { timeout: 120_000 });
    const result = (await tab.evaluate(() => (window as unknown as { result: unknown }).result)) as {
      ok: boolean;
      error?: string;
      as_of: string;
      model: { version: number; features: number; backend: string };
      forecasts: Record<string, { model: string; totals: { predicted: number; lower: number; upper: number }; points: unknown[] }>;
    };
    expect(result.error).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.as_of).toBe(AS_OF);
    expect(result.model).toEqual({ version: modelVersion, features: 21, backend: "cpu", maeHours: expect.any(Number) });

    const token = (await server.login("analyst@browser.example")).access_token;
    const answer = await server.request("GET", `/api/v1/predict/department/${department}?as_of=${AS_OF}&horizon=6`, { token });
    expect(answer.status).toBe(200);
    for (const figure of ["hours", "cost", "revenue", "profit"]) {
      const served = answer.body.predictions[figure];
      expect(result.forecasts[figure]!.model, figure).toBe(served.model);
      expect(result.forecasts[figure]!.totals, figure).toEqual({ predicted: served.predicted, lower: served.lower, upper: served.upper });
      expect(result.forecasts[figure]!.points, figure).toEqual(served.points);
    }
    // The drawing: a history line, a forecast line with one dot per month, and the interval band.
    expect(await tab.locator("#chart polyline").count()).toBe(2);
    expect(await tab.locator("#chart circle").count()).toBe(6);
    expect(await tab.locator("#chart polygon").count()).toBe(1);
    expect(await tab.locator("#figures tr").count()).toBe(5);
    await tab.screenshot({ path: screenshot, fullPage: true });
    await tab.close();
  }, 180_000);
});
