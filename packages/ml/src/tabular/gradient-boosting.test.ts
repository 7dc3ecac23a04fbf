import { describe, expect, it } from "vitest";
import { kFoldIndices, meanAbsoluteError, predictGradientBoosting, rSquared, trainGradientBoosting } from "@epca/ml/tabular";
import { normalFrom, seededUniform } from "@epca/ml/testing";

const uniform = seededUniform(5);
const normal = normalFrom(uniform);
// A step, an interaction and noise: what trees are for, and what a line cannot fit.
const x = Array.from({ length: 600 }, () => [uniform(), uniform(), uniform()]);
const y = x.map(([a, b, c]) => (a! > 0.5 ? 1 : 0) + a! * b! * 2 + 0 * c! + 0.1 * normal());

describe("gradient boosting", () => {
  it("fits held-out rows far better than the mean, with both losses", () => {
    const [test, ...rest] = kFoldIndices(x.length, 5, 1);
    const train = rest.flat();
    const actual = test!.map((i) => y[i]!);
    const mean = train.reduce((s, i) => s + y[i]!, 0) / train.length;
    for (const loss of ["squared", "absolute"] as const) {
      const model = trainGradientBoosting(train.map((i) => x[i]!), train.map((i) => y[i]!), { loss, trees: 150 });
      const predicted = predictGradientBoosting(model, test!.map((i) => x[i]!));
      expect(meanAbsoluteError(actual, predicted)).toBeLessThan(0.35 * meanAbsoluteError(actual, actual.map(() => mean)));
      expect(rSquared(actual, predicted)).toBeGreaterThan(0.85);
      // The model is plain JSON.
      expect(predictGradientBoosting(JSON.parse(JSON.stringify(model)), test!.map((i) => x[i]!))).toEqual(predicted);
    }
  });

  it("splits rows into disjoint folds covering every row", () => {
    const folds = kFoldIndices(103, 10, 3);
    expect(folds.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 103 }, (_, i) => i));
    expect(Math.max(...folds.map((f) => f.length)) - Math.min(...folds.map((f) => f.length))).toBeLessThanOrEqual(1);
  });

  it("rejects non-finite features with a stable code", () => {
    expect(() => trainGradientBoosting([[Number.NaN]], [1])).toThrow(expect.objectContaining({ code: "invalid_options" }));
  });

  it("rejects empty or mismatched rows and targets", () => {
    const message = "x and y must be non-empty and of the same length";
    expect(() => trainGradientBoosting([], [])).toThrow(expect.objectContaining({ code: "invalid_options", message }));
    expect(() => trainGradientBoosting([[1], [2]], [1])).toThrow(expect.objectContaining({ code: "invalid_options", message }));
  });

  it("fits a two-row step exactly with one unshrunk tree, and reads a missing feature as 0", () => {
    const options = { trees: 1, learningRate: 1, l2: 0, minSamplesLeaf: 1, subsample: 1 } as const;
    const squared = trainGradientBoosting([[0], [1]], [0, 10], options);
    expect(squared.base).toBe(5);
    expect(squared.trees).toEqual([{ feature: 0, threshold: 0.5, left: { leaf: -5 }, right: { leaf: 5 } }]);
    expect(predictGradientBoosting(squared, [[0], [1], [0.4], []])).toEqual([0, 10, 0, 0]);
    // Absolute loss starts from the median (of an even count: the mean of the middle two) and fits medians.
    const absolute = trainGradientBoosting([[0], [1], [2], [3]], [0, 2, 4, 100], { ...options, loss: "absolute", maxDepth: 1, minSamplesLeaf: 2 });
    expect(absolute.base).toBe(3);
    expect(predictGradientBoosting(absolute, [[0], [3]])).toEqual([1, 52]);
  });

  it("makes a constant feature a single leaf, and thins many distinct values to `bins` thresholds", () => {
    const flat = trainGradientBoosting([[7], [7], [7], [7]], [1, 2, 3, 4], { trees: 1, learningRate: 1, l2: 0, minSamplesLeaf: 1, subsample: 1 });
    expect(flat.trees).toEqual([{ leaf: 0 }]);
    const many = Array.from({ length: 100 }, (_, i) => [i]);
    const binned = trainGradientBoosting(many, many.map(([v]) => v!), { trees: 20, bins: 3, minSamplesLeaf: 1, maxDepth: 3, subsample: 1 });
    const thresholds = new Set<number>();
    const walk = (node: (typeof binned.trees)[number]): void => {
      if ("leaf" in node) return;
      thresholds.add(node.threshold);
      walk(node.left);
      walk(node.right);
    };
    binned.trees.forEach(walk);
    // Midpoints at the quartiles of the 99 midpoints 0.5 … 98.5.
    expect([...thresholds].sort((a, b) => a - b)).toEqual([24.5, 49.5, 74.5]);
  });

  it("samples rows and features with its seed: the same seed gives the same model, even when a tree gets no rows", () => {
    const options = { trees: 30, subsample: 0.5, colsample: 0.5, seed: 9, minSamplesLeaf: 4 } as const;
    const rows = x.slice(0, 120);
    const targets = y.slice(0, 120);
    expect(trainGradientBoosting(rows, targets, options)).toEqual(trainGradientBoosting(rows, targets, options));
    expect(trainGradientBoosting(rows, targets, { ...options, seed: 10 })).not.toEqual(trainGradientBoosting(rows, targets, options));
    // Two rows at a subsample of 1%: the first tree draws row 1 (0.05 × its residual 10 − 5), the
    // others no row at all and add a leaf of 0 (absolute loss: the median of nothing).
    const sparse = trainGradientBoosting([[0], [1]], [0, 10], { trees: 5, subsample: 0.01, loss: "absolute" });
    expect(sparse.trees).toEqual([{ leaf: 0.25 }, { leaf: 0 }, { leaf: 0 }, { leaf: 0 }, { leaf: 0 }]);
  });

  it("scores a perfect, a mean and a constant prediction", () => {
    expect(meanAbsoluteError([1, 2, 3], [1, 2, 5])).toBeCloseTo(2 / 3, 12);
    expect(meanAbsoluteError([1, 2], [1])).toBe(1);
    expect(rSquared([1, 2, 3], [1, 2, 3])).toBe(1);
    expect(rSquared([1, 2, 3], [2, 2, 2])).toBe(0);
    expect(rSquared([1, 2, 3], [])).toBe(1 - 14 / 2);
    expect(rSquared([4, 4], [4, 4])).toBeNull();
  });
});
