import { describe, expect, it } from "vitest";
import type { EmployeeAggregate, ProjectAggregate } from "../ports/analytics-store.js";
import {
  compareRanked,
  employeeMetricValue,
  projectMetricValue,
  rankEmployees,
  rankProjects,
} from "./rankings.js";

const options = { standardAnnualHours: 2000 };

function employee(id: number, salary: number, revenue: number, hours: number): EmployeeAggregate {
  return {
    employee_id: id,
    name: `E${id}`,
    department_id: 1,
    salary,
    revenue_generated: revenue,
    is_active: true,
    total_hours: hours,
  };
}

// productivity: 150, null, 150, 100; roi: 0.5, 2, 0.5, -0.5; revenue: 150k, 150k, 120k, 30k.
const e1 = employee(1, 100_000, 150_000, 1000);
const e2 = employee(2, 50_000, 150_000, 0);
const e3 = employee(3, 80_000, 120_000, 800);
const e4 = employee(4, 60_000, 30_000, 300);
const employees = [e4, e3, e2, e1];

function project(id: number, cost: number, revenue: number, hours: number, salaryHours: number): ProjectAggregate {
  return {
    project_id: id,
    name: `P${id}`,
    department_id: 1,
    status: "in_progress",
    cost,
    revenue,
    completion_percentage: 50,
    total_hours: hours,
    salary_hours: salaryHours,
  };
}

// With 2000 h/yr: labour 3000, 0, 2000, 250; total cost 4000, 0, 4000, 750;
// profit 1000, 0, 4000, 750; roi 0.25, null, 1, 1; productivity 50, null, 200, 150.
const p10 = project(10, 1000, 5000, 100, 100 * 60_000);
const p11 = project(11, 0, 0, 0, 0);
const p12 = project(12, 2000, 8000, 40, 40 * 100_000);
const p13 = project(13, 500, 1500, 10, 10 * 50_000);
const projects = [p13, p11, p10, p12];

const pick = (r: { rank: number; value: number }, id: number) => ({ rank: r.rank, id, value: r.value });

describe("employeeMetricValue", () => {
  it("computes each metric, null for productivity without hours", () => {
    expect(employeeMetricValue(e1, "productivity_index", options)).toBe(150);
    expect(employeeMetricValue(e1, "roi", options)).toBe(0.5);
    expect(employeeMetricValue(e1, "revenue_generated", options)).toBe(150_000);
    expect(employeeMetricValue(e2, "productivity_index", options)).toBeNull();
    expect(employeeMetricValue(e2, "roi", options)).toBe(2);
    expect(employeeMetricValue(e4, "roi", options)).toBe(-0.5);
  });
});

describe("projectMetricValue", () => {
  it("computes each metric with labour cost, null where undefined", () => {
    expect(projectMetricValue(p10, "roi", options)).toBe(0.25);
    expect(projectMetricValue(p10, "profit", options)).toBe(1000);
    expect(projectMetricValue(p10, "productivity_index", options)).toBe(50);
    expect(projectMetricValue(p11, "roi", options)).toBeNull();
    expect(projectMetricValue(p11, "productivity_index", options)).toBeNull();
    expect(projectMetricValue(p11, "profit", options)).toBe(0);
    // With 2080 h/yr, labour of p12 is 4 000 000 / 2080 = 1923.0769…, total 3923.0769…
    expect(projectMetricValue(p12, "profit", { standardAnnualHours: 2080 })).toBe(4076.923076923077);
  });
});

describe("compareRanked", () => {
  it("orders by value descending, then id ascending", () => {
    expect(compareRanked({ value: 2, id: 9 }, { value: 1, id: 1 })).toBeLessThan(0);
    expect(compareRanked({ value: 1, id: 1 }, { value: 2, id: 9 })).toBeGreaterThan(0);
    expect(compareRanked({ value: 1, id: 1 }, { value: 1, id: 2 })).toBeLessThan(0);
    expect(compareRanked({ value: 1, id: 2 }, { value: 1, id: 1 })).toBeGreaterThan(0);
    expect(compareRanked({ value: 1, id: 2 }, { value: 1, id: 2 })).toBe(0);
  });
});

