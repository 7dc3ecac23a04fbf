import { describe, expect, it } from "vitest";
import { DEFAULT_STANDARD_ANNUAL_HOURS, hourlyCost, ratio } from "./ratio.js";

describe("ratio", () => {
  it("divides", () => {
    expect(ratio(300, 150)).toBe(2);
    expect(ratio(1, 4)).toBe(0.25);
    expect(ratio(-50, 200)).toBe(-0.25);
    expect(ratio(0, 5)).toBe(0);
  });

  it("does not round", () => {
    expect(ratio(1, 3)).toBe(0.3333333333333333);
  });

  it("is null when the denominator is 0 or not finite", () => {
    expect(ratio(5, 0)).toBeNull();
    expect(ratio(0, 0)).toBeNull();
    expect(ratio(5, -0)).toBeNull();
    expect(ratio(5, Number.POSITIVE_INFINITY)).toBeNull();
    expect(ratio(5, Number.NaN)).toBeNull();
  });
});

describe("hourlyCost", () => {
  it("is salary over the standard annual hours", () => {
    expect(DEFAULT_STANDARD_ANNUAL_HOURS).toBe(2080);
    expect(hourlyCost(104_000, 2080)).toBe(50);
    expect(hourlyCost(52_000, 2000)).toBe(26);
    expect(hourlyCost(100_000, 2080)).toBe(48.07692307692308);
  });

  it("is null when the standard year has no hours", () => {
    expect(hourlyCost(104_000, 0)).toBeNull();
  });
});
