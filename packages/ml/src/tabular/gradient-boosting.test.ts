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
});
