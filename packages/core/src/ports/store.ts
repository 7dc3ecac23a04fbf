import type { TenantId } from "../schemas/common.js";
import type { Tenant } from "../schemas/tenant.js";
import type { AnalyticsStore } from "./analytics-store.js";
import type { AuditLog } from "./audit-log.js";
import type { CounterStore } from "./counters.js";
import type {
  AllocationRepository,
  DepartmentRepository,
  EmployeeRepository,
  ProjectRepository,
  TimesheetRepository,
} from "./repositories.js";
import type { TenantRepository } from "./tenants.js";
import type { TenantUsageStore } from "./usage.js";
import type { RefreshTokenRepository, RoleRepository, UserRepository } from "./users.js";

/**
 * Core's tenant-scoped ports, as handed out by one unit of work for one tenant. Other packages
 * add their own ports next to these (a scope is `TenantScope & TheirScope`): adapters compose the
 * parts of the packages they implement, so this interface never widens for them.
 */
export interface TenantScope {
  /** The tenant every call of this scope runs for. */
  readonly tenantId: TenantId;
  /** That tenant as stored when the unit of work began (read in the same transaction). */
  readonly tenant: Tenant;
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
  /** Plan-limit locks and the daily usage counters of the tenant. */
  readonly usage: TenantUsageStore;
}

/** Hints on how a unit of work uses its transaction; a store may act on them. */
export interface TransactionOptions {
  /**
   * The work only reads and may see data a moment old (analytics, series, reports): a store MAY
   * run it on a read replica, and SHOULD refuse writes in it (`BEGIN READ ONLY`). Never for a
   * read that must see the caller's own write of a moment ago.
   */
  readonly readOnly?: boolean;
  /**
   * The caller the work looks up first (`epca.actingAs` sets it): a store MAY read this user, and
   * whether their session `sessionId` is live, while it opens the transaction (PostgreSQL: in the
   * same round trip as BEGIN and the tenant), and answer the scope's first `users.findWithSession`
   * (or `users.findById` without a session) for exactly these ids from that read. Only a shortcut:
   * the answers MUST be the ones the repository would give at that point of the transaction.
   */
  readonly actor?: { readonly userId: number; readonly sessionId?: string };
  /**
   * The one record the work reads (the route table sets it for a `GET` of one record): a store
   * MAY read it while it opens the transaction and answer the scope's first `findById` of that
   * repository, for exactly this id, from that read while nothing else was sent. A store that
   * did so MAY also end the transaction with its opening (PostgreSQL: BEGIN, the tenant, the
   * caller, the record and COMMIT in one round trip); whatever the work sends afterwards then runs
   * in a transaction of its own, opened the same way, which commits when the work resolves and
   * rolls back when it rejects, like any unit of work. So give it only to work whose later
   * statements need not share a transaction with that first read: at READ COMMITTED, the
   * isolation every store here runs at, each statement sees its own snapshot anyway.
   */
  readonly prefetch?: Prefetch;
}

/** The repositories a unit of work may name in `TransactionOptions.prefetch`. */
export type PrefetchRecord = "departments" | "employees" | "projects" | "timesheets" | "allocations";

/** See `TransactionOptions.prefetch`. */
export interface Prefetch {
  readonly record: PrefetchRecord;
  /** A safe positive integer (any other value is ignored by the store: nothing is prefetched). */
  readonly id: number;
}

/** A read replica the store sends read-only units of work to (see `TransactionOptions.readOnly`). */
export interface ReadReplica {
  /** Resolves when the replica answers; rejects otherwise (read-only work then runs on the primary). */
  ping(): Promise<void>;
}

/** Transactions: the only way to reach tenant data. `S` is the scope: core's ports plus any parts. */
export interface UnitOfWork<S extends TenantScope = TenantScope> {
  /**
   * Runs `work` in one transaction for one tenant. MUST commit every write when `work` resolves and
   * MUST roll back every write when it rejects, rethrowing its error unchanged. The scope MUST NOT
   * be used after `work` settles (`ScopeExpiredError`). MUST reject with `NotFoundError("tenant", id)`
   * for an unknown tenant, and with `StoreClosedError` once the store is closed.
   */
  transaction<T>(tenantId: TenantId, work: (scope: S) => Promise<T>, options?: TransactionOptions): Promise<T>;
}

/** What a store can do beyond the ports every store has; callers branch on these, never on probing methods. */
export interface StoreCapabilities {
  /**
   * Several processes may use the store at once and see each other's commits (a PostgreSQL
   * server): counters, locks and queues on it are shared by every server and worker process.
   */
  readonly sharedAcrossProcesses: boolean;
  /** What is committed survives a restart of the process (PGlite, PostgreSQL; not memory). */
  readonly durable: boolean;
}

/** A complete storage adapter. */
export interface EpcaStore<S extends TenantScope = TenantScope> extends UnitOfWork<S> {
  /** Platform-level tenant administration. */
  readonly tenants: TenantRepository;
  /** Platform-level fixed-window counters (rate limits). */
  readonly counters: CounterStore;
  readonly capabilities: StoreCapabilities;
  /** Present when read-only units of work go to a read replica (health checks report it). */
  readonly replica?: ReadReplica;
  /** Resolves when the storage answers; rejects with its error otherwise (health checks). */
  ping(): Promise<void>;
  /** Releases connections and files; the store MUST NOT be used afterwards (`StoreClosedError`). */
  close(): Promise<void>;
}
