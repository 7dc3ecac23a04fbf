import { InsufficientHistoryError, InvalidOptionsError } from "../errors.js";
import { CANDIDATE_MODELS, SEASONALITY_MIN_MONTHS, type ForecastModel, type ForecastModelName } from "./models.js";
import { monthIndex, monthString, parseAsOf } from "./month.js";
import { studentTQuantile } from "./quantiles.js";
import { toMonthlyValues, type SeriesPoint } from "./series.js";

/** Fewest months of history a forecast needs (the contract: six months are enough). */
export const MIN_HISTORY_MONTHS = 6;
/** Version of the forecasting method; bump when models, backtest or calibration change. */
export const FORECAST_MODEL_VERSION = "1.0.0";
/** Most backtest origins used (the latest ones), which bounds the cost on long series. */
export const MAX_BACKTEST_ORIGINS = 24;
/** The error that picks the model: mean absolute error over every backtest origin and step. */
export const SELECTION_METRIC = "mae" as const;

/** Options of {@link forecast}. */
export interface ForecastOptions {
  /** Months ahead, 1–12; default 3. */
  readonly horizon?: number;
  /**
   * `YYYY-MM`: forecast from the end of that month, using only the points with `month <= asOf`;
   * the first forecast month is the one after. Default: the series' last month.
   */
  readonly asOf?: string;
  /** Nominal coverages of the prediction intervals, each in (0, 1); the first is the headline one. Default `[0.8, 0.95]`. */
  readonly coverages?: readonly number[];
  /** Clip predictions and lower bounds at 0 (hours, costs). Default false. */
  readonly nonNegative?: boolean;
  /** Restrict the candidates by type (e.g. to compare one model); default all. */
  readonly candidates?: readonly ForecastModelName[];
  /** More candidate models (e.g. from `@epca/ml/augurs`); they compete on the same backtest. */
  readonly extraModels?: readonly ForecastModel[];
  /** Time stamped as `trained_at`; default now. */
  readonly now?: Date;
}

/** Out-of-sample error figures of a model on the rolling-origin backtest. */
export interface HoldoutMetrics {
  /** Mean absolute error. */
  readonly mae: number;
  /** Root mean squared error. */
  readonly rmse: number;
  /** MAE divided by the in-sample MAE of the one-step naive forecast; null when that is 0 and the MAE is not. */
  readonly mase: number | null;
  /** Symmetric MAPE in percent (0–200), over errors whose actual and forecast are not both 0; null if none. */
  readonly smape: number | null;
  /** `1 − MAE / MAE(seasonal naive)` on the same origins; null when seasonal naive is not eligible (< 12 training months). */
  readonly skill_vs_seasonal_naive: number | null;
  /** Backtest errors the figures average. */
  readonly errors: number;
}

/** One candidate's backtest result. */
export interface CandidateResult {
  readonly type: ForecastModelName;
  /** False when the series is too short for the model at the first backtest origin. */
  readonly eligible: boolean;
  /** Backtest MAE (the selection metric); null when not eligible. */
  readonly mae: number | null;
  readonly mase: number | null;
}

/** One forecast month. */
export interface ForecastPoint {
  readonly month: string;
  readonly predicted: number;
  readonly lower: number;
  readonly upper: number;
}

/** The interval at one nominal coverage. */
export interface ForecastInterval {
  readonly coverage: number;
  readonly points: ReadonlyArray<{ readonly month: string; readonly lower: number; readonly upper: number }>;
  readonly totals: { readonly lower: number; readonly upper: number };
}

