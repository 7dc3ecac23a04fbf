// Edges of the period formulas: entries of an employee the facts do not hold, and a bad configuration.
import { describe, expect, it } from "vitest";
import type { Employee } from "../schemas/employee.js";
import type { Project } from "../schemas/project.js";
import type { Timesheet } from "../schemas/timesheet.js";
import { analyticsSeries, periodFactsFromRecords } from "./period.js";

const stamp = { created_at: "2024-01-01T00:00:00Z", updated_at: "2024-01-01T00:00:00Z" };
const ann: Employee = { ...stamp, id: 1, name: "Ann", email: null, department_id: 1, salary: 104_000, revenue_generated: 0, hire_date: null, skills: [], is_active: true };
const portal: Project = {
  ...stamp, id: 7, name: "Portal", department_id: 1, cost: 1_000, revenue: 10_000, status: "in_progress",
  completion_percentage: 0, start_date: null, end_date: null, estimated_end_date: null, description: null,
};
const entry = (id: number, employee_id: number, hours: number): Timesheet => ({
  ...stamp, id, employee_id, project_id: 7, hours_worked: hours, date: "2024-02-10", description: null, status: "approved",
  reviewed_by: null, reviewed_at: null, review_note: null,
});
const period = { from: "2024-02-01", to: "2024-02-29" };
const project = { kind: "project", id: 7 } as const;

describe("period formulas at their edges", () => {
  it("counts the hours of an employee missing from the records, at no salary (as a LEFT JOIN with COALESCE(salary, 0))", () => {
    const facts = periodFactsFromRecords({ employees: [ann], projects: [portal], timesheets: [entry(1, 1, 2), entry(2, 99, 3)] }, project, period);
    const [february] = analyticsSeries(facts, project, period, { standardAnnualHours: 2080 });
    expect(february).toMatchObject({ month: "2024-02", hours: 5, labour_cost: 2 * (104_000 / 2080), revenue: 10_000, direct_cost: 1_000 });
  });

  it("refuses a standard year of no hours: hourly cost would divide by zero", () => {
    const facts = periodFactsFromRecords({ employees: [ann], projects: [portal], timesheets: [entry(1, 1, 2)] }, project, period);
    expect(() => analyticsSeries(facts, project, period, { standardAnnualHours: 0 })).toThrow(new RangeError("standardAnnualHours must be a positive number, got 0"));
  });
});
