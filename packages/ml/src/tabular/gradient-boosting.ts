import { InvalidOptionsError } from "../errors.js";

/** Loss the boosting minimises: squared error (mean leaves) or absolute error (median leaves, LAD-TreeBoost). */
export type BoostingLoss = "squared" | "absolute";

/** Hyperparameters of {@link trainGradientBoosting}. */
export interface GradientBoostingOptions {
  /** Boosting rounds; default 400. */
  readonly trees?: number;
  /** Shrinkage of each tree; default 0.05. */
  readonly learningRate?: number;
  /** Depth of each tree; default 5. */
  readonly maxDepth?: number;
  /** Fewest rows in a leaf; default 8. */
  readonly minSamplesLeaf?: number;
  /** Share of rows each tree sees (stochastic boosting); default 0.8. */
  readonly subsample?: number;
  /** Share of features each tree may split on; default 1. */
  readonly colsample?: number;
  /** Most thresholds per feature (quantile bins); default 64. */
  readonly bins?: number;
  /** L2 penalty on leaf sums (squared loss); default 1. */
  readonly l2?: number;
  /** Default `squared`. */
  readonly loss?: BoostingLoss;
  /** Seed of row and feature sampling; default 1. */
  readonly seed?: number;
}

/** One node of a tree, as stored: a split or a leaf. */
export type TreeNode =
  | { readonly leaf: number }
  | { readonly feature: number; readonly threshold: number; readonly left: TreeNode; readonly right: TreeNode };

/** A trained ensemble; JSON-serialisable as is. */
export interface GradientBoostingModel {
  readonly format: "epca-gradient-boosting";
  readonly version: 1;
  readonly features: number;
  readonly base: number;
  readonly learningRate: number;
  readonly trees: readonly TreeNode[];
}

function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const median = (values: number[]): number => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** Candidate thresholds of one feature: midpoints of distinct values, thinned to `bins` quantiles. */
function thresholdsOf(column: Float64Array, bins: number): number[] {
  const distinct = [...new Set(column)].sort((a, b) => a - b);
  const mids: number[] = [];
  for (let i = 1; i < distinct.length; i += 1) mids.push((distinct[i - 1]! + distinct[i]!) / 2);
  if (mids.length <= bins) return mids;
  const picked: number[] = [];
  for (let b = 1; b <= bins; b += 1) {
    const t = mids[Math.floor((b * mids.length) / (bins + 1))]!;
    if (picked[picked.length - 1] !== t) picked.push(t);
  }
  return picked;
}

/**
 * Trains gradient-boosted regression trees (histogram splits). Rows of `x` are examples; every
 * value must be finite (impute missing values first).
 *
 * @example
 * const model = trainGradientBoosting(rows, targets, { loss: "absolute", trees: 400 });
 * predictGradientBoosting(model, rows);
 */
export function trainGradientBoosting(x: readonly (readonly number[])[], y: readonly number[], options: GradientBoostingOptions = {}): GradientBoostingModel {
  const n = x.length;
  if (n === 0 || n !== y.length) throw new InvalidOptionsError("x and y must be non-empty and of the same length");
  const p = x[0]!.length;
  const trees = options.trees ?? 400;
  const learningRate = options.learningRate ?? 0.05;
  const maxDepth = options.maxDepth ?? 5;
  const minLeaf = options.minSamplesLeaf ?? 8;
  const subsample = options.subsample ?? 0.8;
  const colsample = options.colsample ?? 1;
  const l2 = options.l2 ?? 1;
  const loss = options.loss ?? "squared";
  const random = rng(options.seed ?? 1);

  const columns = Array.from({ length: p }, (_, j) => Float64Array.from(x, (row) => row[j] ?? 0));
  for (const column of columns) for (const v of column) if (!Number.isFinite(v)) throw new InvalidOptionsError("x must hold finite numbers only");
  const thresholds = columns.map((c) => thresholdsOf(c, options.bins ?? 64));
  // bin b of a value: number of thresholds below it, so that "value <= thresholds[b]" goes left.
  const binned = columns.map((column, j) => {
    const ts = thresholds[j]!;
    return Uint16Array.from(column, (v) => {
      let lo = 0;
      let hi = ts.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (ts[mid]! < v) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    });
  });

  const base = loss === "absolute" ? median([...y]) : y.reduce((s, v) => s + v, 0) / n;
  const current = new Float64Array(n).fill(base);
  const gradient = new Float64Array(n);
  const out: TreeNode[] = [];

  const build = (rows: number[], depth: number, features: number[]): TreeNode => {
    let sum = 0;
    for (const i of rows) sum += gradient[i]!;
    const leafValue = () => {
      if (loss === "absolute") return learningRate * median(rows.map((i) => y[i]! - current[i]!));
      return (learningRate * sum) / (rows.length + l2);
    };
    if (depth >= maxDepth || rows.length < 2 * minLeaf) return { leaf: leafValue() };
    const parentScore = (sum * sum) / (rows.length + l2);
    let best = { gain: 1e-12, feature: -1, bin: -1 };
    for (const j of features) {
      const bins = thresholds[j]!.length + 1;
      if (bins < 2) continue;
      const sums = new Float64Array(bins);
      const counts = new Uint32Array(bins);
      const column = binned[j]!;
      for (const i of rows) {
        const b = column[i]!;
        sums[b]! += gradient[i]!;
        counts[b]! += 1;
      }
      let leftSum = 0;
      let leftCount = 0;
      for (let b = 0; b < bins - 1; b += 1) {
        leftSum += sums[b]!;
        leftCount += counts[b]!;
        const rightCount = rows.length - leftCount;
        if (leftCount < minLeaf) continue;
        if (rightCount < minLeaf) break;
        const rightSum = sum - leftSum;
        const gain = (leftSum * leftSum) / (leftCount + l2) + (rightSum * rightSum) / (rightCount + l2) - parentScore;
        if (gain > best.gain) best = { gain, feature: j, bin: b };
      }
    }
    if (best.feature < 0) return { leaf: leafValue() };
    const column = binned[best.feature]!;
    const left: number[] = [];
    const right: number[] = [];
    for (const i of rows) (column[i]! <= best.bin ? left : right).push(i);
    return {
      feature: best.feature,
      threshold: thresholds[best.feature]![best.bin]!,
      left: build(left, depth + 1, features),
      right: build(right, depth + 1, features),
    };
  };

  const all = Array.from({ length: n }, (_, i) => i);
  for (let t = 0; t < trees; t += 1) {
    for (let i = 0; i < n; i += 1) {
      const r = y[i]! - current[i]!;
      gradient[i] = loss === "absolute" ? Math.sign(r) : r;
    }
    const rows = subsample < 1 ? all.filter(() => random() < subsample) : all;
    const features = colsample < 1 ? columns.map((_, j) => j).filter(() => random() < colsample) : columns.map((_, j) => j);
    const tree = build(rows, 0, features.length > 0 ? features : [0]);
    out.push(tree);
    for (let i = 0; i < n; i += 1) current[i]! += evaluate(tree, x[i]!);
  }
  return { format: "epca-gradient-boosting", version: 1, features: p, base, learningRate, trees: out };
}

function evaluate(node: TreeNode, row: readonly number[]): number {
  let at = node;
  while (!("leaf" in at)) at = (row[at.feature] ?? 0) <= at.threshold ? at.left : at.right;
  return at.leaf;
}

/** Predictions of a trained ensemble for each row. */
export function predictGradientBoosting(model: GradientBoostingModel, x: readonly (readonly number[])[]): number[] {
  return x.map((row) => model.trees.reduce((s, tree) => s + evaluate(tree, row), model.base));
}
