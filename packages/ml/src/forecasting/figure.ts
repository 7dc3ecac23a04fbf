import type { Forecast, ForecastPoint } from "./forecast.js";

/** One figure of a prediction answer, as API contract section 7 shapes `predictions.<figure>`. */
export interface PredictionFigure {
  /** The figure's value over the latest period, as the caller measures it (e.g. the last `horizon` months); null when undefined. */
  readonly current: number | null;
  /** Totals over the horizon and their interval. */
  readonly predicted: number;
  readonly lower: number;
  readonly upper: number;
  /** Nominal coverage of `[lower, upper]`. */
  readonly confidence: number;
  readonly points: readonly ForecastPoint[];
}

/** The contract's `predictions.<figure>` from a forecast: its totals, headline interval and points. */
export function predictionFigure(forecast: Forecast, current: number | null): PredictionFigure {
  return {
    current,
    predicted: forecast.totals.predicted,
    lower: forecast.totals.lower,
    upper: forecast.totals.upper,
    confidence: forecast.confidence,
    points: forecast.points,
  };
}
