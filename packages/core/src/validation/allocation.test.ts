import { describe, expect, it } from "vitest";
import { validateAllocation } from "./allocation.js";

const alloc = (allocation_percentage: number, start_date: string, end_date: string) => ({
  allocation_percentage,
  start_date,
  end_date,
});

describe("validateAllocation", () => {
  it("accepts an allocation alone, 0% and 100% included", () => {
    expect(validateAllocation(alloc(50, "2024-01-01", "2024-01-31"), [])).toEqual([]);
    expect(validateAllocation(alloc(0, "2024-01-01", "2024-01-01"), [])).toEqual([]);
    expect(validateAllocation(alloc(100, "2024-01-01", "2024-01-31"), [])).toEqual([]);
  });

  it("rejects a percentage outside 0–100", () => {
    expect(validateAllocation(alloc(-5, "2024-01-01", "2024-01-31"), [])).toEqual([
      { path: ["allocation_percentage"], code: "too_small", message: "Allocation percentage must be at least 0; got -5." },
    ]);
    expect(validateAllocation(alloc(120, "2024-01-01", "2024-01-31"), [])).toEqual([
      { path: ["allocation_percentage"], code: "too_big", message: "Allocation percentage must be at most 100; got 120." },
    ]);
  });

  it("rejects an end before the start", () => {
    expect(validateAllocation(alloc(50, "2024-02-01", "2024-01-31"), [])).toEqual([
      {
        path: ["end_date"],
        code: "invalid_range",
        message: "The end date 2024-01-31 is before the start date 2024-02-01; choose an end date on or after it.",
      },
    ]);
  });

  it("reports both a bad percentage and a bad range", () => {
    expect(validateAllocation(alloc(101, "2024-02-01", "2024-01-31"), []).map((i) => i.code)).toEqual([
      "too_big",
      "invalid_range",
    ]);
  });

  it("rejects a total above 100%, naming the peak, its date and the room left", () => {
    expect(validateAllocation(alloc(50, "2024-01-01", "2024-01-31"), [alloc(60, "2024-01-10", "2024-01-20")])).toEqual([
      {
        path: ["allocation_percentage"],
        code: "allocation_exceeded",
        message:
          "The employee would be allocated 110% on 2024-01-10, above the 100% limit; lower this allocation to at most 40% or change its dates.",
      },
    ]);
  });

  it("does not add up existing allocations that do not overlap each other", () => {
    const existing = [alloc(60, "2024-01-01", "2024-01-10"), alloc(60, "2024-01-11", "2024-01-20")];
    expect(validateAllocation(alloc(40, "2024-01-01", "2024-01-31"), existing)).toEqual([]);
    expect(validateAllocation(alloc(41, "2024-01-01", "2024-01-31"), existing)[0]?.message).toBe(
      "The employee would be allocated 101% on 2024-01-01, above the 100% limit; lower this allocation to at most 40% or change its dates.",
    );
  });

  it("finds the peak where several allocations meet", () => {
    const existing = [alloc(30, "2024-01-05", "2024-01-25"), alloc(30, "2024-01-15", "2024-02-28")];
    expect(validateAllocation(alloc(50, "2024-01-01", "2024-01-31"), existing)[0]?.message).toBe(
      "The employee would be allocated 110% on 2024-01-15, above the 100% limit; lower this allocation to at most 40% or change its dates.",
    );
    expect(validateAllocation(alloc(40, "2024-01-01", "2024-01-31"), existing)).toEqual([]);
  });

  it("treats dates as inclusive: ending on the day another starts overlaps", () => {
    expect(
      validateAllocation(alloc(50, "2024-01-10", "2024-01-31"), [alloc(60, "2024-01-01", "2024-01-10")])[0]?.message,
    ).toBe(
      "The employee would be allocated 110% on 2024-01-10, above the 100% limit; lower this allocation to at most 40% or change its dates.",
    );
    expect(validateAllocation(alloc(50, "2024-01-10", "2024-01-31"), [alloc(60, "2024-01-01", "2024-01-09")])).toEqual([]);
    expect(validateAllocation(alloc(50, "2024-01-01", "2024-01-09"), [alloc(60, "2024-01-10", "2024-01-31")])).toEqual([]);
  });

  it("ignores allocations given that lie outside the candidate's dates", () => {
    expect(validateAllocation(alloc(50, "2024-03-01", "2024-03-31"), [alloc(90, "2024-01-01", "2024-02-29")])).toEqual([]);
  });

  it("tolerates decimal percentages that sum to exactly 100", () => {
    const existing = [alloc(33.3, "2024-01-01", "2024-01-31"), alloc(33.3, "2024-01-01", "2024-01-31")];
    expect(validateAllocation(alloc(33.4, "2024-01-01", "2024-01-31"), existing)).toEqual([]);
    expect(validateAllocation(alloc(33.5, "2024-01-01", "2024-01-31"), existing)[0]?.message).toBe(
      "The employee would be allocated 100.1% on 2024-01-01, above the 100% limit; lower this allocation to at most 33.4% or change its dates.",
    );
  });
});
