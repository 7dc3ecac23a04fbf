import { describe, expect, it } from "vitest";
import type { CompanyAggregate } from "../ports/analytics-store.js";
import { companyAnalytics } from "./company.js";

const base: CompanyAggregate = {
  department_count: 3,
  employee_count: 12,
  project_count: 5,
  salary_total: 900_000,
  project_cost_total: 300_000,
  project_revenue_total: 1_500_000,
  total_hours: 6000,
};

describe("companyAnalytics", () => {
  it("computes every figure", () => {
    expect(companyAnalytics(base)).toEqual({
      department_count: 3,
      employee_count: 12,
      project_count: 5,
      total_revenue: 1_500_000,
      total_cost: 1_200_000,
      profit: 300_000,
      roi: 0.25,
      productivity_index: 250,
      total_hours: 6000,
    });
  });

  it("has null roi and productivity for an empty tenant", () => {
    expect(
      companyAnalytics({
        department_count: 0,
        employee_count: 0,
        project_count: 0,
        salary_total: 0,
        project_cost_total: 0,
        project_revenue_total: 0,
        total_hours: 0,
      }),
    ).toEqual({
      department_count: 0,
      employee_count: 0,
      project_count: 0,
      total_revenue: 0,
      total_cost: 0,
      profit: 0,
      roi: null,
      productivity_index: null,
      total_hours: 0,
    });
  });
});
