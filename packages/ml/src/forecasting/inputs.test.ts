import { describe, expect, it } from "vitest";
import { addMonths, forecast, monthIndex, monthString, roiForecast, type ForecastModel, type SeriesPoint } from "@epca/ml";
import { normalQuantile } from "./quantiles.js";

/** `values` as consecutive months from `first`. */
const series = (values: readonly number[], first = "2024-01"): SeriesPoint[] => values.map((value, i) => ({ month: addMonths(first, i), value }));

describe("forecast options and series are checked before anything is fitted", () => {
  const eight = series([10, 12, 11, 13, 12, 14, 13, 15]);

  it("refuses a horizon outside 1..12 or not an integer, and empty or out-of-range coverages", () => {
    for (const horizon of [0, 13, 1.5]) {
      expect(() => forecast(eight, { horizon })).toThrow(expect.objectContaining({ code: "invalid_options", message: `horizon must be an integer from 1 to 12, got ${horizon}` }));
    }
    expect(() => forecast(eight, { coverages: [] })).toThrow(expect.objectContaining({ code: "invalid_options", message: "coverages must not be empty" }));
    for (const c of [0, 1, Number.NaN]) {
      expect(() => forecast(eight, { coverages: [c] })).toThrow(expect.objectContaining({ code: "invalid_options", message: `coverages must lie in (0, 1), got ${c}` }));
    }
  });

  it("refuses an asOf that is malformed or after the last month, and counts history only up to asOf", () => {
    expect(() => forecast(eight, { asOf: "2024-13" })).toThrow(expect.objectContaining({ code: "invalid_options", message: 'asOf "2024-13" is not a month in YYYY-MM form' }));
    expect(() => forecast(eight, { asOf: "2024-09" })).toThrow(
      expect.objectContaining({ code: "invalid_options", message: "asOf 2024-09 is after the series' last month 2024-08" }),
    );
    expect(() => forecast(eight, { asOf: "2024-05" })).toThrow(expect.objectContaining({ code: "insufficient_history", needed: 6, available: 5 }));
    expect(() => forecast([], { asOf: "2024-05" })).toThrow(expect.objectContaining({ code: "insufficient_history", needed: 6, available: 0 }));
    expect(forecast(eight, { asOf: "2024-06", horizon: 1 }).as_of).toBe("2024-06");
  });

  it("names the month of a malformed, unordered, gapped or non-finite point", () => {
    const at = (month: string, value = 1) => [...series([1, 2, 3, 4, 5]), { month, value }];
    expect(() => forecast(at("2024-6"))).toThrow(expect.objectContaining({ code: "invalid_series", message: '"2024-6" is not a month in YYYY-MM form' }));
    expect(() => forecast(at("2024-05"))).toThrow(expect.objectContaining({ code: "invalid_series", message: 'months must be strictly ascending: "2024-05" at position 5' }));
    expect(() => forecast(at("2024-07"))).toThrow(expect.objectContaining({ code: "invalid_series", message: 'months must be consecutive: gap before "2024-07" at position 5' }));
    expect(() => forecast(at("2024-06", Number.POSITIVE_INFINITY))).toThrow(
      expect.objectContaining({ code: "invalid_series", message: 'value of "2024-06" is not a finite number' }),
    );
  });

  it("fails when no allowed candidate has enough history (seasonal naive needs 12 training months)", () => {
    expect(() => forecast(eight, { candidates: ["seasonal_naive"] })).toThrow(
      expect.objectContaining({ code: "invalid_options", message: "no candidate model is eligible for this series" }),
    );
  });
});

