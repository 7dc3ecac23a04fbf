import type { AuditEntry, AuditFilter } from "../schemas/audit.js";
import type { Allocation, AllocationCreate, AllocationUpdate } from "../schemas/allocation.js";
import type { Page, PageResult, TenantId } from "../schemas/common.js";
import type { Department, DepartmentCreate, DepartmentUpdate } from "../schemas/department.js";
import type { Employee, EmployeeCreate, EmployeeUpdate } from "../schemas/employee.js";
import type { Project, ProjectCreate, ProjectUpdate } from "../schemas/project.js";
import type { Role, RoleCreate, RoleUpdate } from "../schemas/role.js";
import type { BuiltInRole } from "../policy/built-in-roles.js";
import type { Timesheet, TimesheetCreate, TimesheetReview, TimesheetUpdate } from "../schemas/timesheet.js";
import type { User, UserCreate, UserRecord, UserUpdate } from "../schemas/user.js";
import type { CompanyAnalytics } from "../metrics/company.js";
import type { DepartmentAnalytics } from "../metrics/department.js";
import type { EmployeeAnalytics } from "../metrics/employee.js";
import type { ProjectAnalytics } from "../metrics/project.js";
import type { EmployeeRanking, ProjectRanking } from "../metrics/rankings.js";
import type { Actor, RequestMetadata } from "../policy/actor.js";
import type { Clock } from "../ports/clock.js";
import type { PasswordHasher } from "../ports/password-hasher.js";
import type {
  AllocationFilter,
  DepartmentFilter,
  EmployeeFilter,
  EmployeeRankingMetric,
  ProjectFilter,
  ProjectRankingMetric,
  TimesheetFilter,
  UserFilter,
} from "../ports/index.js";
import type { UnitOfWork } from "../ports/store.js";

/** What the use cases run on. */
export interface EpcaDependencies {
  /** The storage adapter. */
  readonly store: UnitOfWork;
  /** Defaults to the wall clock. */
  readonly clock?: Clock;
  /** Needed for user creation, password changes and `authenticate`. */
  readonly passwordHasher?: PasswordHasher;
  /** Hours in a working year, for hourly cost (default 2080). */
  readonly standardAnnualHours?: number;
}

/** Paging as callers pass it: both fields optional (skip 0, limit 100). */
export type PageInput = Partial<Page>;

/** Create, read, update, delete and list for one resource. */
export interface CrudUseCases<T, Create, Update, Filter> {
  /** One page of records the actor may read, ordered by id. */
  list(actor: Actor, filter?: Filter, page?: PageInput): Promise<PageResult<T>>;
  /** The record; `NotFoundError` when it does not exist in the actor's tenant. */
  get(actor: Actor, id: number): Promise<T>;
  /** Creates and returns the record. */
  create(actor: Actor, input: Create): Promise<T>;
  /** Updates and returns the record. */
  update(actor: Actor, id: number, input: Update): Promise<T>;
  /** Deletes and returns the record as it was. */
  delete(actor: Actor, id: number): Promise<T>;
}

/** Department use cases. */
export interface DepartmentUseCases extends CrudUseCases<Department, DepartmentCreate, DepartmentUpdate, DepartmentFilter> {
  /** The department's employees; `NotFoundError` when the department does not exist. */
  employees(actor: Actor, departmentId: number, page?: PageInput): Promise<PageResult<Employee>>;
  /** The department's projects; `NotFoundError` when the department does not exist. */
  projects(actor: Actor, departmentId: number, page?: PageInput): Promise<PageResult<Project>>;
}

/** Timesheet use cases, with the approval workflow. */
export interface TimesheetUseCases extends CrudUseCases<Timesheet, TimesheetCreate, TimesheetUpdate, TimesheetFilter> {
  /** `draft` or `rejected` → `submitted` (the owner, their department head, an admin). */
  submit(actor: Actor, id: number): Promise<Timesheet>;
  /** `submitted` → `approved` (an admin or the employee's department head); `ConflictError` otherwise. */
  approve(actor: Actor, id: number): Promise<Timesheet>;
  /** `submitted` → `rejected`, with an optional reason. */
  reject(actor: Actor, id: number, review?: TimesheetReview): Promise<Timesheet>;
}

/** User administration and self-service. */
export interface UserUseCases {
  list(actor: Actor, filter?: UserFilter, page?: PageInput): Promise<PageResult<User>>;
  /** An admin, or the user themself. */
  get(actor: Actor, id: number): Promise<User>;
  /** An admin creates a user of any role. */
  create(actor: Actor, input: UserCreate): Promise<User>;
  /**
   * Registration: without an actor only `read_only` users are created (another role: `ForbiddenError`);
   * an admin actor may register any role.
   */
  register(tenantId: TenantId, input: UserCreate, actor?: Actor | null, request?: RequestMetadata): Promise<User>;
  /** An admin, or the user themself; only an admin changes `role`, `is_active`, `department_id`, `employee_id`. */
  update(actor: Actor, id: number, input: UserUpdate): Promise<User>;
  /** An admin. */
  delete(actor: Actor, id: number): Promise<User>;
  /** An admin sets the custom roles a user holds on top of their built-in role. */
  setRoles(actor: Actor, id: number, roleIds: readonly number[]): Promise<User & { role_ids: number[] }>;
  /**
   * The active user with this email and password, or `null` (same cost whether the email exists or not).
   */
  authenticate(tenantId: TenantId, email: string, password: string): Promise<UserRecord | null>;
  /** The actor a stored user acts as; `null` when the user does not exist or is inactive. */
  actorFor(tenantId: TenantId, userId: number, request?: RequestMetadata): Promise<Actor | null>;
}

/** Custom roles of a tenant; the built-in ones are listed too and are read-only. */
export interface RoleUseCases {
  /** The built-in roles first (no id, read-only), then the tenant's custom roles by id. */
  list(actor: Actor): Promise<Array<(BuiltInRole & { readonly id: null }) | Role>>;
  create(actor: Actor, input: RoleCreate): Promise<Role>;
  update(actor: Actor, id: number, input: RoleUpdate): Promise<Role>;
  delete(actor: Actor, id: number): Promise<Role>;
}

/** The analytics of spec section 6 / contract section 6. */
export interface AnalyticsUseCases {
  company(actor: Actor): Promise<CompanyAnalytics>;
  department(actor: Actor, departmentId: number): Promise<DepartmentAnalytics>;
  employee(actor: Actor, employeeId: number): Promise<EmployeeAnalytics>;
  project(actor: Actor, projectId: number): Promise<ProjectAnalytics>;
  topPerformers(actor: Actor, options?: { metric?: EmployeeRankingMetric; limit?: number }): Promise<EmployeeRanking[]>;
  topProjects(actor: Actor, options?: { metric?: ProjectRankingMetric; limit?: number }): Promise<ProjectRanking[]>;
}

/** The whole application layer of EPCA, bound to its dependencies. */
export interface Epca {
  readonly departments: DepartmentUseCases;
  readonly employees: CrudUseCases<Employee, EmployeeCreate, EmployeeUpdate, EmployeeFilter>;
  readonly projects: CrudUseCases<Project, ProjectCreate, ProjectUpdate, ProjectFilter>;
  readonly timesheets: TimesheetUseCases;
  readonly allocations: CrudUseCases<Allocation, AllocationCreate, AllocationUpdate, AllocationFilter>;
  readonly users: UserUseCases;
  readonly roles: RoleUseCases;
  readonly analytics: AnalyticsUseCases;
  readonly audit: { list(actor: Actor, filter?: AuditFilter, page?: PageInput): Promise<PageResult<AuditEntry>> };
}
