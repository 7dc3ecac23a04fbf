import { describe, expect, it } from "vitest";
import { forecast, InsufficientHistoryError, MIN_HISTORY_MONTHS, monthString, predictionFigure, type Forecast } from "@epca/ml";
import { normalFrom, seededUniform, syntheticSeries } from "@epca/ml/testing";

const seasonal = syntheticSeries({ months: 48, level: 200, trend: 1.5, seasonality: 30, noise: 4 }, 7);

describe("forecast", () => {
  it("names the chosen model, its backtest and a point per month of the horizon", () => {
    const result = forecast(seasonal, { horizon: 4, now: new Date("2026-01-01T00:00:00Z") });
    expect(result.as_of).toBe("2023-12");
    expect(result.points.map((p) => p.month)).toEqual(["2024-01", "2024-02", "2024-03", "2024-04"]);
    expect(result.model.samples).toBe(48);
    expect(result.model.trained_at).toBe("2026-01-01T00:00:00.000Z");
    expect(result.model.selection_metric).toBe("mae");
    expect(result.candidates[0]?.type).toBe(result.model.type);
    expect(result.candidates.every((c, i, all) => i === 0 || (c.mae ?? Infinity) >= (all[i - 1]?.mae ?? Infinity))).toBe(true);
    expect(["ridge", "ridge_ar", "seasonal_naive"]).toContain(result.model.type);
    expect(result.model.holdout.skill_vs_seasonal_naive).not.toBeNull();
    expect(result.confidence).toBe(0.8);
    expect(result.totals.predicted).toBeCloseTo(result.points.reduce((s, p) => s + p.predicted, 0), 9);
    for (const p of result.points) expect(p.lower).toBeLessThan(p.predicted);
    // The 95% interval contains the 80% one.
    const wide = result.intervals[1]!;
    result.points.forEach((p, i) => {
      expect(wide.points[i]!.lower).toBeLessThanOrEqual(p.lower);
      expect(wide.points[i]!.upper).toBeGreaterThanOrEqual(p.upper);
    });
  });

  it("widens the interval with the horizon step on random walks", () => {
    const steps = 6;
    const mean = new Array<number>(steps).fill(0);
    for (let seed = 0; seed < 20; seed += 1) {
      const normal = normalFrom(seededUniform(seed));
      let level = 100;
      const walk = Array.from({ length: 48 }, (_, t) => ({ month: monthString(2020 * 12 + t), value: (level += 5 * normal()) }));
      const result = forecast(walk, { horizon: steps });
      const widths = result.points.map((p) => p.upper - p.lower);
      widths.forEach((w, i) => {
        if (i > 0) expect(w).toBeGreaterThanOrEqual(widths[i - 1]!);
        mean[i] = (mean[i] ?? 0) + w / 20;
      });
    }
    expect(mean[5]).toBeGreaterThan(1.5 * mean[0]!);
  });

  it("measures model_accuracy as 1 − MASE clipped to [0, 1], so it differs between series", () => {
    const a = forecast(seasonal);
    const noisy = forecast(syntheticSeries({ months: 48, level: 200, trend: 0, seasonality: 5, noise: 40 }, 9));
    for (const r of [a, noisy]) {
      expect(r.model_accuracy).toBeCloseTo(Math.min(1, Math.max(0, 1 - (r.model.holdout.mase ?? NaN))), 12);
    }
    expect(a.model_accuracy).not.toBe(noisy.model_accuracy);
  });

  it("throws InsufficientHistoryError below six months, and forecasts from six with wider intervals", () => {
    const six = seasonal.slice(0, MIN_HISTORY_MONTHS);
    const error = (() => {
      try {
        forecast(seasonal.slice(0, 5));
      } catch (caught) {
        return caught;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(InsufficientHistoryError);
    expect(error).toMatchObject({ code: "insufficient_history", needed: 6, available: 5 });
    const short = forecast(six, { horizon: 3 });
    const width = (r: Forecast) => r.points.reduce((sum, p) => sum + p.upper - p.lower, 0);
    expect(short.model.backtest_origins).toBe(3);
    // On the same kind of process, six months give wider intervals than three years.
    let fewer = 0;
    let more = 0;
    for (let seed = 0; seed < 30; seed += 1) {
      const flat = syntheticSeries({ months: 36, level: 100, trend: 0, seasonality: 0, noise: 10 }, seed);
      fewer += width(forecast(flat.slice(0, MIN_HISTORY_MONTHS), { horizon: 3 }));
      more += width(forecast(flat, { horizon: 3 }));
    }
    expect(short.points).toHaveLength(3);
    expect(fewer).toBeGreaterThan(1.2 * more);
  });

  it("uses only months up to asOf: a spike after the origin never influences the forecast, nor is it read", () => {
    const asOf = "2022-06";
    const cut = seasonal.findIndex((p) => p.month === asOf);
    const reads: string[] = [];
    const planted = seasonal.map((p, i) =>
      i <= cut
        ? p
        : {
            month: p.month,
            get value() {
              reads.push(p.month);
              return 1e9;
            },
          },
    );
    const base = forecast(seasonal.slice(0, cut + 1), { horizon: 3, now: new Date(0) });
    const withSpike = forecast(planted, { horizon: 3, asOf, now: new Date(0) });
    expect(reads).toEqual([]);
    expect(withSpike).toEqual(base);
    expect(withSpike.points[0]?.month).toBe("2022-07");
    // The boundary is exact: a spike in the asOf month itself does move the forecast.
    const atOrigin = seasonal.map((p, i) => (i === cut ? { month: p.month, value: p.value + 1e6 } : p));
    expect(forecast(atOrigin, { horizon: 3, asOf, now: new Date(0) }).points).not.toEqual(base.points);
  });

  it("rejects bad input with stable codes", () => {
    expect(() => forecast(seasonal, { horizon: 13 })).toThrow(expect.objectContaining({ code: "invalid_options" }));
    expect(() => forecast(seasonal, { horizon: 0 })).toThrow(expect.objectContaining({ code: "invalid_options" }));
    expect(() => forecast(seasonal, { coverages: [1.2] })).toThrow(expect.objectContaining({ code: "invalid_options" }));
    expect(() => forecast(seasonal, { asOf: "2030-01" })).toThrow(expect.objectContaining({ code: "invalid_options" }));
    expect(() => forecast(seasonal, { asOf: "2019-12" })).toThrow(expect.objectContaining({ code: "insufficient_history", available: 0 }));
    const gap = [...seasonal.slice(0, 10), ...seasonal.slice(11, 20)];
    expect(() => forecast(gap)).toThrow(expect.objectContaining({ code: "invalid_series" }));
    const nan = seasonal.map((p, i) => (i === 3 ? { month: p.month, value: Number.NaN } : p));
    expect(() => forecast(nan)).toThrow(expect.objectContaining({ code: "invalid_series" }));
  });

  it("clips at zero for non-negative figures", () => {
    const low = syntheticSeries({ months: 24, level: 5, trend: 0, seasonality: 0, noise: 5 }, 11);
    const hours = low.map((p) => ({ month: p.month, value: Math.max(0, p.value) }));
    const result = forecast(hours, { nonNegative: true });
    for (const p of result.points) expect(p.lower).toBeGreaterThanOrEqual(0);
    expect(result.totals.lower).toBeGreaterThanOrEqual(0);
  });
});

describe("forecast with extra models", () => {
  it("lets an extra candidate compete on the same backtest and win when it is better", () => {
    // A quadratic: the extra model fits it exactly, the built-in ones cannot.
    const series = Array.from({ length: 30 }, (_, t) => ({ month: monthString(2021 * 12 + t), value: 50 + 0.5 * t * t }));
    const quadratic = {
      type: "quadratic",
      minTraining: 3,
      fit: (values: readonly number[]) => (horizon: number) =>
        Array.from({ length: horizon }, (_, i) => 50 + 0.5 * (values.length + i) ** 2),
    };
    const result = forecast(series, { extraModels: [quadratic] });
    expect(result.model.type).toBe("quadratic");
    expect(result.model.holdout.mae).toBeLessThan(1e-9);
    expect(result.candidates.map((c) => c.type)).toContain("ridge");
  });
});

describe("predictionFigure", () => {
  it("shapes a forecast as the contract's predictions.<figure>", () => {
    const result = forecast(seasonal, { horizon: 2 });
    expect(predictionFigure(result, 123)).toEqual({
      current: 123,
      predicted: result.totals.predicted,
      lower: result.totals.lower,
      upper: result.totals.upper,
      confidence: 0.8,
      points: result.points,
    });
  });
});
