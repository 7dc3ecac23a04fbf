import type { TenantId } from "../schemas/common.js";
import type { AnalyticsStore } from "./analytics-store.js";
import type { AuditLog } from "./audit-log.js";
import type {
  AllocationRepository,
  DepartmentRepository,
  EmployeeRepository,
  ProjectRepository,
  TimesheetRepository,
} from "./repositories.js";
import type { TenantRepository } from "./tenants.js";
import type { RefreshTokenRepository, RoleRepository, UserRepository } from "./users.js";

/** Every tenant-scoped port, as handed out by one unit of work for one tenant. */
export interface TenantScope {
  /** The tenant every call of this scope runs for. */
  readonly tenantId: TenantId;
  readonly departments: DepartmentRepository;
  readonly employees: EmployeeRepository;
  readonly projects: ProjectRepository;
  readonly timesheets: TimesheetRepository;
  readonly allocations: AllocationRepository;
  readonly users: UserRepository;
  readonly roles: RoleRepository;
  readonly refreshTokens: RefreshTokenRepository;
  readonly analytics: AnalyticsStore;
  readonly audit: AuditLog;
}

/** Transactions: the only way to reach tenant data. */
export interface UnitOfWork {
  /**
   * Runs `work` in one transaction for one tenant. MUST commit every write when `work` resolves and
   * MUST roll back every write when it rejects, rethrowing its error unchanged. The scope MUST NOT
   * be used after `work` settles. MUST reject with `NotFoundError("tenant", id)` for an unknown tenant.
   */
  transaction<T>(tenantId: TenantId, work: (scope: TenantScope) => Promise<T>): Promise<T>;
}

/** A complete storage adapter. */
export interface EpcaStore extends UnitOfWork {
  /** Platform-level tenant administration. */
  readonly tenants: TenantRepository;
  /** Resolves when the storage answers; rejects with its error otherwise (health checks). */
  ping(): Promise<void>;
  /** Releases connections and files; the store MUST NOT be used afterwards. */
  close(): Promise<void>;
}
