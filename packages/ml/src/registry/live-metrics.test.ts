import { describe, expect, it } from "vitest";
import { liveErrorMetrics, shouldRetrain, type PredictionRecord } from "@epca/ml";

const prediction = (output: PredictionRecord["output"], actual: PredictionRecord["input"] | undefined): PredictionRecord => ({
  id: "p",
  model_id: "m",
  input: null,
  output,
  created_at: "2026-01-01T00:00:00.000Z",
  feedback: actual === undefined ? null : { actual, created_at: "2026-02-01T00:00:00.000Z" },
});

describe("liveErrorMetrics", () => {
  it("computes MAE, RMSE and bias per numeric figure from predictions with feedback", () => {
    const metrics = liveErrorMetrics([
      prediction({ estimated_hours: 100, success_probability: 0.8, label: "x" }, { estimated_hours: 90 }),
      prediction({ estimated_hours: 50 }, { estimated_hours: 80 }),
      prediction({ estimated_hours: 10 }, undefined),
      prediction(5, 2),
    ]);
    expect(metrics).toEqual({
      estimated_hours: { count: 2, mae: 20, rmse: Math.sqrt((100 + 900) / 2), bias: -10 },
      value: { count: 1, mae: 3, rmse: 3, bias: 3 },
    });
  });
});

describe("shouldRetrain", () => {
  const now = new Date("2026-03-01T00:00:00Z");
  it("retrains a deployed model older than retrainDays", () => {
    expect(shouldRetrain({ deployedAt: "2026-01-01T00:00:00Z", retrainDays: 30, liveError: null, validationError: 1, now })).toMatchObject({
      retrain: true,
      reason: "stale",
      age_days: 59,
    });
  });
  it("retrains when live error drifts past 1.25 × validation error on enough feedback", () => {
    const base = { deployedAt: "2026-02-20T00:00:00Z", retrainDays: 30, validationError: 10, now };
    expect(shouldRetrain({ ...base, liveError: 13, feedbackCount: 50 })).toMatchObject({ retrain: true, reason: "drift", error_ratio: 1.3 });
    expect(shouldRetrain({ ...base, liveError: 12, feedbackCount: 50 })).toMatchObject({ retrain: false, reason: null });
    expect(shouldRetrain({ ...base, liveError: 30, feedbackCount: 5 })).toMatchObject({ retrain: false });
  });

  it("has no age for a model never deployed, and no ratio without a validation error above 0", () => {
    expect(shouldRetrain({ deployedAt: null, retrainDays: 30, liveError: 5, validationError: 0, now })).toEqual({
      retrain: false,
      reason: null,
      age_days: null,
      error_ratio: null,
    });
    expect(shouldRetrain({ deployedAt: null, retrainDays: 30, liveError: null, validationError: 4, now }).error_ratio).toBeNull();
    expect(shouldRetrain({ deployedAt: null, retrainDays: 30, liveError: 8, validationError: null, now }).error_ratio).toBeNull();
  });

  it("takes a custom drift ratio and minimum feedback, counts unknown feedback as enough, and measures age from now", () => {
    const base = { deployedAt: null, retrainDays: 30, liveError: 15, validationError: 10, now };
    expect(shouldRetrain({ ...base, driftRatio: 2 })).toMatchObject({ retrain: false, error_ratio: 1.5 });
    expect(shouldRetrain({ ...base, feedbackCount: 5, minFeedback: 5 })).toMatchObject({ retrain: true, reason: "drift" });
    expect(shouldRetrain(base)).toMatchObject({ retrain: true, reason: "drift" });
    const fresh = shouldRetrain({ deployedAt: new Date(Date.now() - 86_400_000), retrainDays: 30, liveError: null, validationError: 10 });
    expect(fresh.retrain).toBe(false);
    expect(fresh.age_days).toBeCloseTo(1, 3);
  });
});