/** The answer of {@link forecast}. */
export interface Forecast {
  readonly model: {
    readonly type: ForecastModelName;
    readonly version: string;
    readonly trained_at: string;
    /** Months of history the model was fitted on. */
    readonly samples: number;
    /** Rolling origins of the backtest. */
    readonly backtest_origins: number;
    readonly selection_metric: typeof SELECTION_METRIC;
    readonly holdout: HoldoutMetrics;
    /** Backtest residuals available at each horizon step; a step below the conformal minimum uses the pooled rule. */
    readonly residuals_per_step: readonly number[];
  };
  /** Last month of the history used (the origin is the end of this month). */
  readonly as_of: string;
  readonly horizon: number;
  /** One point per month of the horizon, with the interval at `confidence`. */
  readonly points: readonly ForecastPoint[];
  /** Sum over the horizon, with its own calibrated interval at `confidence`. */
  readonly totals: { readonly predicted: number; readonly lower: number; readonly upper: number };
  /** Nominal coverage of `points[].lower..upper` and `totals.lower..upper`. */
  readonly confidence: number;
  /** Every requested coverage. */
  readonly intervals: readonly ForecastInterval[];
  /** `1 − MASE` clipped to [0, 1] on the backtest (see docs/forecasting.md); null when MASE is null. */
  readonly model_accuracy: number | null;
  /** Every candidate, best first. */
  readonly candidates: readonly CandidateResult[];
}

interface Backtest {
  readonly origins: number[];
  /** errors[h-1] = actual − forecast at step h, one per origin that reaches it. */
  readonly errors: number[][];
  readonly actuals: number[][];
  readonly predictions: number[][];
  /** Error of the horizon total, for origins that reach the whole horizon. */
  readonly totalErrors: number[];
}

function backtest(model: ForecastModel, values: readonly number[], firstMoy: number, origins: number[], horizon: number): Backtest {
  const errors: number[][] = Array.from({ length: horizon }, () => []);
  const actuals: number[][] = Array.from({ length: horizon }, () => []);
  const predictions: number[][] = Array.from({ length: horizon }, () => []);
  const totalErrors: number[] = [];
  for (const k of origins) {
    const steps = Math.min(horizon, values.length - k);
    const predicted = model.fit(values.slice(0, k), firstMoy)(steps);
    let sumError = 0;
    for (let h = 1; h <= steps; h += 1) {
      const actual = values[k + h - 1] ?? 0;
      const value = predicted[h - 1] ?? 0;
      errors[h - 1]?.push(actual - value);
      actuals[h - 1]?.push(actual);
      predictions[h - 1]?.push(value);
      sumError += actual - value;
    }
    if (steps === horizon) totalErrors.push(sumError);
  }
  return { origins, errors, actuals, predictions, totalErrors };
}

const meanAbs = (xs: readonly number[]) => xs.reduce((s, v) => s + Math.abs(v), 0) / xs.length;

/** The split-conformal quantile of absolute residuals, or null when they are too few for `coverage`. */
export function conformalQuantile(residuals: readonly number[], coverage: number): number | null {
  const m = residuals.length;
  const rank = Math.ceil((m + 1) * coverage);
  if (m === 0 || rank > m) return null;
  const sorted = residuals.map(Math.abs).sort((a, b) => a - b);
  return sorted[rank - 1] ?? null;
}

/** Pooled widening factor applied to the largest residual when even the pool is too small. */
export const SMALL_SAMPLE_INFLATION = 1.5;
/** Below this many residuals at a step, the half-width is also at least the Student-t bound. */
export const SMALL_SAMPLE_RESIDUALS = 12;

/**
 * Half-widths per step. Step h uses the conformal quantile of its own residuals when there are
 * enough; otherwise the residuals of steps 1..h pooled, each scaled by sqrt(h / j); when the pool
 * is still too small, 1.5 × its largest value. With fewer than 12 residuals at step h, the width
 * is also at least the Student-t bound `t((1 + c) / 2, m − 1) · rms(pool) · sqrt(1 + 1/m)`.
 * Widths never shrink with h.
 */
