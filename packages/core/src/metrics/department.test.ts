import { describe, expect, it } from "vitest";
import type { DepartmentAggregate } from "../ports/analytics-store.js";
import { departmentAnalytics } from "./department.js";

const base: DepartmentAggregate = {
  department_id: 4,
  name: "Engineering",
  budget: 800_000,
  employee_count: 3,
  project_count: 2,
  salary_total: 300_000,
  project_cost_total: 100_000,
  project_revenue_total: 500_000,
  total_hours: 4000,
};

describe("departmentAnalytics", () => {
  it("computes every figure", () => {
    expect(departmentAnalytics(base)).toEqual({
      department_id: 4,
      name: "Engineering",
      budget: 800_000,
      employee_count: 3,
      project_count: 2,
      total_revenue: 500_000,
      total_cost: 400_000,
      profit: 100_000,
      roi: 0.25,
      total_hours: 4000,
      productivity_index: 125,
      budget_utilization: 0.5,
    });
  });

  it("reports utilization above 1 when over budget", () => {
    expect(departmentAnalytics({ ...base, budget: 320_000 }).budget_utilization).toBe(1.25);
  });

  it("has null utilization with no budget and null productivity with no hours", () => {
    const a = departmentAnalytics({ ...base, budget: 0, total_hours: 0 });
    expect(a.budget_utilization).toBeNull();
    expect(a.productivity_index).toBeNull();
    expect(a.roi).toBe(0.25);
  });

  it("has null roi for an empty department", () => {
    const a = departmentAnalytics({
      ...base,
      employee_count: 0,
      project_count: 0,
      salary_total: 0,
      project_cost_total: 0,
      project_revenue_total: 0,
      total_hours: 0,
    });
    expect(a.total_cost).toBe(0);
    expect(a.profit).toBe(0);
    expect(a.roi).toBeNull();
    expect(a.budget_utilization).toBe(0);
  });
});
