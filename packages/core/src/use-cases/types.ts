import type { AuditEntry, AuditFilter } from "../schemas/audit.js";
import type { Allocation, AllocationCreate, AllocationUpdate } from "../schemas/allocation.js";
import type { Page, PageResult, TenantId } from "../schemas/common.js";
import type { Department, DepartmentCreate, DepartmentUpdate } from "../schemas/department.js";
import type { Employee, EmployeeCreate, EmployeeUpdate } from "../schemas/employee.js";
import type { Project, ProjectCreate, ProjectUpdate } from "../schemas/project.js";
import type { Role, RoleCreate, RoleUpdate } from "../schemas/role.js";
import type { Tenant, TenantCreate, TenantUpdate, TenantUsage } from "../schemas/tenant.js";
import type { BuiltInRole } from "../policy/built-in-roles.js";
import type { Timesheet, TimesheetCreate, TimesheetReview, TimesheetUpdate } from "../schemas/timesheet.js";
import type { User, UserCreate, UserRecord, UserUpdate } from "../schemas/user.js";
import type {
  AnalyticsSeries,
  CompanyAnalytics,
  DepartmentAnalytics,
  EmployeeAnalytics,
  EmployeeRanking,
  ProjectAnalytics,
  ProjectRanking,
} from "../schemas/analytics.js";
import type { Actor, RequestMetadata } from "../policy/actor.js";
import type { Clock } from "../ports/clock.js";
import type { PasswordHasher } from "../ports/password-hasher.js";
import type {
  AllocationFilter,
  DepartmentFilter,
  EmployeeFilter,
  AnalyticsSubject,
  EmployeeRankingMetric,
  ProjectFilter,
  ProjectRankingMetric,
  TimesheetFilter,
  UserFilter,
} from "../ports/index.js";
import type { SessionTokenService } from "../ports/session-tokens.js";
import type { EpcaStore, TenantScope, TransactionOptions } from "../ports/store.js";
import type { Credentials } from "./actors.js";
import type { JobFilter, JobQueue, JobRequest } from "../ports/jobs.js";
import type { Job } from "../schemas/job.js";

/** What the use cases run on; each is checked when `createEpca` runs, not at first use. */
export interface EpcaDependencies {
  /** The storage adapter. */
  readonly store: EpcaStore;
  /**
   * Memory-hard password hashing for user accounts (core does no cryptography). Required: pass
   * `null` to say the application keeps no passwords (its own sign-in); creating a user or logging
   * in then fails with `ConfigurationError`.
   */
  readonly passwordHasher: PasswordHasher | null;
  /** Signs session tokens; without it `sessions` refuses every login. */
  readonly sessionTokens?: SessionTokenService;
  /** Defaults to the wall clock. */
  readonly clock?: Clock;
  /** Hours in a working year, for hourly cost (default 2080). */
  readonly standardAnnualHours?: number;
  /** Whether anonymous `users.register` creates accounts (default false); admins register anyone either way. */
  readonly selfRegistration?: boolean;
  /** The background job queue; without it `jobs` refuses with the code `jobs_unavailable`. */
  readonly jobs?: JobQueue;
  /**
   * Emails of the platform administrators: admins of the `default` tenant with one of these
   * emails manage tenants (`FIRST_ADMIN_EMAIL` on the server). Default: none.
   */
  readonly platformAdmins?: readonly string[];
  /** How often counted usage is written, in ms (default 10,000; 0: only on `tenants.flushUsage()`). */
  readonly usageFlushMs?: number;
  /**
   * Seconds after a refresh in which presenting the just-rotated refresh token once more answers
   * the same new pair instead of revoking the session (two tabs refreshing at once); default 30,
   * 0 turns the grace off.
   */
  readonly refreshReuseGraceSeconds?: number;
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
  /** The employee's entries; `NotFoundError` when the employee does not exist. */
  listOfEmployee(actor: Actor, employeeId: number, filter?: Omit<TimesheetFilter, "employee_id">, page?: PageInput): Promise<PageResult<Timesheet>>;
  /** The project's entries; `NotFoundError` when the project does not exist. */
  listOfProject(actor: Actor, projectId: number, filter?: Omit<TimesheetFilter, "project_id">, page?: PageInput): Promise<PageResult<Timesheet>>;
}

