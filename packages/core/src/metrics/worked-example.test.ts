// The worked example of docs/metrics.md: if this test changes, change the page too.
import { describe, expect, it } from "vitest";
import type { Department } from "../schemas/department.js";
import type { Employee } from "../schemas/employee.js";
import type { Project } from "../schemas/project.js";
import type { Timesheet, TimesheetStatus } from "../schemas/timesheet.js";
import { buildAnalyticsIndex } from "./analytics-index.js";
import { companyAnalytics } from "./company.js";
import { departmentAnalytics } from "./department.js";
import { employeeAnalytics } from "./employee.js";
import { projectAnalytics } from "./project.js";
import { rankEmployees, rankProjects } from "./rankings.js";
import { DEFAULT_STANDARD_ANNUAL_HOURS } from "./ratio.js";

const stamp = { created_at: "2024-01-01T00:00:00Z", updated_at: "2024-01-01T00:00:00Z" };
const options = { standardAnnualHours: DEFAULT_STANDARD_ANNUAL_HOURS };

const engineering: Department = { ...stamp, id: 1, name: "Engineering", budget: 196_000, description: null };
const person = (id: number, name: string, salary: number, revenue: number): Employee => ({
  ...stamp,
  id,
  name,
  email: null,
  department_id: 1,
  salary,
  revenue_generated: revenue,
  hire_date: null,
  skills: [],
  is_active: true,
});
const work = (id: number, name: string, cost: number, revenue: number): Project => ({
  ...stamp,
  id,
  name,
  department_id: 1,
  cost,
  revenue,
  status: "in_progress",
  completion_percentage: 60,
  start_date: null,
  end_date: null,
  estimated_end_date: null,
  description: null,
});
const entry = (id: number, employeeId: number, hours: number, status: TimesheetStatus): Timesheet => ({
  ...stamp,
  id,
  employee_id: employeeId,
  project_id: 1,
  hours_worked: hours,
  date: "2024-03-01",
  description: null,
  status,
  reviewed_by: null,
  reviewed_at: null,
  review_note: null,
});

const index = buildAnalyticsIndex({
  departments: [engineering],
  employees: [person(1, "Ada", 104_000, 156_000), person(2, "Ben", 62_400, 31_200)],
  projects: [work(1, "Billing revamp", 10_000, 46_000), work(2, "Support contract", 0, 174_500)],
  timesheets: [entry(1, 1, 120, "approved"), entry(2, 1, 8, "rejected"), entry(3, 2, 80, "submitted")],
});

describe("docs/metrics.md worked example", () => {
  it("employees", () => {
    expect(employeeAnalytics(index.employee(1)!, options)).toMatchObject({
      revenue: 156_000, cost: 104_000, profit: 52_000, roi: 0.5, total_hours: 120, productivity_index: 1300, hourly_cost: 50,
    });
    expect(employeeAnalytics(index.employee(2)!, options)).toMatchObject({
      revenue: 31_200, cost: 62_400, profit: -31_200, roi: -0.5, total_hours: 80, productivity_index: 390, hourly_cost: 30,
    });
  });

  it("projects", () => {
    expect(projectAnalytics(index.project(1)!, options)).toMatchObject({
      revenue: 46_000, direct_cost: 10_000, labour_cost: 8400, total_cost: 18_400, profit: 27_600, roi: 1.5,
      total_hours: 200, productivity_index: 230,
    });
    expect(projectAnalytics(index.project(2)!, options)).toMatchObject({
      revenue: 174_500, direct_cost: 0, labour_cost: 0, total_cost: 0, profit: 174_500, roi: null,
      total_hours: 0, productivity_index: null,
    });
  });

  it("department and company", () => {
    expect(departmentAnalytics(index.department(1)!)).toMatchObject({
      employee_count: 2, project_count: 2, total_revenue: 220_500, total_cost: 176_400, profit: 44_100, roi: 0.25,
      total_hours: 200, productivity_index: 1102.5, budget_utilization: 0.9,
    });
    expect(companyAnalytics(index.company())).toEqual({
      department_count: 1, employee_count: 2, project_count: 2, total_revenue: 220_500, total_cost: 176_400,
      profit: 44_100, roi: 0.25, productivity_index: 1102.5, total_hours: 200,
    });
  });

  it("rankings", () => {
    expect(rankEmployees(index.employees(), "productivity_index", 10, options).map((r) => [r.rank, r.name, r.value])).toEqual([
      [1, "Ada", 1300],
      [2, "Ben", 390],
    ]);
    expect(rankProjects(index.projects(), "roi", 10, options).map((r) => [r.rank, r.name, r.value])).toEqual([
      [1, "Billing revamp", 1.5],
    ]);
    expect(rankProjects(index.projects(), "profit", 10, options).map((r) => [r.rank, r.name, r.value])).toEqual([
      [1, "Support contract", 174_500],
      [2, "Billing revamp", 27_600],
    ]);
  });
});
