import { describe, expect, it } from "vitest";
import type { Department } from "../schemas/department.js";
import type { Employee } from "../schemas/employee.js";
import type { Project } from "../schemas/project.js";
import type { Timesheet, TimesheetStatus } from "../schemas/timesheet.js";
import { aggregateCompany, aggregateDepartment, aggregateEmployee, aggregateProject } from "./aggregate.js";
import { buildAnalyticsIndex } from "./analytics-index.js";

const stamp = { created_at: "2024-01-01T00:00:00Z", updated_at: "2024-01-01T00:00:00Z" };
const statuses: TimesheetStatus[] = ["draft", "submitted", "approved", "rejected"];

/** A deterministic pseudo-random tenant with decimal hours, so sums carry floating-point error. */
function tenant(seed: number) {
  let s = seed;
  const next = (n: number) => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    return s % n;
  };
  const departments: Department[] = Array.from({ length: 4 }, (_, i) => ({
    ...stamp,
    id: i + 1,
    name: `D${i + 1}`,
    budget: next(5) * 10_000,
    description: null,
  }));
  const employees: Employee[] = Array.from({ length: 30 }, (_, i) => ({
    ...stamp,
    id: i + 1,
    name: `E${i + 1}`,
    email: null,
    // Department 5 does not exist: those employees belong to no department given.
    department_id: next(5) + 1,
    salary: 30_000 + next(90_000) + 0.1 * next(10),
    revenue_generated: next(200_000),
    hire_date: null,
    skills: [],
    is_active: next(4) > 0,
  }));
  const projects: Project[] = Array.from({ length: 12 }, (_, i) => ({
    ...stamp,
    id: i + 1,
    name: `P${i + 1}`,
    department_id: next(4) + 1,
    cost: next(50_000) + 0.01 * next(100),
    revenue: next(150_000) + 0.01 * next(100),
    status: "in_progress",
    completion_percentage: next(101),
    start_date: null,
    end_date: null,
    estimated_end_date: null,
    description: null,
  }));
  const timesheets: Timesheet[] = Array.from({ length: 400 }, (_, i) => ({
    ...stamp,
    id: i + 1,
    employee_id: next(31) + 1, // 31 is an employee that was never given
    project_id: next(13) + 1, // 13 likewise
    hours_worked: 0.1 * (next(80) + 1),
    date: "2024-03-01",
    description: null,
    status: statuses[next(4)] ?? "draft",
    reviewed_by: null,
    reviewed_at: null,
    review_note: null,
  }));
  return { departments, employees, projects, timesheets };
}

describe("buildAnalyticsIndex", () => {
  it("answers exactly what the aggregate functions answer", () => {
    for (const seed of [1, 2, 3]) {
      const records = tenant(seed);
      const { departments, employees, projects, timesheets } = records;
      const index = buildAnalyticsIndex(records);
      const byId = new Map(employees.map((e) => [e.id, e]));

      expect(index.employees()).toEqual(employees.map((e) => aggregateEmployee(e, timesheets)));
      expect(index.projects()).toEqual(projects.map((p) => aggregateProject(p, timesheets, byId)));
      expect(index.departments()).toEqual(
        departments.map((d) => aggregateDepartment(d, employees, projects, timesheets)),
      );
      expect(index.company()).toEqual(aggregateCompany(departments, employees, projects, timesheets));
      for (const e of employees) expect(index.employee(e.id)).toEqual(aggregateEmployee(e, timesheets));
      for (const p of projects) expect(index.project(p.id)).toEqual(aggregateProject(p, timesheets, byId));
    }
  });

  it("answers a small tenant with hand-computed sums", () => {
    const { departments, employees, projects, timesheets } = tenant(1);
    const records = {
      departments: departments.slice(0, 1).map((d) => ({ ...d, budget: 1000 })),
      employees: [{ ...employees[0]!, id: 1, department_id: 1, salary: 104_000 }],
      projects: [{ ...projects[0]!, id: 1, department_id: 1, cost: 100, revenue: 900 }],
      timesheets: [
        { ...timesheets[0]!, employee_id: 1, project_id: 1, hours_worked: 2, status: "approved" as const },
        { ...timesheets[1]!, employee_id: 1, project_id: 1, hours_worked: 3, status: "rejected" as const },
        { ...timesheets[2]!, employee_id: 1, project_id: 1, hours_worked: 1.5, status: "draft" as const },
      ],
    };
    const index = buildAnalyticsIndex(records);
    expect(index.employee(1)?.total_hours).toBe(3.5);
    expect(index.project(1)).toMatchObject({ total_hours: 3.5, salary_hours: 364_000 });
    expect(index.department(1)).toMatchObject({ employee_count: 1, project_count: 1, salary_total: 104_000, total_hours: 3.5 });
    expect(index.company()).toMatchObject({ employee_count: 1, total_hours: 3.5 });
  });

  it("answers null for ids it was not given", () => {
    const index = buildAnalyticsIndex(tenant(4));
    expect(index.employee(999)).toBeNull();
    expect(index.project(999)).toBeNull();
    expect(index.department(5)).toBeNull();
  });
});
