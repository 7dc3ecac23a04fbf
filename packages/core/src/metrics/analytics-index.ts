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

/** The plain records of one tenant that analytics are computed from. */
export interface AnalyticsRecords {
  readonly departments: readonly Department[];
  readonly employees: readonly Employee[];
  readonly projects: readonly Project[];
  readonly timesheets: readonly Timesheet[];
}

/** Every aggregate of a tenant, grouped once; answers are identical to the `aggregate*` functions. */
export interface AnalyticsIndex {
  /** The employee's aggregate, or `null` when no such employee was given. */
  employee(employeeId: number): EmployeeAggregate | null;
  /** The project's aggregate, or `null` when no such project was given. */
  project(projectId: number): ProjectAggregate | null;
  /** The department's aggregate, or `null` when no such department was given. */
  department(departmentId: number): DepartmentAggregate | null;
  /** The tenant's aggregate. */
  company(): CompanyAggregate;
  /** Aggregates of every employee, in the order given. */
  employees(): EmployeeAggregate[];
  /** Aggregates of every project, in the order given. */
  projects(): ProjectAggregate[];
  /** Aggregates of every department, in the order given. */
  departments(): DepartmentAggregate[];
}

interface EmployeeTotals {
  readonly employee: Employee;
  hours: number;
}
interface ProjectTotals {
  readonly project: Project;
  hours: number;
  salaryHours: number;
}
interface DepartmentTotals {
  readonly department: Department;
  members: Set<number>;
  salaryTotal: number;
  projectCount: number;
  projectCostTotal: number;
  projectRevenueTotal: number;
  hours: number;
}

/**
 * The reference all-time aggregation (the one implementation; `aggregate*` are views of it): groups
 * a tenant's records in one pass over each array (O(n)), so that ranking every employee or project
 * does not rescan the timesheets for each one. Sums are added in array order. Members of a
 * department are the employees with its `department_id` (active or not), its projects those with
 * its `department_id`; hours are the members' non-rejected hours on any project; a project's
 * `salary_hours` is Σ hours × the salary of the employee who logged them (0 for an employee not given).
 */
export function buildAnalyticsIndex(records: AnalyticsRecords): AnalyticsIndex {
  const departments = new Map<number, DepartmentTotals>();
  for (const d of records.departments) {
    departments.set(d.id, {
      department: d,
      members: new Set(),
      salaryTotal: 0,
      projectCount: 0,
      projectCostTotal: 0,
      projectRevenueTotal: 0,
      hours: 0,
    });
  }

  const employees = new Map<number, EmployeeTotals>();
  const departmentOfMember = new Map<number, DepartmentTotals>();
  for (const e of records.employees) {
    employees.set(e.id, { employee: e, hours: 0 });
    const dept = departments.get(e.department_id);
    if (dept) {
      dept.members.add(e.id);
      dept.salaryTotal += e.salary;
      departmentOfMember.set(e.id, dept);
    }
  }

  const projects = new Map<number, ProjectTotals>();
  for (const p of records.projects) {
    projects.set(p.id, { project: p, hours: 0, salaryHours: 0 });
    const dept = departments.get(p.department_id);
    if (dept) {
      dept.projectCount += 1;
      dept.projectCostTotal += p.cost;
      dept.projectRevenueTotal += p.revenue;
    }
  }

  for (const t of records.timesheets) {
    if (!isCountedTimesheet(t)) continue;
    const emp = employees.get(t.employee_id);
    if (emp) emp.hours += t.hours_worked;
    const proj = projects.get(t.project_id);
    if (proj) {
      proj.hours += t.hours_worked;
      proj.salaryHours += t.hours_worked * (emp?.employee.salary ?? 0);
    }
    const dept = departmentOfMember.get(t.employee_id);
    if (dept) dept.hours += t.hours_worked;
  }

  let salaryTotal = 0;
  for (const e of records.employees) salaryTotal += e.salary;
  let projectCostTotal = 0;
  let projectRevenueTotal = 0;
  for (const p of records.projects) {
    projectCostTotal += p.cost;
    projectRevenueTotal += p.revenue;
  }
  let totalHours = 0;
  for (const t of records.timesheets) {
    if (isCountedTimesheet(t)) totalHours += t.hours_worked;
  }
  const company: CompanyAggregate = {
    department_count: records.departments.length,
    employee_count: records.employees.length,
    project_count: records.projects.length,
    salary_total: salaryTotal,
    project_cost_total: projectCostTotal,
    project_revenue_total: projectRevenueTotal,
    total_hours: totalHours,
  };

  const employeeAggregate = ({ employee: e, hours }: EmployeeTotals): EmployeeAggregate => ({
    employee_id: e.id,
    name: e.name,
    department_id: e.department_id,
    salary: e.salary,
    revenue_generated: e.revenue_generated,
    is_active: e.is_active,
    total_hours: hours,
  });
  const projectAggregate = ({ project: p, hours, salaryHours }: ProjectTotals): ProjectAggregate => ({
    project_id: p.id,
    name: p.name,
    department_id: p.department_id,
    status: p.status,
    cost: p.cost,
    revenue: p.revenue,
    completion_percentage: p.completion_percentage,
    total_hours: hours,
    salary_hours: salaryHours,
  });
  const departmentAggregate = (d: DepartmentTotals): DepartmentAggregate => ({
    department_id: d.department.id,
    name: d.department.name,
    budget: d.department.budget,
    employee_count: d.members.size,
    project_count: d.projectCount,
    salary_total: d.salaryTotal,
    project_cost_total: d.projectCostTotal,
    project_revenue_total: d.projectRevenueTotal,
    total_hours: d.hours,
  });

  return {
    employee(id) {
      const totals = employees.get(id);
      return totals ? employeeAggregate(totals) : null;
    },
    project(id) {
      const totals = projects.get(id);
      return totals ? projectAggregate(totals) : null;
    },
    department(id) {
      const totals = departments.get(id);
      return totals ? departmentAggregate(totals) : null;
    },
    company: () => ({ ...company }),
    employees: () => [...employees.values()].map(employeeAggregate),
    projects: () => [...projects.values()].map(projectAggregate),
    departments: () => [...departments.values()].map(departmentAggregate),
  };
}
