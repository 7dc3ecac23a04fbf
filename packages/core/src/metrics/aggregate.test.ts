import { describe, expect, it } from "vitest";
import type { Department } from "../schemas/department.js";
import type { Employee } from "../schemas/employee.js";
import type { Project } from "../schemas/project.js";
import type { Timesheet, TimesheetStatus } from "../schemas/timesheet.js";
import { aggregateCompany, aggregateDepartment, aggregateEmployee, aggregateProject } from "./aggregate.js";
import { departmentAnalytics } from "./department.js";
import { projectAnalytics } from "./project.js";

const stamp = { created_at: "2024-01-01T00:00:00Z", updated_at: "2024-01-01T00:00:00Z" };

function department(id: number, budget: number): Department {
  return { ...stamp, id, name: `D${id}`, budget, description: null };
}
function employee(id: number, departmentId: number, salary: number, revenue: number, active = true): Employee {
  return {
    ...stamp,
    id,
    name: `E${id}`,
    email: null,
    department_id: departmentId,
    salary,
    revenue_generated: revenue,
    hire_date: null,
    skills: [],
    is_active: active,
  };
}
function project(id: number, departmentId: number, cost: number, revenue: number): Project {
  return {
    ...stamp,
    id,
    name: `P${id}`,
    department_id: departmentId,
    cost,
    revenue,
    status: "in_progress",
    completion_percentage: 25,
    start_date: null,
    end_date: null,
    estimated_end_date: null,
    description: null,
  };
}
function timesheet(id: number, employeeId: number, projectId: number, hours: number, status: TimesheetStatus): Timesheet {
  return {
    ...stamp,
    id,
    employee_id: employeeId,
    project_id: projectId,
    hours_worked: hours,
    date: "2024-02-01",
    description: null,
    status,
    reviewed_by: null,
    reviewed_at: null,
    review_note: null,
  };
}

// Hourly costs at 2080 h/yr: e1 50, e2 30, e3 40.
const d1 = department(1, 300_000);
const d2 = department(2, 0);
const d3 = department(3, 1000);
const e1 = employee(1, 1, 104_000, 200_000);
const e2 = employee(2, 1, 62_400, 50_000, false);
const e3 = employee(3, 2, 83_200, 90_000);
const p1 = project(1, 1, 10_000, 60_000);
const p2 = project(2, 2, 5000, 20_000);
const p3 = project(3, 1, 0, 0);
const departments = [d1, d2, d3];
const employees = [e1, e2, e3];
const projects = [p1, p2, p3];
const timesheets = [
  timesheet(1, 1, 1, 8, "approved"),
  timesheet(2, 1, 1, 4, "submitted"),
  timesheet(3, 1, 2, 6, "draft"),
  timesheet(4, 2, 1, 5, "approved"),
  timesheet(5, 3, 2, 7.5, "approved"),
  timesheet(6, 3, 1, 10, "rejected"),
  timesheet(7, 1, 2, 3, "rejected"),
];
const employeesById = new Map(employees.map((e) => [e.id, e]));

describe("aggregateEmployee", () => {
  it("sums the employee's hours of every status but rejected", () => {
    expect(aggregateEmployee(e1, timesheets)).toEqual({
      employee_id: 1,
      name: "E1",
      department_id: 1,
      salary: 104_000,
      revenue_generated: 200_000,
      is_active: true,
      total_hours: 18,
    });
    expect(aggregateEmployee(e2, timesheets).total_hours).toBe(5);
    expect(aggregateEmployee(e2, timesheets).is_active).toBe(false);
    expect(aggregateEmployee(e3, timesheets).total_hours).toBe(7.5);
  });

  it("has zero hours without timesheets", () => {
    expect(aggregateEmployee(e1, []).total_hours).toBe(0);
  });
});