/** User administration and self-service. */
export interface UserUseCases {
  list(actor: Actor, filter?: UserFilter, page?: PageInput): Promise<PageResult<User>>;
  /** An admin, or the user themself. */
  get(actor: Actor, id: number): Promise<User>;
  /** An admin creates a user of any role. */
  create(actor: Actor, input: UserCreate): Promise<User>;
  /**
   * Registration: without an actor only `read_only` users are created (another role: `ForbiddenError`),
   * and only while self-registration is open; an admin actor may register any role at any time.
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

/** A period of an analytics call: inclusive ISO dates, either may be left out. */
export interface AnalyticsPeriodInput {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

/** The query of a series. */
export interface AnalyticsSeriesInput extends AnalyticsPeriodInput {
  readonly interval?: "month" | "quarter" | undefined;
}

/** The analytics of spec section 6 / contract section 6. */
export interface AnalyticsUseCases {
  /**
   * The company's figures, with `department_metrics`, `monthly_revenue` and the trends. Without a
   * period: the all-time figures; with one (`from`/`to`, inclusive ISO dates; `from` after `to`:
   * `ValidationError`), the period's (docs/metrics.md, "Periods and series").
   */
  company(actor: Actor, period?: AnalyticsPeriodInput): Promise<CompanyAnalytics>;
  department(actor: Actor, departmentId: number, period?: AnalyticsPeriodInput): Promise<DepartmentAnalytics>;
  /** Pay-derived fields are left out for who may not see this employee's pay (docs/privacy.md). */
  employee(actor: Actor, employeeId: number, period?: AnalyticsPeriodInput): Promise<EmployeeAnalytics>;
  project(actor: Actor, projectId: number, period?: AnalyticsPeriodInput): Promise<ProjectAnalytics>;
  /** Pay-derived fields are left out of each row the actor may not see the pay of. */
  topPerformers(actor: Actor, options?: { metric?: EmployeeRankingMetric; limit?: number } & AnalyticsPeriodInput): Promise<EmployeeRanking[]>;
  topProjects(actor: Actor, options?: { metric?: ProjectRankingMetric; limit?: number } & AnalyticsPeriodInput): Promise<ProjectRanking[]>;
  /**
   * The monthly (or quarterly) series of a subject; without `from` the period starts 11 months
   * before the month of `to`, without `to` it ends today. Points add up to `total`.
   */
  series(actor: Actor, subject: AnalyticsSubject, query?: AnalyticsSeriesInput): Promise<AnalyticsSeries>;
}

/** The body of a successful login or refresh (OAuth2's token response). */
export interface TokenPair {
  readonly access_token: string;
  readonly refresh_token: string;
  readonly token_type: "bearer";
  /** Seconds the access token is valid. */
  readonly expires_in: number;
}

/** Sessions: login, refresh-token rotation with reuse detection, logout. */
export interface SessionUseCases {
  /** Starts a session; `UnauthenticatedError` ("Incorrect email or password") for wrong credentials or an inactive user. */
  login(tenantId: TenantId, credentials: { email: string; password: string }, request?: RequestMetadata): Promise<TokenPair>;
  /**
   * Rotates a refresh token: the presented one stops working and a new pair of the same session is
   * issued. A token presented a second time revokes its whole session (reuse detection); so does a
   * refresh by a user who is no longer active. `tenantHint` is what the request names as its tenant.
   */
  refresh(refreshToken: string, options?: { tenantHint?: string | null; request?: RequestMetadata }): Promise<TokenPair>;
  /** Ends the actor's session `sessionId` (and the session of `refreshToken`, when it is the actor's). */
  logout(actor: Actor, sessionId: string, options?: { refreshToken?: string }): Promise<void>;
}

/** Where the name of a tenant came from, as its error messages say. */
export interface TenantReference {
  readonly value: string;
  readonly source: "X-Tenant-ID" | "from the host name";
}

/** Tenant resolution before login, the platform administrator's provisioning, plan limits and usage. */
export interface TenantUseCases {
  /** The id of the tenant `reference` names (an id, else a subdomain); `UnknownTenantError`, or `TenantSuspendedError`. */
  resolve(reference: TenantReference): Promise<TenantId>;
  /**
   * A platform administrator creates a tenant and its first admin in ONE transaction (a
   * duplicate subdomain: `ConflictError`, and no tenant is left behind). `ForbiddenError` for
   * anyone else.
   */
  create(actor: Actor, input: TenantCreate): Promise<Tenant>;
  /** Every tenant, in creation order (platform administrators). */
  list(actor: Actor): Promise<Tenant[]>;
  /** One tenant (platform administrators); `NotFoundError`. */
  get(actor: Actor, id: string): Promise<Tenant>;
  /**
   * Suspends or reactivates, changes the plan (its limits become the plan's, unless `limits`
   * says otherwise) and limits. A suspension takes effect on the tenant's next request, tokens
   * issued before it included. The platform's own tenant cannot be suspended (`ConflictError`).
   */
  update(actor: Actor, id: string, input: TenantUpdate): Promise<Tenant>;
  /** What the tenant holds against its limits, and its daily usage in `[from, to]` (default: the last 30 days). */
  usage(actor: Actor, id: string, period?: { from?: string | undefined; to?: string | undefined }): Promise<TenantUsage>;
  /**
   * Stores `bytes` more (report files, model artifacts) for the actor's tenant in its unit of work,
   * refused past `max_storage_gb` (`LimitExceededError`); negative for a deletion.
   */
  chargeStorage(actor: Actor, bytes: number): Promise<void>;
  /** Counts `seconds` of model training for the actor's tenant, refused past the month's `ml_training_hours`. */
  chargeTrainingTime(actor: Actor, seconds: number): Promise<void>;
  /**
   * Before a training starts: `LimitExceededError` (`plan_limit_reached`, 403) when the actor's
   * tenant has no training time left this month (`ml_training_hours`, UTC calendar month).
   */
  checkTrainingTime(actor: Actor): Promise<void>;
  /** When a training ended: counts its measured `seconds` for the actor's tenant, never refused (the time was spent). */
  recordTrainingTime(actor: Actor, seconds: number): Promise<void>;
  /** Counts API calls or predictions (in memory; written in batches), and the user as active today. */
  countUsage(tenantId: TenantId, counter: "api_calls" | "predictions", amount?: number, userId?: number | null): void;
  /** Writes the counted usage now (before reading it, and at shutdown). */
  flushUsage(): Promise<void>;
}

/** Everything stored about one employee (`GET /employees/{id}/export`). */
export interface EmployeeExport {
  readonly exported_at: string;
  readonly employee: Employee;
  readonly timesheets: Timesheet[];
  readonly allocations: Allocation[];
  /** The user accounts linked to the employee (never a password hash), with their custom role ids. */
  readonly users: Array<User & { role_ids: number[] }>;
  /** Audit entries about the employee, their timesheets, allocations and user accounts, and those their accounts made (logins…). */
  readonly audit_entries: AuditEntry[];
}

/** Rights of access and erasure (GDPR articles 15 and 17), admins only. */
export interface PersonalDataUseCases {
  /** Everything stored about the employee; `NotFoundError`. */
  exportEmployee(actor: Actor, id: number): Promise<EmployeeExport>;
  /**
   * Erases the employee's personal data in one unit of work: name, email, skills and hire date
   * replaced, timesheet descriptions cleared, the employee deactivated, every linked user account
   * (and its sessions) deleted. Salary, revenue, hours, dates and statuses stay, so that every
   * aggregate and past report total stays the same. Answers the erased record; `ConflictError`
   * when the actor's own account is linked to the employee.
   */
  eraseEmployee(actor: Actor, id: number): Promise<Employee>;
}

/** What a health check reports of the store. */
export interface StoreHealth {
  readonly status: "healthy" | "unhealthy";
  /** Round trip in ms, to the microsecond; `null` when it failed. */
  readonly latency_ms: number | null;
  /** Why it failed. */
  readonly error?: unknown;
  /**
   * The read replica, when the store has one: `degraded` while it does not answer (read-only
   * work then runs on the primary, so the store stays healthy).
   */
  readonly replica?: { readonly status: "healthy" | "degraded"; readonly latency_ms: number | null; readonly error?: unknown };
}

/** Background jobs of the actor's tenant. */
export interface JobUseCases {
  /** Queues a job on behalf of the actor (who may then follow and cancel it). */
  enqueue(actor: Actor, request: Omit<JobRequest, "createdBy">): Promise<Job>;
  /** A job the actor may see; `NotFoundError` otherwise (another user's job is 403 unless the actor sees all). */
  get(actor: Actor, id: string): Promise<Job>;
  /** The jobs the actor may see, newest first. */
  list(actor: Actor, filter?: Omit<JobFilter, "createdBy">, page?: PageInput): Promise<PageResult<Job>>;
  /** Cancels a queued or running job the actor may change. */
  cancel(actor: Actor, id: string): Promise<Job>;
}

/** Health checks. */
export interface HealthUseCases {
  /** Pings the store within `timeoutMs` (default 5,000). */
  store(options?: { timeoutMs?: number }): Promise<StoreHealth>;
}

/**
 * What another package's use cases are built on: units of work (the request's own inside
 * `actingAs`), the clock, and core's use cases on the same units of work. `S` is the scope the
 * package needs: core's ports plus the parts it adds to a store.
 */
export interface UseCaseHost<S extends TenantScope = TenantScope> {
  /** Runs `work` in a unit of work of the tenant: a transaction of its own, or the request's. */
  run<T>(tenantId: TenantId, work: (scope: S) => Promise<T>): Promise<T>;
  readonly clock: Clock;
  /** Core's use cases, joining the same units of work. */
  readonly epca: Epca;
}

/** Builds another package's use cases over a host (see `Epca.extend`). */
export type UseCaseFactory<U, S extends TenantScope = TenantScope> = (host: UseCaseHost<S>) => U;

/** The whole application layer of EPCA, bound to its dependencies. */
export interface Epca {
  /**
   * Another package's use cases over this instance, built once per factory: inside `actingAs`
   * they join the request's unit of work as core's do. Their scope must hold the ports the factory
   * needs (the store was created with those parts); a missing one fails at its first use.
   */
  extend<U, S extends TenantScope = TenantScope>(factory: UseCaseFactory<U, S>): U;
  /**
   * Runs `work` as the user of verified `credentials` in ONE unit of work: the tenant (active, and
   * the one `tenantHint` names), the user (active) and their roles are read in the transaction
   * that every use case called through the `epca` handed to `work` then joins.
   * `UnauthenticatedError` for an inactive or unknown user; `ForbiddenError` for a tenant mismatch.
   * `options.readOnly`: the work only reads (analytics, series, reports), so the store may run the
   * unit of work on a read replica and refuses writes in it.
   */
  actingAs<T>(credentials: Credentials, work: (actor: Actor, epca: Epca) => Promise<T>, options?: TransactionOptions): Promise<T>;
  readonly sessions: SessionUseCases;
  readonly jobs: JobUseCases;
  readonly tenants: TenantUseCases;
  readonly health: HealthUseCases;
  readonly departments: DepartmentUseCases;
  readonly employees: CrudUseCases<Employee, EmployeeCreate, EmployeeUpdate, EmployeeFilter>;
  readonly projects: CrudUseCases<Project, ProjectCreate, ProjectUpdate, ProjectFilter>;
  readonly timesheets: TimesheetUseCases;
  readonly allocations: CrudUseCases<Allocation, AllocationCreate, AllocationUpdate, AllocationFilter>;
  readonly users: UserUseCases;
  readonly roles: RoleUseCases;
  readonly analytics: AnalyticsUseCases;
  readonly audit: { list(actor: Actor, filter?: AuditFilter, page?: PageInput): Promise<PageResult<AuditEntry>> };
  /** The rights of access and erasure over an employee's personal data. */
  readonly personalData: PersonalDataUseCases;
}
