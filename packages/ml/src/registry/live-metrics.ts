import type { JsonValue, PredictionRecord } from "../ports.js";

/** Live error of one numeric output figure. */
export interface LiveErrorFigure {
  /** Predictions with feedback that carry this figure as a number in both output and actual. */
  readonly count: number;
  readonly mae: number;
  readonly rmse: number;
  /** Mean of `predicted − actual`: positive when the model over-predicts. */
  readonly bias: number;
}

/** Live error per figure, keyed by the output's field name (`value` for plain-number outputs). */
export type LiveErrorMetrics = { readonly [figure: string]: LiveErrorFigure };

function numericFields(value: JsonValue): Map<string, number> {
  const fields = new Map<string, number>();
  if (typeof value === "number" && Number.isFinite(value)) fields.set("value", value);
  else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [key, v] of Object.entries(value)) if (typeof v === "number" && Number.isFinite(v)) fields.set(key, v);
  }
  return fields;
}

/**
 * Error figures from predictions that received feedback: for each numeric field present in both
 * the output and the actual (or the value itself when both are numbers), MAE, RMSE and bias.
 * Predictions without feedback are ignored.
 */
export function liveErrorMetrics(predictions: readonly PredictionRecord[]): LiveErrorMetrics {
  const sums = new Map<string, { count: number; abs: number; sq: number; signed: number }>();
  for (const prediction of predictions) {
    if (!prediction.feedback) continue;
    const predicted = numericFields(prediction.output);
    const actual = numericFields(prediction.feedback.actual);
    for (const [key, p] of predicted) {
      const a = actual.get(key);
      if (a === undefined) continue;
      const s = sums.get(key) ?? { count: 0, abs: 0, sq: 0, signed: 0 };
      s.count += 1;
      s.abs += Math.abs(p - a);
      s.sq += (p - a) ** 2;
      s.signed += p - a;
      sums.set(key, s);
    }
  }
  const out: { [figure: string]: LiveErrorFigure } = {};
  for (const [key, s] of sums) out[key] = { count: s.count, mae: s.abs / s.count, rmse: Math.sqrt(s.sq / s.count), bias: s.signed / s.count };
  return out;
}

/** Inputs of {@link shouldRetrain}. */
export interface RetrainCheck {
  /** When the model was deployed (ISO string or Date); null when never deployed. */
  readonly deployedAt: string | Date | null;
  /** `MODEL_RETRAIN_DAYS`: retrain a deployed model older than this. */
  readonly retrainDays: number;
  /** Live error (e.g. MAE from feedback) and the validation error of the same figure; null when unknown. */
  readonly liveError: number | null;
  readonly validationError: number | null;
  readonly now?: Date;
  /** Drift when `liveError > validationError × driftRatio`; default 1.25. */
  readonly driftRatio?: number;
  /** Feedback count behind `liveError`; drift is judged only from `minFeedback` (default 20). */
  readonly feedbackCount?: number;
  readonly minFeedback?: number;
}

/** The decision and the figures behind it. */
export interface RetrainDecision {
  readonly retrain: boolean;
  readonly reason: "stale" | "drift" | null;
  readonly age_days: number | null;
  /** `liveError / validationError`, null when either is unknown or validation error is 0. */
  readonly error_ratio: number | null;
}

const DAY_MS = 86_400_000;

/**
 * Retrain when the deployed model is older than `retrainDays`, or when its live error drifts past
 * `driftRatio` × its validation error on enough feedback.
 */
export function shouldRetrain(check: RetrainCheck): RetrainDecision {
  const now = check.now ?? new Date();
  const deployed = check.deployedAt === null ? null : new Date(check.deployedAt);
  const ageDays = deployed ? (now.getTime() - deployed.getTime()) / DAY_MS : null;
  const ratio =
    check.liveError !== null && check.validationError !== null && check.validationError > 0 ? check.liveError / check.validationError : null;
  const enoughFeedback = (check.feedbackCount ?? Infinity) >= (check.minFeedback ?? 20);
  if (ageDays !== null && ageDays > check.retrainDays) return { retrain: true, reason: "stale", age_days: ageDays, error_ratio: ratio };
  if (ratio !== null && enoughFeedback && ratio > (check.driftRatio ?? 1.25)) return { retrain: true, reason: "drift", age_days: ageDays, error_ratio: ratio };
  return { retrain: false, reason: null, age_days: ageDays, error_ratio: ratio };
}
