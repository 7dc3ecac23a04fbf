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
  const predicted = cost.totals.predicted === 0 ? null : profit.totals.predicted / cost.totals.predicted;
  const { lower: pLow, upper: pHigh } = profitInterval.totals;
  const { lower: cLow, upper: cHigh } = costInterval.totals;
  let lower: number | null = null;
  let upper: number | null = null;
  if (cLow > 0) {
    const ratios = [pLow / cLow, pLow / cHigh, pHigh / cLow, pHigh / cHigh];
    lower = Math.min(...ratios);
    upper = Math.max(...ratios);
  }
  return { predicted, lower, upper, confidence: Math.max(0, 1 - 2 * (1 - coverage)), input_coverage: coverage };
}
