import { beforeAll, describe, expect, it } from "vitest";
import {
  allocationExamples,
  allocationFeatures,
  indexHistory,
  loadAllocationModel,
  predictAllocation,
  rankAlternatives,
  saveAllocationModel,
  trainAllocationModel,
  useBackend,
  type AllocationEpochLogs,
  type AllocationModel,
} from "@epca/ml/allocation";
import { createMemoryModelRegistry } from "@epca/ml";
import { generateAllocationHistory } from "@epca/ml/testing";
import { nodeWasmDirectory } from "@epca/ml/node";

const NOW = "2026-01-01";
const history = generateAllocationHistory({ seed: 3, now: NOW });

describe("allocation model", () => {
  let model: AllocationModel;
  const epochs: Array<[number, AllocationEpochLogs]> = [];

  beforeAll(async () => {
    await useBackend("cpu");
    model = await trainAllocationModel(history, { now: NOW, onEpoch: (epoch, logs) => epochs.push([epoch, logs]) });
  }, 60_000);

  it("computes features without reading the targets", () => {
    const allocation = history.allocations[200]!;
    const employee = history.employees.find((e) => e.id === allocation.employee_id)!;
    const project = history.projects.find((p) => p.id === allocation.project_id)!;
    const window = { start_date: allocation.start_date, end_date: allocation.end_date };
    const before = allocationFeatures(employee, project, window, indexHistory(history));
    // Change every target of this allocation and everything that happened from its start on.
    const scrambled = {
      ...history,
      allocations: history.allocations.map((a) =>
        a === allocation || a.start_date >= allocation.start_date ? { ...a, allocation_percentage: 1, allocated_hours: 99_999 } : a,
      ),
      timesheets: history.timesheets.map((t) => (t.month >= allocation.start_date.slice(0, 7) ? { ...t, hours: 9_999 } : t)),
    };
    const finished = { ...project, status: "cancelled" as const, completion_percentage: 3, end_date: "2030-01-01" };
    expect(allocationFeatures(employee, finished, window, indexHistory(scrambled))).toEqual(before);
  });

  it("stores validation metrics on the latest examples that beat the training-mean baselines", () => {
    const m = model.metrics;
    const examples = allocationExamples(history, NOW);
    expect(m.training_samples + m.validation_samples).toBe(examples.length);
    expect(m.validation_samples).toBeGreaterThanOrEqual(Math.floor(examples.length * 0.2));
    expect(m.mae_allocation_percentage).toBeLessThan(0.85 * m.baseline_mae_allocation_percentage);
    expect(m.mae_hours).toBeLessThan(0.5 * m.baseline_mae_hours);
    expect(m.validation_outcomes).toBeGreaterThan(10);
    expect(m.brier_success!).toBeLessThan(m.baseline_brier_success!);
    expect(m.log_loss_success).toBeGreaterThan(0);
  });

  it("reports progress per epoch and stops early", () => {
    expect(epochs.map(([e]) => e)).toEqual(Array.from({ length: model.metrics.epochs_run }, (_, i) => i + 1));
    expect(epochs.every(([, logs]) => Number.isFinite(logs.loss) && Number.isFinite(logs.val_loss))).toBe(true);
    expect(model.metrics.epochs_run).toBeLessThan(300);
    expect(model.metrics.epochs_run - model.metrics.best_epoch).toBe(30);
  });

  it("predicts the three figures within their ranges and ranks alternatives", () => {
    const project = history.projects.find((p) => p.status === "in_progress")!;
    const context = { history, window: { start_date: NOW } };
    const prediction = predictAllocation(model, history.employees[0]!, project, context);
    expect(prediction.recommended_allocation).toBeGreaterThanOrEqual(0);
    expect(prediction.recommended_allocation).toBeLessThanOrEqual(100);
    expect(prediction.estimated_hours).toBeGreaterThanOrEqual(0);
    expect(prediction.success_probability).toBeGreaterThan(0);
    expect(prediction.success_probability).toBeLessThan(1);
    const ranked = rankAlternatives(model, history.employees, project, { ...context, exclude: [history.employees[0]!.id], limit: 5 });
    expect(ranked).toHaveLength(5);
    expect(ranked.map((r) => r.employee_id)).not.toContain(history.employees[0]!.id);
    for (let i = 1; i < ranked.length; i += 1) expect(ranked[i]!.success_probability).toBeLessThanOrEqual(ranked[i - 1]!.success_probability);
  });

  it("round-trips through JSON artifacts (weights as base64) with identical predictions", async () => {
    const artifacts = await saveAllocationModel(model);
    expect(typeof artifacts.weights_base64).toBe("string");
    const stored = JSON.parse(JSON.stringify(artifacts)) as unknown;
    const loaded = await loadAllocationModel(stored);
    expect(loaded.metrics).toEqual(model.metrics);
    const project = history.projects[5]!;
    const context = { history, window: { start_date: NOW } };
    for (const employee of history.employees.slice(0, 5)) {
      expect(predictAllocation(loaded, employee, project, context)).toEqual(predictAllocation(model, employee, project, context));
    }
    await expect(loadAllocationModel({ ...artifacts, format: "other" })).rejects.toMatchObject({ code: "invalid_artifacts" });
    await expect(loadAllocationModel({ ...artifacts, version: 2 })).rejects.toMatchObject({ code: "invalid_artifacts" });
  });

  it("stores its artifacts in a model registry and loads the deployed one back", async () => {
    const registry = createMemoryModelRegistry();
    const artifacts = await saveAllocationModel(model);
    const saved = await registry.save("t1", { type: "allocation", status: "validated", metrics: { ...model.metrics }, artifacts });
    await registry.deploy("t1", saved.id);
    const deployed = await registry.getDeployed("t1", "allocation");
    const loaded = await loadAllocationModel(deployed?.artifacts);
    const context = { history, window: { start_date: NOW } };
    const project = history.projects[7]!;
    expect(predictAllocation(loaded, history.employees[3]!, project, context)).toEqual(predictAllocation(model, history.employees[3]!, project, context));
  });

  it("runs on the WebAssembly backend with the same predictions", async () => {
    const project = history.projects[5]!;
    const context = { history, window: { start_date: NOW } };
    const onCpu = predictAllocation(model, history.employees[1]!, project, context);
    expect(await useBackend("wasm", { wasmPaths: nodeWasmDirectory() })).toBe("wasm");
    const artifacts = await saveAllocationModel(model);
    const onWasm = predictAllocation(await loadAllocationModel(artifacts), history.employees[1]!, project, context);
    expect(onWasm.recommended_allocation).toBeCloseTo(onCpu.recommended_allocation, 3);
    expect(onWasm.estimated_hours).toBeCloseTo(onCpu.estimated_hours, 1);
    expect(onWasm.success_probability).toBeCloseTo(onCpu.success_probability, 4);
    await useBackend("cpu");
  });

  it("stops when its AbortSignal fires", async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const training = trainAllocationModel(history, {
      now: NOW,
      signal: controller.signal,
      onEpoch: (epoch) => {
        seen.push(epoch);
        if (epoch === 2) controller.abort();
      },
    });
    await expect(training).rejects.toMatchObject({ code: "training_aborted" });
    expect(seen).toEqual([1, 2]);
  });

  it("refuses to train on too few examples", async () => {
    const small = generateAllocationHistory({ seed: 1, employees: 4, projects: 3, now: NOW });
    await expect(trainAllocationModel(small, { now: NOW })).rejects.toMatchObject({ code: "insufficient_training_data", needed: 25 });
  });
});
