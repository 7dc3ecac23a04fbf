import { describe, expect, it } from "vitest";
import type { EmployeeAggregate } from "../ports/analytics-store.js";
import { employeeAnalytics } from "./employee.js";

const base: EmployeeAggregate = {
  employee_id: 7,
  name: "Ada Lovelace",
  department_id: 2,
  salary: 104_000,
  revenue_generated: 156_000,
  is_active: true,
  total_hours: 1200,
};

describe("employeeAnalytics", () => {
  it("computes every figure", () => {
    expect(employeeAnalytics(base, { standardAnnualHours: 2080 })).toEqual({
      employee_id: 7,
      name: "Ada Lovelace",
      department_id: 2,
      revenue: 156_000,
      cost: 104_000,
      profit: 52_000,
      roi: 0.5,
      total_hours: 1200,
      productivity_index: 130,
      hourly_cost: 50,
    });
  });

  it("uses the configured standard annual hours for hourly cost", () => {
    expect(employeeAnalytics(base, { standardAnnualHours: 2000 }).hourly_cost).toBe(52);
  });

  it("gives a negative roi and zero productivity when no revenue", () => {
    const a = employeeAnalytics({ ...base, revenue_generated: 0, total_hours: 10 }, { standardAnnualHours: 2080 });
    expect(a.profit).toBe(-104_000);
    expect(a.roi).toBe(-1);
    expect(a.productivity_index).toBe(0);
  });

  it("has null productivity without hours", () => {
    const a = employeeAnalytics({ ...base, total_hours: 0 }, { standardAnnualHours: 2080 });
    expect(a.productivity_index).toBeNull();
    expect(a.roi).toBe(0.5);
  });

  it("has null roi when cost is 0 and null hourly cost when the year has no hours", () => {
    const a = employeeAnalytics({ ...base, salary: 0 }, { standardAnnualHours: 0 });
    expect(a.roi).toBeNull();
    expect(a.profit).toBe(156_000);
    expect(a.hourly_cost).toBeNull();
  });
});
