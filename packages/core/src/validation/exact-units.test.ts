import { describe, expect, it } from "vitest";
import { allocationCreateSchema } from "../schemas/allocation.js";
import { timesheetCreateSchema } from "../schemas/timesheet.js";
import { validateAllocation } from "./allocation.js";
import { fromHundredths, isWholeHundredths, toHundredths } from "./exact-units.js";
import { validateTimesheetEntry, type TimesheetRuleContext } from "./timesheet.js";

const context: TimesheetRuleContext = {
  today: "2024-06-15",
  employee: { id: 7, is_active: true },
  project: { id: 3, status: "in_progress", start_date: "2024-01-01", end_date: null },
  hoursAlreadyOnDate: 0,
};

describe("hundredths", () => {
  it("rounds to whole hundredths, half away from zero, and back", () => {
    expect([0.1, 16.1, 7.8, 24.000000000000004, 1.005, 0.125, -0.125, 0].map(toHundredths)).toEqual([10, 1610, 780, 2400, 101, 13, -13, 0]);
    expect(fromHundredths(1610)).toBe(16.1);
  });

  it("accepts at most two decimals", () => {
    expect([0.1, 16.1, 7.8, 0.25, 24, 33.33, 1e-2].map(isWholeHundredths)).toEqual([true, true, true, true, true, true, true]);
    expect([0.125, 0.001, 1e-7, 24.000001, Number.NaN, Number.POSITIVE_INFINITY].map(isWholeHundredths)).toEqual([
      false, false, false, false, false, false,
    ]);
  });
});

describe("the daily 24-hour cap, summed exactly", () => {
  it("accepts 0.1 + 16.1 + 7.8 = 24 although the float sum is 24.000000000000004", () => {
    expect(0.1 + 16.1 + 7.8).toBe(24.000000000000004);
    expect(validateTimesheetEntry({ hours_worked: 7.8, date: "2024-06-14" }, { ...context, hoursAlreadyOnDate: 0.1 + 16.1 })).toEqual([]);
    // A store's double-precision sum a hair above the true total counts as the true total.
    expect(validateTimesheetEntry({ hours_worked: 0.1, date: "2024-06-14" }, { ...context, hoursAlreadyOnDate: 16.1 + 7.8 })).toEqual([]);
  });

  it("refuses 24.01, naming the exact hours", () => {
    expect(validateTimesheetEntry({ hours_worked: 7.81, date: "2024-06-14" }, { ...context, hoursAlreadyOnDate: 0.1 + 16.1 })).toEqual([
      {
        path: ["hours_worked"],
        code: "daily_hours_exceeded",
        message:
          "16.2 hours are already logged on 2024-06-14; adding 7.81 would make 24.01, above the 24-hour daily limit, so log at most 7.8 more.",
      },
    ]);
  });

  it("the schema refuses hours finer than hundredths with a message that says so", () => {
    const result = timesheetCreateSchema.safeParse({ employee_id: 1, project_id: 1, hours_worked: 0.125, date: "2024-06-14" });
    expect(result.error?.issues.map((i) => [i.path, i.message])).toEqual([
      [["hours_worked"], "Hours worked are counted in hundredths of an hour; use at most 2 decimals (e.g. 7.25 or 0.1)."],
    ]);
    expect(timesheetCreateSchema.safeParse({ employee_id: 1, project_id: 1, hours_worked: 16.1, date: "2024-06-14" }).success).toBe(true);
  });
});

describe("the 100 % allocation cap, summed exactly", () => {
  const alloc = (allocation_percentage: number) => ({ allocation_percentage, start_date: "2024-01-01", end_date: "2024-01-31" });

  it("accepts 97.4 + 0.2 + 2.4 = 100 although the float sum is 100.00000000000001", () => {
    expect(97.4 + 0.2 + 2.4).toBe(100.00000000000001);
    expect(validateAllocation(alloc(97.4), [alloc(0.2), alloc(2.4)])).toEqual([]);
  });

  it("refuses 100.01, with the room left exactly", () => {
    expect(validateAllocation(alloc(97.41), [alloc(0.2), alloc(2.4)])).toEqual([
      {
        path: ["allocation_percentage"],
        code: "allocation_exceeded",
        message:
          "The employee would be allocated 100.01% on 2024-01-01, above the 100% limit; lower this allocation to at most 97.4% or change its dates.",
      },
    ]);
  });

  it("the schema refuses percentages finer than hundredths", () => {
    const base = { employee_id: 1, project_id: 1, start_date: "2024-01-01", end_date: "2024-01-31" };
    expect(allocationCreateSchema.safeParse({ ...base, allocation_percentage: 33.333 }).error?.issues.map((i) => [i.path, i.message])).toEqual([
      [["allocation_percentage"], "Allocation percentages are counted in hundredths of a percent; use at most 2 decimals (e.g. 33.33)."],
    ]);
    expect(allocationCreateSchema.safeParse({ ...base, allocation_percentage: 33.33 }).success).toBe(true);
  });
});
