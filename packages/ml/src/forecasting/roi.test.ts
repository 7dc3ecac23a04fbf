import { describe, expect, it } from "vitest";
import { forecast, roiForecast } from "@epca/ml";
import { syntheticSeries } from "@epca/ml/testing";

describe("roiForecast", () => {
  const cost = forecast(syntheticSeries({ months: 30, level: 1000, trend: 5, seasonality: 50, noise: 20 }, 1), { coverages: [0.8, 0.9] });
  const profit = forecast(syntheticSeries({ months: 30, level: 300, trend: 2, seasonality: 30, noise: 20 }, 2), { coverages: [0.8, 0.9] });

  it("divides the profit total by the cost total and bounds it by interval arithmetic", () => {
    const roi = roiForecast(profit, cost);
    expect(roi.predicted).toBeCloseTo(profit.totals.predicted / cost.totals.predicted, 12);
    expect(roi.lower).toBeCloseTo(profit.totals.lower / cost.totals.upper, 12);
    expect(roi.upper).toBeCloseTo(profit.totals.upper / cost.totals.lower, 12);
    expect(roi.confidence).toBeCloseTo(0.6, 12);
    expect(roiForecast(profit, cost, { coverage: 0.9 }).confidence).toBeCloseTo(0.8, 12);
    expect(roi.points.map((p) => p.month)).toEqual(cost.points.map((p) => p.month));
    roi.points.forEach((p, i) => {
      expect(p.predicted).toBeCloseTo(profit.points[i]!.predicted / cost.points[i]!.predicted, 12);
      expect(p.lower).toBeCloseTo(profit.points[i]!.lower / cost.points[i]!.upper, 12);
      expect(p.upper).toBeCloseTo(profit.points[i]!.upper / cost.points[i]!.lower, 12);
    });
  });

  it("has null bounds when the cost interval reaches zero, and a null ROI for a zero cost", () => {
    const zero = { ...cost, totals: { predicted: 0, lower: -5, upper: 5 }, intervals: cost.intervals.map((i) => ({ ...i, totals: { lower: -5, upper: 5 } })) };
    expect(roiForecast(profit, zero)).toMatchObject({ predicted: null, lower: null, upper: null });
  });

  it("refuses a coverage missing from either forecast", () => {
    expect(() => roiForecast(profit, cost, { coverage: 0.95 })).toThrow(expect.objectContaining({ code: "invalid_options" }));
  });
});
