import { describe, expect, it } from "vitest";
import type { ProjectAggregate } from "../ports/analytics-store.js";
import { projectAnalytics, projectLabourCost } from "./project.js";

// 80 h by a 104 000/yr employee (50/h) + 40 h by a 62 400/yr employee (30/h): labour 4000 + 1200.
const base: ProjectAggregate = {
  project_id: 3,
  name: "Billing revamp",
  department_id: 1,
  status: "in_progress",
  cost: 10_000,
  revenue: 45_600,
  completion_percentage: 40,
  total_hours: 120,
  salary_hours: 80 * 104_000 + 40 * 62_400,
};

describe("projectAnalytics", () => {
  it("computes every figure", () => {
    expect(base.salary_hours).toBe(10_816_000);
    expect(projectAnalytics(base, { standardAnnualHours: 2080 })).toEqual({
      project_id: 3,
      name: "Billing revamp",
      department_id: 1,
      status: "in_progress",
      completion_percentage: 40,
      revenue: 45_600,
      direct_cost: 10_000,
      labour_cost: 5200,
      total_cost: 15_200,
      profit: 30_400,
      roi: 2,
      total_hours: 120,
      productivity_index: 380,
    });
  });

  it("reports a loss", () => {
    const a = projectAnalytics({ ...base, revenue: 7600 }, { standardAnnualHours: 2080 });
    expect(a.profit).toBe(-7600);
    expect(a.roi).toBe(-0.5);
    expect(a.productivity_index).toBe(63.333333333333336);
  });

  it("has null roi and productivity with no cost and no hours", () => {
    const a = projectAnalytics(
      { ...base, cost: 0, revenue: 500, total_hours: 0, salary_hours: 0 },
      { standardAnnualHours: 2080 },
    );
    expect(a.labour_cost).toBe(0);
    expect(a.total_cost).toBe(0);
    expect(a.profit).toBe(500);
    expect(a.roi).toBeNull();
    expect(a.productivity_index).toBeNull();
  });

  it("labour cost follows the standard annual hours", () => {
    expect(projectLabourCost(base, { standardAnnualHours: 2000 })).toBe(5408);
  });

  it("rejects a standard year without hours", () => {
    expect(() => projectAnalytics(base, { standardAnnualHours: 0 })).toThrow(RangeError);
    expect(() => projectAnalytics(base, { standardAnnualHours: Number.NaN })).toThrow(RangeError);
  });
});
