import type { Allocation } from "../schemas/allocation.js";
import type { Department } from "../schemas/department.js";
import type { Employee } from "../schemas/employee.js";
import type { Project, ProjectStatus } from "../schemas/project.js";
import type { Timesheet, TimesheetStatus } from "../schemas/timesheet.js";

type Generated = "id" | "created_at" | "updated_at";

/** What a repository stores for a new department (ids and timestamps are the adapter's). */
export type DepartmentInsert = Omit<Department, Generated>;
/** What a repository stores for a new employee. */
export type EmployeeInsert = Omit<Employee, Generated>;
/** What a repository stores for a new project. */
export type ProjectInsert = Omit<Project, Generated>;
/** What a repository stores for a new timesheet. */
export type TimesheetInsert = Omit<Timesheet, Generated>;
/** What a repository stores for a new allocation. */
export type AllocationInsert = Omit<Allocation, Generated>;

/** Filters of `departments.list`. */
export interface DepartmentFilter {
  /** Exact name. */
  name?: string;
}
/** Filters of `employees.list`. */
export interface EmployeeFilter {
  department_id?: number;
  is_active?: boolean;
}
/** Filters of `projects.list`. */
export interface ProjectFilter {
  department_id?: number;
  status?: ProjectStatus;
}
/** Filters of `timesheets.list`; `from` and `to` are inclusive ISO dates. */
export interface TimesheetFilter {
  employee_id?: number;
  project_id?: number;
  /** Entries of the employees of this department. */
  department_id?: number;
  status?: TimesheetStatus;
  from?: string;
  to?: string;
}
/** Filters of `allocations.list`; an allocation matches a range when it overlaps it. */
export interface AllocationFilter {
  employee_id?: number;
  project_id?: number;
  from?: string;
  to?: string;
}
/** Filters of `users.list`. */
export interface UserFilter {
  role?: string;
  department_id?: number;
  is_active?: boolean;
}