function halfWidths(errors: readonly number[][], coverage: number): number[] {
  const widths: number[] = [];
  let previous = 0;
  for (let h = 1; h <= errors.length; h += 1) {
    const own = errors[h - 1] ?? [];
    const pool: number[] = [];
    for (let j = 1; j <= h; j += 1) for (const e of errors[j - 1] ?? []) pool.push(Math.abs(e) * Math.sqrt(h / j));
    let q = conformalQuantile(own, coverage);
    if (q === null) {
      q = conformalQuantile(pool, coverage) ?? Math.max(0, ...pool) * SMALL_SAMPLE_INFLATION;
      if (own.length > 0) q = Math.max(q, ...own.map(Math.abs));
    }
    if (own.length < SMALL_SAMPLE_RESIDUALS && pool.length > 0) {
      const m = pool.length;
      const rms = Math.sqrt(pool.reduce((s, e) => s + e * e, 0) / m);
      q = Math.max(q, studentTQuantile((1 + coverage) / 2, Math.max(1, m - 1)) * rms * Math.sqrt(1 + 1 / m));
    }
    previous = Math.max(previous, q);
    widths.push(previous);
  }
  return widths;
}

function checkOptions(options: ForecastOptions): { horizon: number; coverages: number[] } {
  const horizon = options.horizon ?? 3;
  if (!Number.isInteger(horizon) || horizon < 1 || horizon > 12) {
    throw new InvalidOptionsError(`horizon must be an integer from 1 to 12, got ${horizon}`);
  }
  const coverages = [...(options.coverages ?? [0.8, 0.95])];
  if (coverages.length === 0) throw new InvalidOptionsError("coverages must not be empty");
  for (const c of coverages) {
    if (!(c > 0 && c < 1)) throw new InvalidOptionsError(`coverages must lie in (0, 1), got ${c}`);
  }
  return { horizon, coverages };
}

/**
 * Forecasts a monthly series: compares the candidate models by rolling-origin backtest, picks the
 * one with the lowest backtest MAE, and calibrates split-conformal intervals per horizon step from
 * its out-of-sample errors. Throws `InsufficientHistoryError` below six months of history.
 *
 * @example
 * const result = forecast(points, { horizon: 3, asOf: "2025-06" });
 * result.points; // [{ month: "2025-07", predicted, lower, upper }, …]
 */
