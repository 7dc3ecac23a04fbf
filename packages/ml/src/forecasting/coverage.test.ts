import { describe, expect, it } from "vitest";
import { seededRandom } from "@epca/core/testing";
import { forecast } from "@epca/ml";
import { syntheticSeries, type SyntheticSeriesSpec } from "@epca/ml/testing";

const HORIZON = 3;
const SERIES = 200;

interface Tally {
  points: number;
  in80: number;
  in95: number;
  absChosen: number;
  absSeasonalNaive: number;
}

/** Forecasts each series from `HORIZON` months before its end and scores the held-out months. */
function score(specs: SyntheticSeriesSpec[], seedBase: number): Tally {
  const tally: Tally = { points: 0, in80: 0, in95: 0, absChosen: 0, absSeasonalNaive: 0 };
  specs.forEach((spec, s) => {
    const series = syntheticSeries({ ...spec, months: spec.months + HORIZON }, seedBase + s);
    const asOf = series[spec.months - 1]!.month;
    const chosen = forecast(series, { horizon: HORIZON, asOf });
    const snaive = forecast(series, { horizon: HORIZON, asOf, candidates: ["seasonal_naive"] });
    chosen.points.forEach((p, i) => {
      const actual = series[spec.months + i]!.value;
      const p95 = chosen.intervals[1]!.points[i]!;
      tally.points += 1;
      if (actual >= p.lower && actual <= p.upper) tally.in80 += 1;
      if (actual >= p95.lower && actual <= p95.upper) tally.in95 += 1;
      tally.absChosen += Math.abs(actual - p.predicted);
      tally.absSeasonalNaive += Math.abs(actual - snaive.points[i]!.predicted);
    });
  });
  return tally;
}

const random = seededRandom(2026);
const months = () => 36 + Math.floor(random() * 37);
const structured: SyntheticSeriesSpec[] = Array.from({ length: SERIES }, () => ({
  months: months(),
  level: 100 + random() * 100,
  trend: (random() - 0.3) * 3,
  seasonality: 10 + random() * 30,
  noise: 3 + random() * 10,
}));
const noise: SyntheticSeriesSpec[] = Array.from({ length: SERIES }, () => ({
  months: months(),
  level: 50 + random() * 100,
  trend: 0,
  seasonality: 0,
  noise: 5 + random() * 10,
}));

describe("forecast on 200 synthetic series with known trend, seasonality and noise", () => {
  const withStructure = score(structured, 10_000);
  const pureNoise = score(noise, 20_000);

  it("80% intervals cover 72–88% and 95% intervals 90–98% of held-out months", () => {
    for (const tally of [withStructure, pureNoise]) {
      expect(tally.points).toBe(SERIES * HORIZON);
      expect(tally.in80 / tally.points).toBeGreaterThanOrEqual(0.72);
      expect(tally.in80 / tally.points).toBeLessThanOrEqual(0.88);
      expect(tally.in95 / tally.points).toBeGreaterThanOrEqual(0.9);
      expect(tally.in95 / tally.points).toBeLessThanOrEqual(0.98);
    }
    console.info(
      `coverage: structured 80% ${(withStructure.in80 / withStructure.points).toFixed(3)}, 95% ${(withStructure.in95 / withStructure.points).toFixed(3)}; ` +
        `noise 80% ${(pureNoise.in80 / pureNoise.points).toFixed(3)}, 95% ${(pureNoise.in95 / pureNoise.points).toFixed(3)}`,
    );
  });

  it("the chosen model beats seasonal naive on series with structure", () => {
    console.info(`MAE structured: chosen ${(withStructure.absChosen / withStructure.points).toFixed(3)}, seasonal naive ${(withStructure.absSeasonalNaive / withStructure.points).toFixed(3)}`);
    expect(withStructure.absChosen).toBeLessThan(withStructure.absSeasonalNaive);
  });

  it("loses to seasonal naive by no more than 5% on pure noise", () => {
    console.info(`MAE noise: chosen ${(pureNoise.absChosen / pureNoise.points).toFixed(3)}, seasonal naive ${(pureNoise.absSeasonalNaive / pureNoise.points).toFixed(3)}`);
    expect(pureNoise.absChosen).toBeLessThanOrEqual(pureNoise.absSeasonalNaive * 1.05);
  });
});
