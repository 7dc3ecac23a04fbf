// The worked example over a period of docs/metrics.md ("Periods and series"): if this test changes, change the page too.
import { describe, expect, it } from "vitest";
import type { Employee } from "../schemas/employee.js";
import type { Project } from "../schemas/project.js";
import type { Timesheet } from "../schemas/timesheet.js";
import {
  analyticsSeries,
  employedDays,
  monthsOf,
  periodDays,
  periodFactsFromRecords,
  previousPeriod,
  prorated,
  quarterly,
  seriesTotal,
  trend,
} from "./period.js";

const stamp = { created_at: "2024-01-01T00:00:00Z", updated_at: "2024-01-01T00:00:00Z" };
const options = { standardAnnualHours: 2080 };
const cy: Employee = {
  ...stamp, id: 1, name: "Cy", email: null, department_id: 1, salary: 151_840, revenue_generated: 36_500,
  hire_date: "2024-01-11", skills: [], is_active: true,
};
const portal: Project = {
  ...stamp, id: 1, name: "Portal", department_id: 1, cost: 3_000, revenue: 30_000, status: "in_progress",
  completion_percentage: 50, start_date: null, end_date: null, estimated_end_date: null, description: null,
};
const entry = (id: number, date: string, hours: number, status: Timesheet["status"] = "approved"): Timesheet => ({
  ...stamp, id, employee_id: 1, project_id: 1, hours_worked: hours, date, description: null, status,
  reviewed_by: null, reviewed_at: null, review_note: null,
});
const records = {
  employees: [cy],
  projects: [portal],
  timesheets: [entry(1, "2024-01-15", 10), entry(2, "2024-02-10", 20), entry(3, "2024-03-05", 30), entry(4, "2024-01-20", 5, "rejected")],
};
const period = { from: "2024-01-01", to: "2024-02-29" };

describe("docs/metrics.md worked example over a period", () => {
  it("day counts, proration and the previous period", () => {
    expect(periodDays(period)).toBe(60);
    expect(employedDays("2024-01-11", { from: "2024-01-01", to: "2024-01-31" })).toBe(21);
    expect(employedDays(null, { from: "2024-02-01", to: "2024-02-29" })).toBe(29);
    expect(employedDays("2024-03-01", { from: "2024-02-01", to: "2024-02-29" })).toBe(0);
    expect(prorated(151_840, "2024-01-11", { from: "2024-01-01", to: "2024-01-31" })).toBe(8_736);
    expect(prorated(73_000, null, { from: "2023-01-01", to: "2023-12-31" })).toBe(73_000);
    expect(previousPeriod(period)).toEqual({ from: "2023-11-02", to: "2023-12-31" });
    expect(monthsOf({ from: "2024-01-15", to: "2024-03-02" }).map((m) => m.window)).toEqual([
      { from: "2024-01-15", to: "2024-01-31" },
      { from: "2024-02-01", to: "2024-02-29" },
      { from: "2024-03-01", to: "2024-03-02" },
    ]);
  });

  it("the department's months and total", () => {
    const subject = { kind: "department", id: 1 } as const;
    const points = analyticsSeries(periodFactsFromRecords(records, subject, period), subject, period, options);
    expect(points).toEqual([
      { month: "2024-01", hours: 10, salary_cost: 8_736, labour_cost: 730, revenue: 5_000, direct_cost: 500, cost: 9_236, profit: -4_236, roi: -4_236 / 9_236, productivity_index: 500 },
      { month: "2024-02", hours: 20, salary_cost: 12_064, labour_cost: 1_460, revenue: 10_000, direct_cost: 1_000, cost: 13_064, profit: -3_064, roi: -3_064 / 13_064, productivity_index: 500 },
    ]);
    const total = seriesTotal(points);
    expect(total).toMatchObject({ hours: 30, salary_cost: 20_800, labour_cost: 2_190, revenue: 15_000, direct_cost: 1_500, cost: 22_300, profit: -7_300, productivity_index: 500 });
    expect(total.roi).toBeCloseTo(-7_300 / 22_300, 12);
    expect(total.cost / 100_000).toBeCloseTo(0.223, 12);
    expect(quarterly(points)).toEqual([{ ...total, month: "2024-01" }]);
  });

  it("the project and the employee", () => {
    const project = { kind: "project", id: 1 } as const;
    const p = seriesTotal(analyticsSeries(periodFactsFromRecords(records, project, period), project, period, options));
    expect(p).toMatchObject({ revenue: 15_000, direct_cost: 1_500, labour_cost: 2_190, salary_cost: 0, cost: 3_690, profit: 11_310, hours: 30, productivity_index: 500 });
    const employee = { kind: "employee", id: 1 } as const;
    const e = seriesTotal(analyticsSeries(periodFactsFromRecords(records, employee, period), employee, period, options));
    expect(e).toMatchObject({ revenue: 5_000, salary_cost: 20_800, cost: 20_800, profit: -15_800, hours: 30, labour_cost: 2_190, direct_cost: 0 });
  });

  it("trends against the previous period", () => {
    const company = { kind: "company" } as const;
    const prev = previousPeriod(period);
    const before = seriesTotal(analyticsSeries(periodFactsFromRecords(records, company, prev), company, prev, options));
    expect(trend(15_000, before.revenue)).toEqual({ previous: 0, change: 15_000, change_ratio: null });
    expect(before.roi).toBeNull();
    expect(trend(-7_300 / 22_300, before.roi)).toEqual({ previous: null, change: null, change_ratio: null });
    expect(trend(0.5, 0.25)).toEqual({ previous: 0.25, change: 0.25, change_ratio: 1 });
    expect(trend(-1, -2)).toEqual({ previous: -2, change: 1, change_ratio: 0.5 });
  });

  it("the whole history recognises each project's totals", () => {
    const company = { kind: "company" } as const;
    const all = { from: "2024-01-01", to: "2024-12-31" };
    const total = seriesTotal(analyticsSeries(periodFactsFromRecords(records, company, all), company, all, options));
    expect(total.revenue).toBe(30_000);
    expect(total.direct_cost).toBe(3_000);
    expect(total.hours).toBe(60);
  });
});
