import { NotFoundError, type EpcaStore, type TenantScope } from "@epca/core";
import { applyMigrations, appliedMigrations, type MigrationResult } from "./migrations.js";
import { analyticsStore } from "./repositories/analytics.js";
import { auditLog } from "./repositories/audit-log.js";
import { allocationRepository, departmentRepository, employeeRepository, projectRepository } from "./repositories/records.js";
import { tenantRepository } from "./repositories/tenants.js";
import { timesheetRepository } from "./repositories/timesheets.js";
import { refreshTokenRepository, roleRepository, userRepository } from "./repositories/users.js";
import { rateLimitCounters, type RateLimitCounters } from "./rate-limit-counters.js";
import type { SqlDriver, SqlExecutor } from "./sql-executor.js";

/** The role every tenant transaction runs as (see migrations/0001). */
export const APP_ROLE = "epca_app";

/** An `EpcaStore` on PostgreSQL or PGlite, with the administration a host needs. */
export interface PostgresStore extends EpcaStore {
  /** `"pg"` (node-postgres) or `"pglite"` (embedded). */
  readonly driver: "pg" | "pglite";
  /** Applies pending migrations (refusing to run when an applied file changed). */
  migrate(): Promise<MigrationResult>;
  /** The migrations recorded in the database, in version order. */
  appliedMigrations(): Promise<{ version: number; name: string; checksum: string; applied_at: string }[]>;
  /**
   * Runs `work` with raw SQL inside a tenant transaction, as the application role under row-level
   * security: for tooling and tests that need SQL the ports do not offer.
   */
  withTenantSql<T>(tenantId: string, work: (sql: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * Fixed-window hit counters shared by every process on this database (the `rate_limit_counters`
   * platform table of migration 0002): what the reference server's rate limits count with.
   */
  readonly rateLimitCounters: RateLimitCounters;
}

/** Every tenant-scoped port over one transaction's executor. */
export function createTenantScope(tenantId: string, sql: SqlExecutor): TenantScope {
  return {
    tenantId,
    departments: departmentRepository(sql),
    employees: employeeRepository(sql),
    projects: projectRepository(sql),
    timesheets: timesheetRepository(sql),
    allocations: allocationRepository(sql),
    users: userRepository(sql),
    roles: roleRepository(sql),
    refreshTokens: refreshTokenRepository(sql),
    analytics: analyticsStore(sql),
    audit: auditLog(sql),
  };
}

/**
 * Opens a tenant transaction on the executor: checks the tenant exists (as the connecting user,
 * before the switch), pins `app.tenant_id` for this transaction, then drops to the application
 * role so that row-level security applies even to a superuser connection.
 */
export async function enterTenant(sql: SqlExecutor, tenantId: string): Promise<void> {
  const result = await sql.query<{ found: boolean }>(
    "SELECT set_config('app.tenant_id', $1, true) IS NOT NULL AND EXISTS (SELECT 1 FROM tenants WHERE id = $1) AS found",
    [tenantId],
  );
  if (!result.rows[0]?.found) throw new NotFoundError("tenant", tenantId);
  await sql.query(`SET LOCAL ROLE ${APP_ROLE}`);
}

/** Builds the store over a driver; both factories end here. */
export async function createStoreOnDriver(driver: SqlDriver, options: { migrate?: boolean; migrationsDirectory?: string }): Promise<PostgresStore> {
  let closed = false;
  const open = () => {
    if (closed) throw new Error("The store is closed");
  };
  const withTenantSql = <T>(tenantId: string, work: (sql: SqlExecutor) => Promise<T>): Promise<T> => {
    open();
    if (typeof tenantId !== "string" || tenantId.length === 0) return Promise.reject(new NotFoundError("tenant", String(tenantId)));
    return driver.transaction(async (sql) => {
      await enterTenant(sql, tenantId);
      return work(sql);
    });
  };
  const store: PostgresStore = {
    driver: driver.kind,
    tenants: tenantRepository(driver),
    transaction: (tenantId, work) => withTenantSql(tenantId, (sql) => work(createTenantScope(tenantId, sql))),
    withTenantSql,
    async ping() {
      open();
      await driver.query("SELECT 1");
    },
    async close() {
      if (closed) return;
      closed = true;
      await driver.close();
    },
    migrate: () => {
      open();
      return applyMigrations(driver, options.migrationsDirectory);
    },
    appliedMigrations: () => appliedMigrations(driver),
    rateLimitCounters: rateLimitCounters(driver, open),
  };
  if (options.migrate) {
    try {
      await store.migrate();
    } catch (error) {
      await driver.close().catch(() => undefined);
      throw error;
    }
  }
  return store;
}