export function forecast(series: readonly SeriesPoint[], options: ForecastOptions = {}): Forecast {
  const { horizon, coverages } = checkOptions(options);
  // Cut the history by month before reading any value: nothing at or after the origin is read.
  let history: readonly SeriesPoint[] = series;
  if (options.asOf !== undefined) {
    const asOf = parseAsOf(options.asOf);
    const lastMonth = series.length > 0 ? monthIndex(series[series.length - 1]!.month) : null;
    if (lastMonth !== null && asOf > lastMonth) {
      throw new InvalidOptionsError(`asOf ${options.asOf} is after the series' last month ${monthString(lastMonth)}`);
    }
    history = series.filter((point) => monthIndex(point.month) <= asOf);
  }
  if (history.length < MIN_HISTORY_MONTHS) throw new InsufficientHistoryError(MIN_HISTORY_MONTHS, history.length);
  const { firstMonth, values } = toMonthlyValues(history);
  const n = values.length;
  const firstMoy = firstMonth % 12;

  // Half the history trains the first backtest fit (at least 3 months, at most 24 so that on long
  // series every fit already has seasonality); at most the latest MAX_BACKTEST_ORIGINS origins.
  const firstOrigin = Math.max(Math.min(Math.max(3, Math.ceil(n / 2)), SEASONALITY_MIN_MONTHS), n - MAX_BACKTEST_ORIGINS);
  const origins: number[] = [];
  for (let k = firstOrigin; k < n; k += 1) origins.push(k);

  let scaleSum = 0;
  for (let t = 1; t < n; t += 1) scaleSum += Math.abs((values[t] ?? 0) - (values[t - 1] ?? 0));
  const scale = scaleSum / (n - 1);
  const mase = (mae: number) => (scale > 0 ? mae / scale : mae === 0 ? 0 : null);

  const allowed = options.candidates ? new Set(options.candidates) : null;
  const results: Array<{ model: ForecastModel; run: Backtest | null; mae: number | null }> = [...CANDIDATE_MODELS, ...(options.extraModels ?? [])].filter(
    (model) => !allowed || allowed.has(model.type),
  ).map((model) => {
    if (model.minTraining > firstOrigin) return { model, run: null, mae: null };
    const run = backtest(model, values, firstMoy, origins, horizon);
    return { model, run, mae: meanAbs(run.errors.flat()) };
  });
  const eligible = results.filter((r): r is { model: ForecastModel; run: Backtest; mae: number } => r.run !== null && r.mae !== null);
  if (eligible.length === 0) throw new InvalidOptionsError("no candidate model is eligible for this series");
  const best = eligible.reduce((a, b) => (b.mae < a.mae ? b : a), eligible[0]!);
  const seasonal = eligible.find((r) => r.model.type === "seasonal_naive");

  const flatErrors = best.run.errors.flat();
  const flatActuals = best.run.actuals.flat();
  const flatPredictions = best.run.predictions.flat();
  let smapeSum = 0;
  let smapeCount = 0;
  flatErrors.forEach((_, i) => {
    const a = flatActuals[i] ?? 0;
    const f = flatPredictions[i] ?? 0;
    const denominator = Math.abs(a) + Math.abs(f);
    if (denominator > 0) {
      smapeSum += (200 * Math.abs(a - f)) / denominator;
      smapeCount += 1;
    }
  });
  const holdout: HoldoutMetrics = {
    mae: best.mae,
    rmse: Math.sqrt(flatErrors.reduce((s, e) => s + e * e, 0) / flatErrors.length),
    mase: mase(best.mae),
    smape: smapeCount > 0 ? smapeSum / smapeCount : null,
    skill_vs_seasonal_naive: seasonal && seasonal.mae > 0 ? 1 - best.mae / seasonal.mae : null,
    errors: flatErrors.length,
  };

  const clip = (v: number) => (options.nonNegative ? Math.max(0, v) : v);
  const predicted = best.model.fit(values, firstMoy)(horizon).map(clip);
  const months = predicted.map((_, i) => monthString(firstMonth + n + i));
  const total = predicted.reduce((s, v) => s + v, 0);
  const intervals: ForecastInterval[] = coverages.map((coverage) => {
    const widths = halfWidths(best.run.errors, coverage);
    const totalWidth = conformalQuantile(best.run.totalErrors, coverage) ?? widths.reduce((s, w) => s + w, 0);
    return {
      coverage,
      points: predicted.map((value, i) => ({
        month: months[i]!,
        lower: clip(value - (widths[i] ?? 0)),
        upper: value + (widths[i] ?? 0),
      })),
      totals: { lower: clip(total - totalWidth), upper: total + totalWidth },
    };
  });
  const headline = intervals[0]!;
  const accuracy = holdout.mase === null ? null : Math.min(1, Math.max(0, 1 - holdout.mase));

  return {
    model: {
      type: best.model.type,
      version: FORECAST_MODEL_VERSION,
      trained_at: (options.now ?? new Date()).toISOString(),
      samples: n,
      backtest_origins: origins.length,
      selection_metric: SELECTION_METRIC,
      holdout,
      residuals_per_step: best.run.errors.map((e) => e.length),
    },
    as_of: monthString(firstMonth + n - 1),
    horizon,
    points: predicted.map((value, i) => ({
      month: months[i]!,
      predicted: value,
      lower: headline.points[i]!.lower,
      upper: headline.points[i]!.upper,
    })),
    totals: { predicted: total, lower: headline.totals.lower, upper: headline.totals.upper },
    confidence: headline.coverage,
    intervals,
    model_accuracy: accuracy,
    candidates: results
      .map((r) => ({ type: r.model.type, eligible: r.run !== null, mae: r.mae, mase: r.mae === null ? null : mase(r.mae) }))
      .sort((a, b) => (a.mae ?? Infinity) - (b.mae ?? Infinity)),
  };
}
