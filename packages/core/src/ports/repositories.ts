import type { Page, PageResult } from "../schemas/common.js";
import type { Allocation } from "../schemas/allocation.js";
import type { Department } from "../schemas/department.js";
import type { Employee } from "../schemas/employee.js";
import type { Project } from "../schemas/project.js";
import type { Timesheet } from "../schemas/timesheet.js";
import type {
  AllocationFilter,
  AllocationInsert,
  DepartmentFilter,
  DepartmentInsert,
  EmployeeFilter,
  EmployeeInsert,
  ProjectFilter,
  ProjectInsert,
  TimesheetFilter,
  TimesheetInsert,
} from "./records.js";

/**
 * The operations every entity repository has. Every call runs inside the tenant of the unit of
 * work that handed the repository out and MUST NOT read or write another tenant's rows.
 */
export interface EntityRepository<T, Insert, Filter> {
  /**
   * Stores a new record and returns it with its id and timestamps; MUST throw `ConflictError` on a
   * uniqueness violation and `NotFoundError` when a referenced id (department_id, employee_id,
   * project_id) does not exist in this tenant.
   */
  insert(values: Insert): Promise<T>;
  /** The record with this id, or `null` when it does not exist in this tenant. */
  findById(id: number): Promise<T | null>;
  /** Applies the patch, bumps `updated_at` and returns the record, or `null` when it does not exist; MUST throw `ConflictError` on a uniqueness violation. */
  update(id: number, patch: Partial<Insert>): Promise<T | null>;
  /** Deletes the record and returns it as it was, or `null` when it does not exist. */
  delete(id: number): Promise<T | null>;
  /** One page of the matching records ordered by id ascending, and how many match in all. */
  list(filter: Filter, page: Page): Promise<PageResult<T>>;
}

/**
 * Departments; names are unique per tenant. `delete` MUST throw `ConflictError` while employees or
 * projects belong to it, and MUST set `department_id` of users linked to it to `null`.
 */
export interface DepartmentRepository extends EntityRepository<Department, DepartmentInsert, DepartmentFilter> {
  /** The department with this name regardless of case (`sales` finds "Sales"), or `null`. */
  findByName(name: string): Promise<Department | null>;
  /** How many employees and projects belong to the department. */
  countDependents(id: number): Promise<{ employees: number; projects: number }>;
}

/**
 * Employees; emails, when given, are unique per tenant, compared without regard to case. `delete`
 * MUST throw `ConflictError` while timesheets or allocations refer to the employee, and MUST set
 * `employee_id` of users linked to it to `null`.
 */
export interface EmployeeRepository extends EntityRepository<Employee, EmployeeInsert, EmployeeFilter> {
  /** The employee with this email (case-insensitive), or `null`. */
  findByEmail(email: string): Promise<Employee | null>;
  /** How many timesheets and allocations refer to the employee. */
  countDependents(id: number): Promise<{ timesheets: number; allocations: number }>;
}

/** Projects; `delete` MUST throw `ConflictError` while timesheets or allocations refer to it. */
export interface ProjectRepository extends EntityRepository<Project, ProjectInsert, ProjectFilter> {
  /** How many timesheets and allocations refer to the project. */
  countDependents(id: number): Promise<{ timesheets: number; allocations: number }>;
}

/** Timesheet entries. */
export interface TimesheetRepository extends EntityRepository<Timesheet, TimesheetInsert, TimesheetFilter> {
  /**
   * The entry, or `null`; MUST lock it until the unit of work ends, so that a concurrent unit of
   * work reading it for update waits (an edit cannot slip past an approval that is committing).
   */
  findByIdForUpdate(id: number): Promise<Timesheet | null>;
  /**
   * Sum of the employee's hours on a date (every status but `rejected`), leaving out `excludeId`.
   * MUST hold a lock on (employee, date) until the unit of work ends, so that a concurrent unit of
   * work calling this for the same pair waits: two inserts can then never pass a daily cap together.
   */
  sumHoursOnDateForUpdate(employeeId: number, date: string, excludeId?: number): Promise<number>;
  /** Stores many entries in one statement or stream; MUST be all or nothing with the unit of work. Returns how many were stored. */
  insertMany(values: readonly TimesheetInsert[]): Promise<number>;
}

/** Allocations of employees to projects over date ranges. */
export interface AllocationRepository extends EntityRepository<Allocation, AllocationInsert, AllocationFilter> {
  /**
   * The employee's allocations that overlap `[start, end]` (inclusive), leaving out `excludeId`.
   * MUST lock the employee's allocations until the unit of work ends, so that two concurrent
   * writers cannot together pass 100%.
   */
  findOverlappingForUpdate(employeeId: number, start: string, end: string, excludeId?: number): Promise<Allocation[]>;
}
