import type { SeriesPoint } from "../forecasting/series.js";
import { monthString, monthIndex } from "../forecasting/month.js";

/** A seeded PRNG (mulberry32), uniform in [0, 1); same seed, same sequence. */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal draws from a uniform source (Box–Muller). */
export function normalFrom(uniform: () => number): () => number {
  return () => {
    const u = Math.max(uniform(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * uniform());
  };
}

/** The known components of a synthetic monthly series. */
export interface SyntheticSeriesSpec {
  readonly months: number;
  readonly start?: string;
  readonly level: number;
  /** Added per month. */
  readonly trend: number;
  /** Amplitude of a 12-month sine. */
  readonly seasonality: number;
  /** Standard deviation of Gaussian noise. */
  readonly noise: number;
}

/** A series `level + trend·t + seasonality·sin(2πt/12 + phase) + noise`, reproducible from `seed`. */
export function syntheticSeries(spec: SyntheticSeriesSpec, seed: number): SeriesPoint[] {
  const uniform = seededUniform(seed);
  const normal = normalFrom(uniform);
  const phase = uniform() * 2 * Math.PI;
  const first = monthIndex(spec.start ?? "2020-01");
  return Array.from({ length: spec.months }, (_, t) => ({
    month: monthString(first + t),
    value: spec.level + spec.trend * t + spec.seasonality * Math.sin((2 * Math.PI * t) / 12 + phase) + spec.noise * normal(),
  }));
}
