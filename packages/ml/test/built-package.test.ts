import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { forecast } from "@epca/ml";
import { predictAllocation, saveAllocationModel, trainAllocationModel, useBackend, type AllocationPrediction } from "@epca/ml/allocation";
import { nodeWasmDirectory } from "@epca/ml/node";
import { generateAllocationHistory, syntheticSeries } from "@epca/ml/testing";
import { chromiumPath, pageResult, servePageInChromium, type PageInChromium } from "../../../test-support/browser.js";
import { runReadmeExample } from "../../../test-support/readme-example.js";
import { ensureBuilt } from "./ensure-built.js";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

// Everything here runs against the built package (dist), as a user's code would; dist is rebuilt
// first when a source file is newer. One file, so that one build serves every test.
beforeAll(() => ensureBuilt(), 120_000);

describe("the README's examples", () => {
  it("forecasts, gives the ROI and a budget recommendation", () => {
    const output = runReadmeExample(packageDir, "## Example");
    expect(output).toMatch(/month: '2025-07'/);
    expect(output).toMatch(/month: '2025-09'/);
    expect(output).toMatch(/ROI 0\.\d+ \[ [\d.-]+, [\d.]+ \] joint coverage ≥ 0\.8/);
    expect(output).toMatch(/kind: 'budget_overrun'/);
  }, 120_000);

  it("trains, saves, loads and predicts with the allocation model", () => {
    const output = runReadmeExample(packageDir, "## Allocation model");
    expect(output).toMatch(/backend wasm/);
    expect(output).toMatch(/mae_allocation_percentage: [\d.]+/);
    expect(output).toMatch(/success_probability: 0\.\d+/);
  }, 120_000);
});

// A workspace package that depends on @epca/ml: the bundle resolves the built package (dist) as a
// web app's bundler would.
const webApp = fileURLToPath(new URL("../../../bench", import.meta.url));
const NOW = "2026-01-01";

// @epca/ml promises to run unchanged in a browser: this bundles the built entries, loads them in
// headless Chromium, forecasts there and predicts with a model trained in Node on tfjs's wasm
// backend (the .wasm files served from loopback), and compares the page's numbers with Node's.
describe.skipIf(!chromiumPath)("@epca/ml in Chromium", () => {
  let chromium: PageInChromium;
  const series = syntheticSeries({ months: 40, level: 500, trend: 3, seasonality: 60, noise: 15 }, 17);
  const history = generateAllocationHistory({ seed: 3, now: NOW });
  let expectedForecast: ReturnType<typeof forecast>;
  let expectedPrediction: AllocationPrediction;

  beforeAll(async () => {
    await useBackend("cpu");
    const model = await trainAllocationModel(history, { now: NOW, epochs: 15 });
    const artifacts = await saveAllocationModel(model);
    const project = history.projects[5]!;
    const context = { history, window: { start_date: NOW } };
    expectedPrediction = predictAllocation(model, history.employees[2]!, project, context);
    expectedForecast = forecast(series, { horizon: 6, asOf: series[35]!.month, now: new Date(0) });
    const data = JSON.stringify({ series, asOf: series[35]!.month, artifacts, history, projectIndex: 5, employeeIndex: 2, now: NOW });

    const bundle = await build({
      stdin: { contents: `export { forecast } from "@epca/ml"; export { loadAllocationModel, predictAllocation, useBackend } from "@epca/ml/allocation";`, resolveDir: webApp, loader: "ts" },
      bundle: true,
      platform: "browser",
      format: "esm",
      target: "es2022",
      write: false,
      logLevel: "silent",
    });
    const code = bundle.outputFiles[0]?.text ?? "";
    const page = `<!doctype html><meta charset="utf-8"><title>epca ml</title>
      <script type="module">
        import { forecast, loadAllocationModel, predictAllocation, useBackend } from "/ml.js";
        try {
          const data = await (await fetch("/data.json")).json();
          const result = forecast(data.series, { horizon: 6, asOf: data.asOf, now: new Date(0) });
          const backend = await useBackend("wasm", { wasmPaths: "/wasm/" });
          const model = await loadAllocationModel(data.artifacts);
          const prediction = predictAllocation(model, data.history.employees[data.employeeIndex], data.history.projects[data.projectIndex], { history: data.history, window: { start_date: data.now } });
          window.result = { hasProcess: typeof process !== "undefined", forecast: result, backend, prediction };
        } catch (error) {
          window.result = { error: String((error && error.stack) || error) };
        }
      </script>`;
    const wasmDir = nodeWasmDirectory();
    chromium = await servePageInChromium(page, (path) => {
      if (path === "/ml.js") return { type: "text/javascript", body: code };
      if (path === "/data.json") return { type: "application/json", body: data };
      if (path.startsWith("/wasm/") && /^[\w.-]+\.wasm$/.test(path.slice(6))) return { type: "application/wasm", body: readFileSync(join(wasmDir, path.slice(6))) };
      return undefined;
    });
  }, 90_000);

  afterAll(async () => {
    await chromium?.close();
  });

  it("forecasts and predicts in the page with the numbers Node computes", async () => {
    const result = await pageResult<{
      error?: string;
      hasProcess: boolean;
      forecast: unknown;
      backend: string;
      prediction: AllocationPrediction;
    }>(chromium.browser, chromium.url, 30_000);
    expect(result.error).toBeUndefined();
    expect(result.hasProcess).toBe(false);
    expect(result.forecast).toEqual(JSON.parse(JSON.stringify(expectedForecast)));
    expect(result.backend).toBe("wasm");
    expect(result.prediction.recommended_allocation).toBeCloseTo(expectedPrediction.recommended_allocation, 3);
    expect(result.prediction.estimated_hours).toBeCloseTo(expectedPrediction.estimated_hours, 1);
    expect(result.prediction.success_probability).toBeCloseTo(expectedPrediction.success_probability, 4);
  }, 60_000);
});