describe("forecast on degenerate series", () => {
  it("forecasts a constant series exactly: zero-width intervals, MASE 0, accuracy 1, no sMAPE of zeros", () => {
    const flat = forecast(series([5, 5, 5, 5, 5, 5, 5, 5]), { horizon: 2, now: new Date("2026-01-01T00:00:00Z") });
    expect(flat.points).toEqual([
      { month: "2024-09", predicted: 5, lower: 5, upper: 5 },
      { month: "2024-10", predicted: 5, lower: 5, upper: 5 },
    ]);
    expect(flat.model.holdout).toMatchObject({ mae: 0, rmse: 0, mase: 0, smape: 0, skill_vs_seasonal_naive: null });
    expect(flat.model_accuracy).toBe(1);
    expect(flat.model.trained_at).toBe("2026-01-01T00:00:00.000Z");
    const zeros = forecast(series([0, 0, 0, 0, 0, 0]), { horizon: 1 });
    expect(zeros.model.holdout.smape).toBeNull();
    expect(zeros.totals).toEqual({ predicted: 0, lower: 0, upper: 0 });
  });

  it("has no MASE (nor accuracy) when the series never changes but a candidate still errs", () => {
    // A model that always answers 1 on a flat series of 0: MAE 1 against a naive scale of 0.
    const wrong: ForecastModel = { type: "always_one", minTraining: 1, fit: () => (h) => Array.from({ length: h }, () => 1) };
    const result = forecast(series([0, 0, 0, 0, 0, 0]), { horizon: 1, candidates: ["always_one"], extraModels: [wrong] });
    expect(result.model.holdout).toMatchObject({ mae: 1, mase: null });
    expect(result.model_accuracy).toBeNull();
    expect(result.candidates).toEqual([{ type: "always_one", eligible: true, mae: 1, mase: null }]);
  });

  it("clips predictions and lower bounds at 0 with nonNegative, not the upper bounds", () => {
    const falling = series([60, 52, 41, 29, 22, 9]);
    const free = forecast(falling, { horizon: 3, candidates: ["drift"] });
    expect(free.points.map((p) => Math.round(p.predicted * 10) / 10)).toEqual([-1.2, -11.4, -21.6]);
    const clipped = forecast(falling, { horizon: 3, candidates: ["drift"], nonNegative: true });
    expect(clipped.points.map((p) => [p.predicted, p.lower])).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
    expect(clipped.totals.lower).toBe(0);
    // The upper bound is the clipped prediction plus the step's width, which the clip does not touch.
    expect(clipped.points.map((p) => p.upper)).toEqual(free.points.map((p) => p.upper - p.predicted));
  });

  it("scores the chosen model against seasonal naive once a year of training exists", () => {
    const seasonal = series(Array.from({ length: 30 }, (_, i) => 100 + 20 * Math.sin((2 * Math.PI * i) / 12) + i));
    const result = forecast(seasonal, { horizon: 3 });
    const naive = result.candidates.find((c) => c.type === "seasonal_naive")!;
    expect(naive.eligible).toBe(true);
    expect(result.model.holdout.skill_vs_seasonal_naive).toBeCloseTo(1 - result.model.holdout.mae / naive.mae!, 12);
  });
});

describe("months", () => {
  it("converts between YYYY-MM and month indexes across year ends", () => {
    expect(monthIndex("2024-01")).toBe(2024 * 12);
    expect(monthString(2024 * 12 + 11)).toBe("2024-12");
    expect(addMonths("2024-11", 3)).toBe("2025-02");
    expect(addMonths("2024-02", -2)).toBe("2023-12");
    expect(monthString(7)).toBe("0000-08");
    expect(() => addMonths("2024-00", 1)).toThrow(expect.objectContaining({ code: "invalid_series" }));
  });
});

describe("normal quantile tails", () => {
  it("is symmetric and accurate in both tails", () => {
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 5);
    expect(normalQuantile(0.99)).toBeCloseTo(2.326348, 5);
  });
});

describe("roiForecast", () => {
  const profit = forecast(series([20, 22, 21, 23, 22, 24, 23, 25]), { horizon: 2 });
  const cost = forecast(series([100, 101, 100, 102, 101, 103, 102, 104]), { horizon: 2 });

  it("refuses forecasts of other months or horizons, and a coverage either lacks", () => {
    const later = forecast(series([100, 101, 100, 102, 101, 103, 102, 104], "2024-02"), { horizon: 2 });
    const longer = forecast(series([100, 101, 100, 102, 101, 103, 102, 104]), { horizon: 3 });
    for (const other of [later, longer]) {
      expect(() => roiForecast(profit, other)).toThrow(expect.objectContaining({ code: "invalid_options", message: "profit and cost forecasts must cover the same months" }));
    }
    expect(() => roiForecast(profit, cost, { coverage: 0.5 })).toThrow(
      expect.objectContaining({ code: "invalid_options", message: "both forecasts need an interval at coverage 0.5" }),
    );
  });

  it("combines the named coverage, and has no bounds when the cost interval reaches 0", () => {
    const roi = roiForecast(profit, cost, { coverage: 0.95 });
    expect(roi.input_coverage).toBe(0.95);
    expect(roi.confidence).toBeCloseTo(0.9, 12);
    expect(roi.predicted).toBeCloseTo(profit.totals.predicted / cost.totals.predicted, 12);
    const free = forecast(series([0, 0, 0, 0, 0, 0, 0, 0]), { horizon: 2 });
    const noCost = roiForecast(profit, free);
    expect(noCost).toMatchObject({ predicted: null, lower: null, upper: null });
    expect(noCost.points.map((p) => p.predicted)).toEqual([null, null]);
  });
});
