import { beforeAll, describe, expect, it } from "vitest";
import { allocationExamples, predictAllocation, trainAllocationModel, useBackend, type AllocationModel } from "@epca/ml/allocation";
import { generateAllocationHistory } from "@epca/ml/testing";

// A small history and a short run: what the options change, not how well the model fits.
const NOW = "2026-01-01";
const history = generateAllocationHistory({ seed: 11, employees: 12, projects: 8, now: NOW });

describe("allocation training options", () => {
  let model: AllocationModel;
  beforeAll(async () => {
    await useBackend("cpu");
    model = await trainAllocationModel(history, {
      now: NOW,
      epochs: 3,
      batchSize: 8,
      learningRate: 0.01,
      patience: 1,
      validationShare: 0.5,
      hiddenUnits: [6, 4],
      l2: 0,
      seed: 5,
    });
  }, 60_000);

  it("keeps the hyperparameters it was given and splits the examples by the validation share", () => {
    expect(model.hyperparameters).toEqual({ epochs: 3, batchSize: 8, learningRate: 0.01, patience: 1, validationShare: 0.5, hiddenUnits: [6, 4], l2: 0, seed: 5 });
    const examples = allocationExamples(history, NOW).length;
    expect(model.metrics.training_samples).toBe(Math.round(examples * 0.5));
    expect(model.metrics.training_samples + model.metrics.validation_samples).toBe(examples);
    expect(model.metrics.epochs_run).toBeLessThanOrEqual(3);
    expect(model.metrics.best_epoch).toBeGreaterThanOrEqual(1);
    // Two hidden layers of 6 and 4 units, then the three outputs.
    expect(model.network.layers.map((l) => l.getConfig().units)).toEqual([6, 4, 3]);
    expect(Date.parse(model.trainedAt)).toBeGreaterThan(Date.parse(NOW));
  });

  it("predicts for a window from today when the context names none", () => {
    const project = history.projects[0]!;
    const employee = history.employees[0]!;
    const today = new Date().toISOString().slice(0, 10);
    expect(predictAllocation(model, employee, project, { history })).toEqual(predictAllocation(model, employee, project, { history, window: { start_date: today } }));
  });
});