describe("aggregateProject", () => {
  it("sums hours and hours × salary of the employee who logged them", () => {
    expect(aggregateProject(p1, timesheets, employeesById)).toEqual({
      project_id: 1,
      name: "P1",
      department_id: 1,
      status: "in_progress",
      cost: 10_000,
      revenue: 60_000,
      completion_percentage: 25,
      total_hours: 17,
      salary_hours: 1_560_000, // 8×104 000 + 4×104 000 + 5×62 400
    });
    const p2Agg = aggregateProject(p2, timesheets, employeesById);
    expect(p2Agg.total_hours).toBe(13.5);
    expect(p2Agg.salary_hours).toBe(1_248_000); // 6×104 000 + 7.5×83 200
  });

  it("gives labour cost Σ hours × hourly cost", () => {
    // p1: 12 h × 50 + 5 h × 30 = 750; p2: 6 h × 50 + 7.5 h × 40 = 600.
    expect(projectAnalytics(aggregateProject(p1, timesheets, employeesById), { standardAnnualHours: 2080 }).labour_cost).toBe(750);
    expect(projectAnalytics(aggregateProject(p2, timesheets, employeesById), { standardAnnualHours: 2080 }).labour_cost).toBe(600);
  });

  it("has zero hours on a project nobody worked on", () => {
    const agg = aggregateProject(p3, timesheets, employeesById);
    expect(agg.total_hours).toBe(0);
    expect(agg.salary_hours).toBe(0);
    expect(projectAnalytics(agg, { standardAnnualHours: 2080 }).productivity_index).toBeNull();
  });

  it("counts hours of an unknown employee without salary", () => {
    const agg = aggregateProject(p1, timesheets, new Map([[1, e1]]));
    expect(agg.total_hours).toBe(17);
    expect(agg.salary_hours).toBe(1_248_000); // 12×104 000
  });
});

describe("aggregateDepartment", () => {
  it("sums members, their hours on any project, and the department's projects", () => {
    expect(aggregateDepartment(d1, employees, projects, timesheets)).toEqual({
      department_id: 1,
      name: "D1",
      budget: 300_000,
      employee_count: 2,
      project_count: 2,
      salary_total: 166_400,
      project_cost_total: 10_000,
      project_revenue_total: 60_000,
      total_hours: 23, // e1 18 (incl. 6 h on p2 of D2) + e2 5
    });
    expect(aggregateDepartment(d2, employees, projects, timesheets)).toEqual({
      department_id: 2,
      name: "D2",
      budget: 0,
      employee_count: 1,
      project_count: 1,
      salary_total: 83_200,
      project_cost_total: 5000,
      project_revenue_total: 20_000,
      total_hours: 7.5,
    });
  });

  it("gives null ratios for an empty department", () => {
    const agg = aggregateDepartment(d3, employees, projects, timesheets);
    expect(agg).toMatchObject({ employee_count: 0, project_count: 0, salary_total: 0, total_hours: 0 });
    const a = departmentAnalytics(agg);
    expect(a.roi).toBeNull();
    expect(a.productivity_index).toBeNull();
    expect(a.budget_utilization).toBe(0);
    expect(departmentAnalytics(aggregateDepartment(d2, employees, projects, timesheets)).budget_utilization).toBeNull();
  });
});

describe("aggregateCompany", () => {
  it("sums everything, leaving rejected hours out", () => {
    expect(aggregateCompany(departments, employees, projects, timesheets)).toEqual({
      department_count: 3,
      employee_count: 3,
      project_count: 3,
      salary_total: 249_600,
      project_cost_total: 15_000,
      project_revenue_total: 80_000,
      total_hours: 30.5,
    });
  });

  it("is all zeros for an empty tenant", () => {
    expect(aggregateCompany([], [], [], [])).toEqual({
      department_count: 0,
      employee_count: 0,
      project_count: 0,
      salary_total: 0,
      project_cost_total: 0,
      project_revenue_total: 0,
      total_hours: 0,
    });
  });
});
