import { Matrix, solve } from "ml-matrix";

/** The candidate model families the backtest compares. */
export type ForecastModelType = "naive" | "seasonal_naive" | "mean" | "drift" | "ridge" | "ridge_ar";

/** A built-in model type, or the name of a model passed in `extraModels` (e.g. `augurs_mstl_ets`). */
export type ForecastModelName = ForecastModelType | (string & {});

/** A fitted model: point forecasts for steps 1..horizon after the last training month. */
export type FittedForecaster = (horizon: number) => number[];

/** A model family: fits on values (oldest first) whose first value is in month-of-year `firstMonthOfYear` (0–11). */
export interface ForecastModel {
  readonly type: ForecastModelName;
  /** Fewest training months the model needs. */
  readonly minTraining: number;
  fit(values: readonly number[], firstMonthOfYear: number): FittedForecaster;
}

/** Months of history from which ridge adds month-of-year seasonality. */
export const SEASONALITY_MIN_MONTHS = 24;
const RIDGE_LAMBDA = 1;

const last = (values: readonly number[]) => values[values.length - 1] ?? 0;

const naive: ForecastModel = {
  type: "naive",
  minTraining: 1,
  fit: (values) => {
    const value = last(values);
    return (horizon) => Array.from({ length: horizon }, () => value);
  },
};

const seasonalNaive: ForecastModel = {
  type: "seasonal_naive",
  minTraining: 12,
  fit: (values) => {
    const n = values.length;
    return (horizon) => Array.from({ length: horizon }, (_, i) => values[n - 12 + (i % 12)] ?? 0);
  },
};

const mean: ForecastModel = {
  type: "mean",
  minTraining: 1,
  fit: (values) => {
    const value = values.reduce((sum, v) => sum + v, 0) / values.length;
    return (horizon) => Array.from({ length: horizon }, () => value);
  },
};

const drift: ForecastModel = {
  type: "drift",
  minTraining: 2,
  fit: (values) => {
    const n = values.length;
    const slope = n > 1 ? (last(values) - (values[0] ?? 0)) / (n - 1) : 0;
    return (horizon) => Array.from({ length: horizon }, (_, i) => last(values) + slope * (i + 1));
  },
};

/**
 * Ridge regression on a linear trend, month-of-year dummies (from 24 training months) and, for
 * `ridge_ar`, the previous month's value (forecast recursively). Features are standardised and
 * the intercept is not penalised (the target is centred).
 */
function ridgeModel(type: "ridge" | "ridge_ar", withLag: boolean): ForecastModel {
  return {
    type,
    minTraining: withLag ? 6 : 4,
    fit: (values, firstMonthOfYear) => {
      const n = values.length;
      const seasonal = n >= SEASONALITY_MIN_MONTHS;
      const row = (t: number, lag: number): number[] => {
        const features = [t / 12];
        if (seasonal) {
          const moy = (firstMonthOfYear + t) % 12;
          for (let m = 1; m < 12; m += 1) features.push(moy === m ? 1 : 0);
        }
        if (withLag) features.push(lag);
        return features;
      };
      const start = withLag ? 1 : 0;
      const rows: number[][] = [];
      const targets: number[] = [];
      for (let t = start; t < n; t += 1) {
        rows.push(row(t, values[t - 1] ?? 0));
        targets.push(values[t] ?? 0);
      }
      const p = rows[0]?.length ?? 0;
      const m = rows.length;
      const means = new Array<number>(p).fill(0);
      const scales = new Array<number>(p).fill(1);
      for (let j = 0; j < p; j += 1) {
        let sum = 0;
        for (const r of rows) sum += r[j] ?? 0;
        means[j] = sum / m;
        let squares = 0;
        for (const r of rows) squares += ((r[j] ?? 0) - (means[j] ?? 0)) ** 2;
        const sd = Math.sqrt(squares / m);
        scales[j] = sd > 1e-12 ? sd : 1;
      }
      const yMean = targets.reduce((s, v) => s + v, 0) / m;
      const x = new Matrix(rows.map((r) => r.map((v, j) => (v - (means[j] ?? 0)) / (scales[j] ?? 1))));
      const y = Matrix.columnVector(targets.map((v) => v - yMean));
      const xt = x.transpose();
      const gram = xt.mmul(x);
      for (let j = 0; j < p; j += 1) gram.set(j, j, gram.get(j, j) + RIDGE_LAMBDA);
      const beta = solve(gram, xt.mmul(y)).to1DArray();
      const predictRow = (features: number[]) =>
        yMean + features.reduce((s, v, j) => s + ((v - (means[j] ?? 0)) / (scales[j] ?? 1)) * (beta[j] ?? 0), 0);
      return (horizon) => {
        const out: number[] = [];
        let lag = last(values);
        for (let h = 1; h <= horizon; h += 1) {
          const value = predictRow(row(n - 1 + h, lag));
          out.push(value);
          lag = value;
        }
        return out;
      };
    },
  };
}

/** Every candidate, in the order ties are broken (simpler first). */
export const CANDIDATE_MODELS: readonly ForecastModel[] = [
  naive,
  seasonalNaive,
  mean,
  drift,
  ridgeModel("ridge", false),
  ridgeModel("ridge_ar", true),
];
