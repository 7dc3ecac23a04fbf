import { InvalidOptionsError } from "../errors.js";
import type { Forecast } from "./forecast.js";

/** An ROI forecast for the horizon: `profit total / cost total`, null when the cost total is 0. */
export interface RoiForecast {
  /** `predicted profit / predicted cost` over the horizon. */
  readonly predicted: number | null;
  /** Bounds from the profit and cost intervals (interval arithmetic); null when the cost interval reaches 0. */
  readonly lower: number | null;
  readonly upper: number | null;
  /**
   * A lower bound on the joint coverage: both input intervals at `c` hold together with
   * probability at least `1 − 2(1 − c)` (Bonferroni), e.g. 0.6 for two 80% intervals.
   */
  readonly confidence: number;
  /** The coverage of the profit and cost intervals used. */
  readonly input_coverage: number;
  /** Per month: that month's profit / cost, bounded the same way. */
  readonly points: ReadonlyArray<{ readonly month: string; readonly predicted: number | null; readonly lower: number | null; readonly upper: number | null }>;
}

/** `profit / cost` and its interval-arithmetic bounds (null bounds when the cost interval reaches 0). */
function ratioBounds(profit: { predicted: number; lower: number; upper: number }, cost: { predicted: number; lower: number; upper: number }) {
  const predicted = cost.predicted === 0 ? null : profit.predicted / cost.predicted;
  if (!(cost.lower > 0)) return { predicted, lower: null, upper: null };
  const ratios = [profit.lower / cost.lower, profit.lower / cost.upper, profit.upper / cost.lower, profit.upper / cost.upper];
  return { predicted, lower: Math.min(...ratios), upper: Math.max(...ratios) };
}

/**
 * ROI of the horizon from the forecasts of profit and labour cost totals (ROI = profit / cost,
 * as in `@epca/core`). Pass `coverage` to pick which interval of both forecasts to combine
 * (default: their headline `confidence`); ask `forecast` for `(1 + c) / 2` to get a joint `c`.
 */
export function roiForecast(profit: Forecast, cost: Forecast, options: { coverage?: number } = {}): RoiForecast {
  if (profit.horizon !== cost.horizon || profit.points[0]?.month !== cost.points[0]?.month) {
    throw new InvalidOptionsError("profit and cost forecasts must cover the same months");
  }
  const coverage = options.coverage ?? profit.confidence;
  const profitInterval = profit.intervals.find((i) => i.coverage === coverage);
  const costInterval = cost.intervals.find((i) => i.coverage === coverage);
  if (!profitInterval || !costInterval) {
    throw new InvalidOptionsError(`both forecasts need an interval at coverage ${coverage}`);
  }
  const total = ratioBounds(
    { predicted: profit.totals.predicted, ...profitInterval.totals },
    { predicted: cost.totals.predicted, ...costInterval.totals },
  );
  const points = profit.points.map((p, i) =>
    Object.assign(
      { month: p.month },
      ratioBounds(
        { predicted: p.predicted, lower: profitInterval.points[i]!.lower, upper: profitInterval.points[i]!.upper },
        { predicted: cost.points[i]!.predicted, lower: costInterval.points[i]!.lower, upper: costInterval.points[i]!.upper },
      ),
    ),
  );
  return { ...total, confidence: Math.max(0, 1 - 2 * (1 - coverage)), input_coverage: coverage, points };
}
