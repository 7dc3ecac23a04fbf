import type {
  CompanyAggregate,
  DepartmentAggregate,
  EmployeeAggregate,
  ProjectAggregate,
} from "../ports/analytics-store.js";
import type { Department } from "../schemas/department.js";
import type { Employee } from "../schemas/employee.js";
import type { Project } from "../schemas/project.js";
import type { Timesheet } from "../schemas/timesheet.js";
import { buildAnalyticsIndex } from "./analytics-index.js";

// Views of the one reference aggregation (`buildAnalyticsIndex`) for a single record: what every
// AnalyticsStore must answer, computed from plain records (all records of a tenant will do).

/** An employee's aggregate: their non-rejected hours, from any `timesheets` (others are ignored). */
export function aggregateEmployee(employee: Employee, timesheets: readonly Timesheet[]): EmployeeAggregate {
  return buildAnalyticsIndex({ departments: [], employees: [employee], projects: [], timesheets }).employee(employee.id)!;
}

/**
 * A project's aggregate: its non-rejected hours and Σ hours × annual salary of the employee who
 * logged them. Hours of an employee missing from `employeesById` count in `total_hours` but add no
 * salary (as a LEFT JOIN with COALESCE(salary, 0) would).
 */
export function aggregateProject(
  project: Project,
  timesheets: readonly Timesheet[],
  employeesById: ReadonlyMap<number, Employee>,
): ProjectAggregate {
  return buildAnalyticsIndex({ departments: [], employees: [...employeesById.values()], projects: [project], timesheets }).project(project.id)!;
}

/**
 * A department's aggregate: members are the employees with its `department_id` (active or not),
 * its projects those with its `department_id`; hours are the members' non-rejected hours on any project.
 */
export function aggregateDepartment(
  department: Department,
  employees: readonly Employee[],
  projects: readonly Project[],
  timesheets: readonly Timesheet[],
): DepartmentAggregate {
  return buildAnalyticsIndex({ departments: [department], employees, projects, timesheets }).department(department.id)!;
}

/** The tenant's aggregate over every record given: counts, salaries, project money, non-rejected hours. */
export function aggregateCompany(
  departments: readonly Department[],
  employees: readonly Employee[],
  projects: readonly Project[],
  timesheets: readonly Timesheet[],
): CompanyAggregate {
  return buildAnalyticsIndex({ departments, employees, projects, timesheets }).company();
}
