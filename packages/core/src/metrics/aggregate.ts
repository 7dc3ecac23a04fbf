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
import { isCountedTimesheet } from "./counted-hours.js";

// The reference aggregation: what every AnalyticsStore must answer, computed from plain records.
// Each function picks its own rows out of what it is given (all records of a tenant will do) in one
// pass, and adds numbers in array order so that `buildAnalyticsIndex` gives bit-identical sums.

/** An employee's aggregate: their non-rejected hours, from any `timesheets` (others are ignored). */
export function aggregateEmployee(employee: Employee, timesheets: readonly Timesheet[]): EmployeeAggregate {
  let totalHours = 0;
  for (const t of timesheets) {
    if (t.employee_id === employee.id && isCountedTimesheet(t)) totalHours += t.hours_worked;
  }
  return {
    employee_id: employee.id,
    name: employee.name,
    department_id: employee.department_id,
    salary: employee.salary,
    revenue_generated: employee.revenue_generated,
    is_active: employee.is_active,
    total_hours: totalHours,
  };
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
  let totalHours = 0;
  let salaryHours = 0;
  for (const t of timesheets) {
    if (t.project_id !== project.id || !isCountedTimesheet(t)) continue;
    totalHours += t.hours_worked;
    salaryHours += t.hours_worked * (employeesById.get(t.employee_id)?.salary ?? 0);
  }
  return {
    project_id: project.id,
    name: project.name,
    department_id: project.department_id,
    status: project.status,
    cost: project.cost,
    revenue: project.revenue,
    completion_percentage: project.completion_percentage,
    total_hours: totalHours,
    salary_hours: salaryHours,
  };
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
  const members = new Set<number>();
  let salaryTotal = 0;
  for (const e of employees) {
    if (e.department_id !== department.id) continue;
    members.add(e.id);
    salaryTotal += e.salary;
  }
  let projectCount = 0;
  let projectCostTotal = 0;
  let projectRevenueTotal = 0;
  for (const p of projects) {
    if (p.department_id !== department.id) continue;
    projectCount += 1;
    projectCostTotal += p.cost;
    projectRevenueTotal += p.revenue;
  }
  let totalHours = 0;
  for (const t of timesheets) {
    if (members.has(t.employee_id) && isCountedTimesheet(t)) totalHours += t.hours_worked;
  }
  return {
    department_id: department.id,
    name: department.name,
    budget: department.budget,
    employee_count: members.size,
    project_count: projectCount,
    salary_total: salaryTotal,
    project_cost_total: projectCostTotal,
    project_revenue_total: projectRevenueTotal,
    total_hours: totalHours,
  };
}

/** The tenant's aggregate over every record given: counts, salaries, project money, non-rejected hours. */
export function aggregateCompany(
  departments: readonly Department[],
  employees: readonly Employee[],
  projects: readonly Project[],
  timesheets: readonly Timesheet[],
): CompanyAggregate {
  let salaryTotal = 0;
  for (const e of employees) salaryTotal += e.salary;
  let projectCostTotal = 0;
  let projectRevenueTotal = 0;
  for (const p of projects) {
    projectCostTotal += p.cost;
    projectRevenueTotal += p.revenue;
  }
  let totalHours = 0;
  for (const t of timesheets) {
    if (isCountedTimesheet(t)) totalHours += t.hours_worked;
  }
  return {
    department_count: departments.length,
    employee_count: employees.length,
    project_count: projects.length,
    salary_total: salaryTotal,
    project_cost_total: projectCostTotal,
    project_revenue_total: projectRevenueTotal,
    total_hours: totalHours,
  };
}
