import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runReadmeExample } from "../../../test-support/readme-example.js";

const packageDir = fileURLToPath(new URL("..", import.meta.url));

// Both run against the built package (`pnpm --filter @epca/ml build`), as for a user who pasted them.
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