describe("rankEmployees", () => {
  it("ranks by productivity, leaving out employees without hours, ties by id", () => {
    const ranked = rankEmployees(employees, "productivity_index", 10, options);
    expect(ranked.map((r) => pick(r, r.employee_id))).toEqual([
      { rank: 1, id: 1, value: 150 },
      { rank: 2, id: 3, value: 150 },
      { rank: 3, id: 4, value: 100 },
    ]);
    expect(ranked[0]).toEqual({
      employee_id: 1,
      name: "E1",
      department_id: 1,
      revenue: 150_000,
      cost: 100_000,
      profit: 50_000,
      roi: 0.5,
      total_hours: 1000,
      productivity_index: 150,
      hourly_cost: 50,
      rank: 1,
      metric: "productivity_index",
      value: 150,
    });
  });

  it("ranks by roi and keeps employees without hours", () => {
    const ranked = rankEmployees(employees, "roi", 10, options);
    expect(ranked.map((r) => pick(r, r.employee_id))).toEqual([
      { rank: 1, id: 2, value: 2 },
      { rank: 2, id: 1, value: 0.5 },
      { rank: 3, id: 3, value: 0.5 },
      { rank: 4, id: 4, value: -0.5 },
    ]);
    expect(ranked[0]?.productivity_index).toBeNull();
  });

  it("ranks by revenue generated and takes the limit", () => {
    const ranked = rankEmployees(employees, "revenue_generated", 3, options);
    expect(ranked.map((r) => pick(r, r.employee_id))).toEqual([
      { rank: 1, id: 1, value: 150_000 },
      { rank: 2, id: 2, value: 150_000 },
      { rank: 3, id: 3, value: 120_000 },
    ]);
  });

  it("returns nothing for limit 0 or no employees, and does not reorder its input", () => {
    expect(rankEmployees(employees, "roi", 0, options)).toEqual([]);
    expect(rankEmployees([], "roi", 10, options)).toEqual([]);
    expect(employees.map((e) => e.employee_id)).toEqual([4, 3, 2, 1]);
  });
});

describe("rankProjects", () => {
  it("ranks by roi, leaving out projects without cost, ties by id", () => {
    const ranked = rankProjects(projects, "roi", 10, options);
    expect(ranked.map((r) => pick(r, r.project_id))).toEqual([
      { rank: 1, id: 12, value: 1 },
      { rank: 2, id: 13, value: 1 },
      { rank: 3, id: 10, value: 0.25 },
    ]);
    expect(ranked[0]).toEqual({
      project_id: 12,
      name: "P12",
      department_id: 1,
      status: "in_progress",
      completion_percentage: 50,
      revenue: 8000,
      direct_cost: 2000,
      labour_cost: 2000,
      total_cost: 4000,
      profit: 4000,
      roi: 1,
      total_hours: 40,
      productivity_index: 200,
      rank: 1,
      metric: "roi",
      value: 1,
    });
  });

  it("ranks by profit, keeping a project with zero profit", () => {
    expect(rankProjects(projects, "profit", 10, options).map((r) => pick(r, r.project_id))).toEqual([
      { rank: 1, id: 12, value: 4000 },
      { rank: 2, id: 10, value: 1000 },
      { rank: 3, id: 13, value: 750 },
      { rank: 4, id: 11, value: 0 },
    ]);
  });

  it("ranks by productivity and takes the limit", () => {
    expect(rankProjects(projects, "productivity_index", 2, options).map((r) => pick(r, r.project_id))).toEqual([
      { rank: 1, id: 12, value: 200 },
      { rank: 2, id: 13, value: 150 },
    ]);
  });
});
