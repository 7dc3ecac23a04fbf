import {
  ConfigurationError,
  NotFoundError,
  StoreClosedError,
  type EpcaStore,
  type JobStorage,
  type ScheduleStorage,
  type StoreCapabilities,
  type Tenant,
  type PrefetchRecord,
  type TenantScope,
  type TransactionOptions,
} from "@epca/core";
import { applyMigrations, appliedMigrations, type MigrationResult } from "./migrations.js";
import { analyticsStore } from "./repositories/analytics.js";
import { auditLog } from "./repositories/audit-log.js";
import { allocationRepository, departmentRepository, employeeRepository, projectRepository } from "./repositories/records.js";
import { tenantRepository, updateTenant } from "./repositories/tenants.js";
import { usageStore } from "./repositories/usage.js";
import { translated } from "./database-errors.js";
import { timesheetRepository } from "./repositories/timesheets.js";
import { actorStatement, refreshTokenRepository, roleRepository, userRepository, withPreloadedActor, withPreloadedRoles, type PreloadedActor } from "./repositories/users.js";
import { sqlJobStorage, sqlScheduleStorage } from "./job-storage.js";
import { rateLimitCounters } from "./rate-limit-counters.js";
import { mapRow } from "./repositories/rows.js";
import type { PreparedOpeningStatement, SqlDriver, SqlExecutor, TransactionOpening } from "./sql-executor.js";

/** The role every tenant transaction runs as (see migrations/0001). */
export const APP_ROLE = "epca_app";

/** Builds one port of another package over one transaction's executor: a part of the scope. */
export type PostgresScopePart<P> = (sql: SqlExecutor, tenantId: string) => P;

/** The scope a PostgreSQL store hands out: core's ports plus one port per part. */
export type PostgresScope<Parts extends Record<string, PostgresScopePart<unknown>>> = TenantScope & {
  readonly [K in keyof Parts]: ReturnType<Parts[K]>;
};

/** An `EpcaStore` on PostgreSQL or PGlite, with the administration a host needs. */
export interface PostgresStore<S extends TenantScope = TenantScope> extends EpcaStore<S> {
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
  /** The current values of PostgreSQL settings by name (`pg_settings`), e.g. `{ fsync: "on" }`; unknown names are absent. */
  serverSettings(names: readonly string[]): Promise<Record<string, string>>;
  /** The `jobs` table (migration 0006) as core's `JobStorage`: what the in-process queue keeps its jobs in. */
  readonly jobStorage: JobStorage;
  /** The `job_schedules` table (migration 0007) as core's `ScheduleStorage`. */
  readonly scheduleStorage: ScheduleStorage;
  /**
   * Rebuilds the analytics rollups of every tenant from its timesheets (in each tenant's own
   * transaction) and compares them with the stored ones; with `repair: true` the stored rollups of
   * a tenant that differs are replaced by the rebuilt ones. Read-only otherwise.
   */
  verifyRollups(options?: { repair?: boolean }): Promise<RollupCheck>;
  /**
   * Brings the company's cached months up to date for the projects written since the last
   * refresh (migration 0013), in each tenant's own transaction: at most `maxProjects` (default
   * 1,000) projects per tenant. Reads are exact without it (they correct the cache by the
   * projects still marked), only slower as marks pile up; the store runs it in the background
   * (`rollupRefresh`), so a host calls it only to refresh now.
   */
  refreshRollups(options?: { maxProjects?: number }): Promise<RollupRefresh>;
}

/** The answer of `refreshRollups`. */
export interface RollupRefresh {
  /** Tenants looked at. */
  readonly tenants: number;
  /** Projects whose cached shares were refreshed. */
  readonly projects: number;
  /** Tenants left for the next run: marking transactions held the marks longer than a second. */
  readonly busy: readonly string[];
}

/**
 * The background refresh of the company's cached months (`refreshRollups`), which keeps reads
 * from correcting for many written projects. `false` turns it off (call `refreshRollups` yourself).
 */
export interface RollupRefreshOptions {
  /** How often a run starts (ms, default 5,000); a run that is still going skips the next tick. */
  readonly everyMs?: number;
  /** Projects refreshed per tenant and run (default 1,000). */
  readonly maxProjects?: number;
  /** Called with a failed run's error (default: `console.warn`, at most once a minute). The next run tries again. */
  readonly onError?: (error: unknown) => void;
}

/** A bucket whose stored rollup differs from the one rebuilt from timesheets. */
export interface RollupMismatch {
  readonly tenant_id: string;
  /** 0 for a bucket of the per-project rollups. */
  readonly employee_id: number;
  readonly project_id: number;
  /** `YYYY-MM`. */
  readonly month: string;
  /** Stored hours and entries (`null`: no stored bucket). */
  readonly stored: { readonly hours: number; readonly entries: number } | null;
  /** Rebuilt hours and entries (`null`: the stored bucket should not exist). */
  readonly expected: { readonly hours: number; readonly entries: number } | null;
}

/** The answer of `verifyRollups`. */
export interface RollupCheck {
  /** True when every tenant's rollups equal the rebuilt ones (before any repair). */
  readonly ok: boolean;
  readonly tenants: number;
  /** Buckets compared (stored ∪ rebuilt), per-employee and per-project rollups together. */
  readonly buckets: number;
  /** At most 100 differences. */
  readonly mismatches: readonly RollupMismatch[];
  /** Tenants whose rollups were replaced (only with `repair`). */
  readonly repaired: readonly string[];
}

const ROLLUP_DIFF_SQL = `
WITH rebuilt AS (
  SELECT employee_id, project_id, date_trunc('month', date)::date AS month,
         sum(hours_worked::numeric) AS hours, count(*)::int AS entries
    FROM timesheets WHERE status <> 'rejected' GROUP BY 1, 2, 3
)
SELECT count(*) OVER () AS total,
       COALESCE(s.employee_id, r.employee_id) AS employee_id, COALESCE(s.project_id, r.project_id) AS project_id,
       to_char(COALESCE(s.month, r.month), 'YYYY-MM') AS month,
       s.hours::float8 AS stored_hours, s.entries AS stored_entries,
       r.hours::float8 AS expected_hours, r.entries AS expected_entries,
       (s.hours IS DISTINCT FROM r.hours OR s.entries IS DISTINCT FROM r.entries) AS differs
  FROM (SELECT employee_id, project_id, month, hours, entries FROM timesheet_rollups) s
  FULL JOIN rebuilt r ON r.employee_id = s.employee_id AND r.project_id = s.project_id AND r.month = s.month`;

/** The same for the per-project rollups (employee_id reported as 0): hours, salary-weighted hours and entries. */
const PROJECT_ROLLUP_DIFF_SQL = `
WITH rebuilt AS (
  SELECT t.project_id, date_trunc('month', t.date)::date AS month, sum(t.hours_worked::numeric) AS hours,
         sum(t.hours_worked::numeric * e.salary::numeric) AS salary_hours, count(*)::int AS entries
    FROM timesheets t JOIN employees e ON e.id = t.employee_id WHERE t.status <> 'rejected' GROUP BY 1, 2
)
SELECT 0 AS employee_id, COALESCE(s.project_id, r.project_id) AS project_id,
       to_char(COALESCE(s.month, r.month), 'YYYY-MM') AS month,
       s.hours::float8 AS stored_hours, s.entries AS stored_entries,
       r.hours::float8 AS expected_hours, r.entries AS expected_entries,
       (s.hours IS DISTINCT FROM r.hours OR s.entries IS DISTINCT FROM r.entries
        OR s.salary_hours IS DISTINCT FROM r.salary_hours) AS differs
  FROM project_month_rollups s
  FULL JOIN rebuilt r ON r.project_id = s.project_id AND r.month = s.month`;

/**
 * The company's months (migrations 0012, 0013) against a rebuild from the per-project rollups and
 * the projects (employee_id and project_id reported as 0; hours compared, shares and
 * salary-weighted hours too): the months as reads answer them (the cache corrected by the marked
 * projects), and the cached shares of every project not marked for the background refresh. One
 * statement, so one snapshot, however many writers commit meanwhile.
 */
const COMPANY_MONTH_DIFF_SQL = `
WITH shares AS (SELECT * FROM project_month_shares_of(NULL)),
rebuilt AS (
  SELECT month, sum(hours) AS hours, sum(salary_hours) AS salary_hours, sum(revenue_share) AS revenue_share,
         sum(cost_share) AS cost_share, count(*)::int AS entries
    FROM shares GROUP BY month
),
stored AS (
  SELECT * FROM company_months_current('-infinity', 'infinity')
   WHERE hours <> 0 OR revenue_share <> 0 OR cost_share <> 0 OR salary_hours <> 0
),
share_diff AS (
  SELECT count(*)::int AS differing FROM shares f FULL JOIN project_month_shares s ON s.project_id = f.project_id AND s.month = f.month
   WHERE (f.hours IS DISTINCT FROM s.hours OR f.salary_hours IS DISTINCT FROM s.salary_hours
      OR f.revenue_share IS DISTINCT FROM s.revenue_share OR f.cost_share IS DISTINCT FROM s.cost_share)
     AND COALESCE(f.project_id, s.project_id) NOT IN (SELECT project_id FROM company_month_pending)
)
SELECT 0 AS employee_id, 0 AS project_id, to_char(COALESCE(s.month, r.month), 'YYYY-MM') AS month,
       s.hours::float8 AS stored_hours, CASE WHEN s.month IS NULL THEN NULL ELSE COALESCE(r.entries, 0) END AS stored_entries,
       r.hours::float8 AS expected_hours, r.entries AS expected_entries,
       (s.hours IS DISTINCT FROM r.hours OR s.salary_hours IS DISTINCT FROM r.salary_hours
        OR s.revenue_share IS DISTINCT FROM r.revenue_share OR s.cost_share IS DISTINCT FROM r.cost_share
        OR (SELECT differing FROM share_diff) > 0) AS differs
  FROM stored s
  FULL JOIN rebuilt r ON r.month = s.month`;

/** Salaries by hire date (migration 0012) against a rebuild from employees (reported as employee 0, project 0, month = the hire date). */
const HIRE_ROLLUP_DIFF_SQL = `
WITH rebuilt AS (
  SELECT COALESCE(hire_date, '-infinity'::date) AS hire_date, sum(salary::numeric) AS salary, count(*)::int AS employees FROM employees GROUP BY 1
)
SELECT 0 AS employee_id, 0 AS project_id, COALESCE(s.hire_date, r.hire_date)::text AS month,
       s.salary::float8 AS stored_hours, s.employees AS stored_entries, r.salary::float8 AS expected_hours, r.employees AS expected_entries,
       (s.salary IS DISTINCT FROM r.salary OR s.employees IS DISTINCT FROM r.employees) AS differs
  FROM employee_hire_rollups s FULL JOIN rebuilt r ON r.hire_date = s.hire_date`;

const ROLLUP_REBUILD_SQL = [
  "DELETE FROM project_month_rollups",
  `INSERT INTO project_month_rollups (project_id, month, hours, salary_hours, entries)
   SELECT t.project_id, date_trunc('month', t.date)::date, sum(t.hours_worked::numeric),
          sum(t.hours_worked::numeric * e.salary::numeric), count(*)
     FROM timesheets t JOIN employees e ON e.id = t.employee_id WHERE t.status <> 'rejected' GROUP BY 1, 2`,
  "DELETE FROM timesheet_rollups",
  `INSERT INTO timesheet_rollups (employee_id, project_id, month, hours, entries)
   SELECT employee_id, project_id, date_trunc('month', date)::date, sum(hours_worked::numeric), count(*)
     FROM timesheets WHERE status <> 'rejected' GROUP BY 1, 2, 3`,
  "DELETE FROM project_month_shares",
  "INSERT INTO project_month_shares SELECT * FROM project_month_shares_of(NULL)",
  "DELETE FROM employee_hire_rollups",
  `INSERT INTO employee_hire_rollups (hire_date, salary, employees)
   SELECT COALESCE(hire_date, '-infinity'::date), sum(salary::numeric), count(*) FROM employees GROUP BY 1`,
  "DELETE FROM company_month_pending",
  "DELETE FROM company_month_rollups",
  `INSERT INTO company_month_rollups (month, hours, salary_hours, revenue_share, cost_share)
   SELECT month, sum(hours), sum(salary_hours), sum(revenue_share), sum(cost_share) FROM project_month_shares GROUP BY month`,
];

/** Core's ports over one transaction's executor, by their name in the scope. */
const CORE_PORTS = {
  departments: departmentRepository,
  employees: employeeRepository,
  projects: projectRepository,
  timesheets: timesheetRepository,
  allocations: allocationRepository,
  users: userRepository,
  roles: roleRepository,
  refreshTokens: refreshTokenRepository,
  analytics: analyticsStore,
  audit: auditLog,
  usage: usageStore,
} satisfies Record<Exclude<keyof TenantScope, "tenantId" | "tenant">, (sql: SqlExecutor) => unknown>;

/** What a transaction's opening read besides the tenant: the caller, and the record the work named. */
interface Preloaded {
  readonly actor?: PreloadedActor;
  readonly record?: { readonly record: PrefetchRecord; readonly id: number; readonly row: Record<string, unknown> | null };
  untouched(): boolean;
}

/**
 * A repository whose first `findById`, of exactly the prefetched id while nothing else was sent on
 * the transaction, is answered from the opening's read (the same statement and mapping).
 */
function withPrefetched<R extends { findById(id: number): Promise<unknown> }>(repository: R, prefetched: NonNullable<Preloaded["record"]>, untouched: () => boolean): R {
  let pending: typeof prefetched | null = prefetched;
  return {
    ...repository,
    async findById(id: number) {
      const found = pending;
      pending = null;
      if (!found || !untouched() || found.id !== id) return repository.findById(id);
      return found.row ? PREFETCHED[found.record](found.row) : null;
    },
  };
}

/**
 * Every tenant-scoped port over one transaction's executor, each built on first use. `preloaded`:
 * the opening's read of the caller, which answers the first matching `users` call while nothing
 * else was sent (`untouched`).
 */
export function createTenantScope<S extends TenantScope = TenantScope>(
  tenant: Tenant,
  sql: SqlExecutor,
  parts: Readonly<Record<string, PostgresScopePart<unknown>>> = {},
  preloaded?: Preloaded,
): S {
  const scope: Record<string, unknown> = { tenantId: tenant.id, tenant };
  const define = (name: string, make: () => unknown) => {
    let built: unknown;
    Object.defineProperty(scope, name, { enumerable: true, get: () => (built ??= make()) });
  };
  for (const [name, make] of Object.entries(CORE_PORTS)) {
    const actor = preloaded?.actor;
    if (name === "users" && actor) define(name, () => withPreloadedActor(userRepository(sql), actor, preloaded.untouched));
    else if (name === "roles" && actor) define(name, () => withPreloadedRoles(roleRepository(sql), actor, preloaded.untouched));
    else if (name === preloaded?.record?.record) define(name, () => withPrefetched(make(sql) as { findById(id: number): Promise<unknown> }, preloaded.record!, preloaded.untouched));
    else define(name, () => make(sql));
  }
  for (const [name, make] of Object.entries(parts)) define(name, () => make(sql, tenant.id));
  return scope as S;
}

/**
 * What opens a tenant transaction (`SqlDriver.transaction`'s `opening`): reads the tenant (as the
 * connecting user, before the switch) while pinning `app.tenant_id` for this transaction, then
 * drops to the application role so that row-level security applies even to a superuser
 * connection. With `actor` (`TransactionOptions.actor`), then reads that user and their session's
 * liveness, under row-level security like any statement of the tenant. With `prefetch`
 * (`TransactionOptions.prefetch`), then reads that record, and COMMITs: the whole unit of work of
 * a `GET` of one record is one round trip (the driver reopens a transaction when the work sends
 * anything more). BEGIN, the tenant, the switch and the reads are one message, and the reads are
 * statements each connection prepares once (SQL `PREPARE` … `EXECUTE`), so that PostgreSQL plans
 * them once per connection, not on every request (calls of PL/pgSQL functions, migration 0014,
 * cost each call about 25–45 µs more of the backend's time, measured with pg_stat_statements).
 * `null` for a tenant id no tenant can have (a NUL). A session id with a NUL, or a user id that is
 * not a safe integer, leaves the caller's read out (the repository then reads it).
 */
export function tenantOpening(tenantId: string, options?: Pick<TransactionOptions, "actor" | "prefetch">): TransactionOpening | null {
  if (tenantId.includes("\0")) return null;
  const enter = [{ name: "epca_enter_o", text: ENTER_SQL, types: ["text"], values: [tenantId] }, `SET LOCAL ROLE ${APP_ROLE}`];
  const actor = actorRead(options?.actor);
  const prefetch = options?.prefetch;
  const named = prefetch !== undefined && Object.hasOwn(PREFETCHED, prefetch.record) && Number.isSafeInteger(prefetch.id) && prefetch.id > 0;
  const reads = [
    ...(actor ? [actor] : []),
    ...(named ? [{ name: `epca_${prefetch.record}_by_id_o`, text: `SELECT * FROM ${prefetch.record} WHERE id = $1`, types: ["bigint"], values: [prefetch.id] }] : []),
  ];
  return { enter, ...(reads.length > 0 ? { reads } : {}), ...(named ? { commit: true } : {}) };
}

/** The tenant, read while `app.tenant_id` is pinned for the transaction (no row, no pin). */
const ENTER_SQL = "SELECT t.*, set_config('app.tenant_id', $1, true) AS pinned FROM tenants t WHERE t.id = $1";

/** How each record a unit of work may prefetch maps from its row (the repositories' own `findById` maps). */
const PREFETCHED: Readonly<Record<PrefetchRecord, (row: Record<string, unknown>) => unknown>> = {
  departments: mapRow.department,
  employees: mapRow.employee,
  projects: mapRow.project,
  timesheets: mapRow.timesheet,
  allocations: mapRow.allocation,
};

/** The opening's statement reading the caller (`actorStatement`), or `null` when there is none to read. */
function actorRead(actor: TransactionOptions["actor"]): PreparedOpeningStatement | null {
  if (actor === undefined) return null;
  if (actor.sessionId !== undefined && actor.sessionId.includes("\0")) return null;
  return actorStatement(actor.userId, actor.sessionId ?? null);
}

/**
 * Enters a tenant inside a transaction that is already open (provisioning creates a tenant, then
 * writes its first rows): reads the tenant while pinning `app.tenant_id`, then drops to the
 * application role so that row-level security applies.
 */
export async function enterTenant(sql: SqlExecutor, tenantId: string): Promise<Tenant> {
  const result = await sql.query("SELECT t.*, set_config('app.tenant_id', $1, true) AS pinned FROM tenants t WHERE t.id = $1", [tenantId]);
  const row = result.rows[0];
  if (!row) throw new NotFoundError("tenant", tenantId);
  await sql.query(`SET LOCAL ROLE ${APP_ROLE}`);
  return mapRow.tenant(row);
}

/** Builds the store over a driver; both factories end here. */
export async function createStoreOnDriver<Parts extends Record<string, PostgresScopePart<unknown>>>(
  driver: SqlDriver,
  options: { migrate?: boolean; migrationsDirectory?: string; parts?: Parts; capabilities: StoreCapabilities; rollupRefresh?: RollupRefreshOptions | false },
): Promise<PostgresStore<PostgresScope<Parts>>> {
  const parts: Record<string, PostgresScopePart<unknown>> = options.parts ?? {};
  const everyMs = options.rollupRefresh === false ? 0 : (options.rollupRefresh?.everyMs ?? 5_000);
  if (options.rollupRefresh !== false && (!Number.isInteger(everyMs) || everyMs < 1)) {
    await driver.close().catch(() => undefined);
    throw new ConfigurationError("rollupRefresh.everyMs", `must be a positive integer, got ${everyMs}`);
  }
  for (const [name, part] of Object.entries(parts)) {
    if (name in CORE_PORTS || name === "tenantId" || name === "tenant") throw new ConfigurationError(`parts.${name}`, "is a name core's scope already uses");
    if (typeof part !== "function") throw new ConfigurationError(`parts.${name}`, "must be a function (sql, tenantId) => port");
  }
  let closed = false;
  const open = () => {
    if (closed) throw new StoreClosedError();
  };
  const inTenant = <T>(
    tenantId: string,
    work: (sql: SqlExecutor, tenant: Tenant, preloaded?: Preloaded) => Promise<T>,
    transactionOptions?: TransactionOptions,
  ): Promise<T> => {
    if (closed) return Promise.reject(new StoreClosedError());
    if (typeof tenantId !== "string" || tenantId.length === 0) return Promise.reject(new NotFoundError("tenant", String(tenantId)));
    const actor = transactionOptions?.actor;
    const opening = tenantOpening(tenantId, transactionOptions);
    if (opening === null) return Promise.reject(new NotFoundError("tenant", tenantId));
    return driver.transaction(
      async (sql, opened, openedAll) => {
        const row = opened[0];
        if (!row) throw new NotFoundError("tenant", tenantId);
        const readsActor = actor !== undefined && actorRead(actor) !== null;
        const prefetch = opening.commit ? transactionOptions?.prefetch : undefined;
        if (!readsActor && !prefetch) return work(sql, mapRow.tenant(row));
        // The caller's row (and the record's) stays valid while nothing else is sent on the transaction.
        let untouched = true;
        const tracked: SqlExecutor = {
          query: (text, params, options) => ((untouched = false), sql.query(text, params, options)),
          exec: (script) => ((untouched = false), sql.exec(script)),
        };
        // openedAll: the tenant, then the caller (when read), then the record (when read).
        const preloaded: Preloaded = {
          ...(readsActor ? { actor: { userId: actor.userId, sessionId: actor.sessionId, row: openedAll[1]?.[0] ?? null } } : {}),
          ...(prefetch ? { record: { record: prefetch.record, id: prefetch.id, row: openedAll[readsActor ? 2 : 1]?.[0] ?? null } } : {}),
          untouched: () => untouched,
        };
        return work(tracked, mapRow.tenant(row), preloaded);
      },
      { opening, ...(transactionOptions?.readOnly ? { readOnly: true } : {}) },
    );
  };
  const pingReplica = driver.pingReplica;
  // The background refresh of the company's cached months (started below, once `store` exists).
  let refreshing: Promise<void> = Promise.resolve();
  let stopRefresh = () => {};
  const store: PostgresStore<PostgresScope<Parts>> = {
    driver: driver.kind,
    capabilities: options.capabilities,
    tenants: {
      ...tenantRepository(driver),
      // One transaction: the tenant row (as the connecting user), then the tenant's unit of work.
      provision(values, work) {
        open();
        return driver.transaction(async (sql) => {
          await translated(() =>
            sql.query("INSERT INTO tenants (id, name, subdomain, plan, is_active, limits) VALUES ($1, $2, $3, $4, $5, $6::text::jsonb)", [
              values.id,
              values.name,
              values.subdomain,
              values.plan,
              values.is_active,
              JSON.stringify(values.limits),
            ]),
          );
          const tenant = await enterTenant(sql, values.id);
          const result = await work(createTenantScope(tenant, sql, parts));
          return { tenant, result };
        });
      },
      // One transaction: the tenant row locked and changed (as the connecting user), then the tenant's unit of work.
      change(id, patchOf, work) {
        open();
        return driver.transaction(async (sql) => {
          const found = (await sql.query("SELECT * FROM tenants WHERE id = $1 FOR UPDATE", [id])).rows[0];
          if (!found) return null;
          const before = mapRow.tenant(found);
          await updateTenant(sql, id, patchOf(before));
          const tenant = await enterTenant(sql, id);
          const result = await work(createTenantScope(tenant, sql, parts), before);
          return { before, tenant, result };
        });
      },
    },
    counters: rateLimitCounters(driver, open),
    jobStorage: sqlJobStorage(driver, open),
    scheduleStorage: sqlScheduleStorage(driver, open),
    transaction: (tenantId, work, transactionOptions) =>
      inTenant(tenantId, (sql, tenant, preloaded) => work(createTenantScope<PostgresScope<Parts>>(tenant, sql, parts, preloaded)), transactionOptions),
    ...(pingReplica
      ? {
          replica: {
            async ping() {
              open();
              await pingReplica();
            },
          },
        }
      : {}),
    withTenantSql: (tenantId, work) => inTenant(tenantId, (sql) => work(sql)),
    async verifyRollups(verifyOptions) {
      open();
      const tenants = (await driver.query("SELECT id FROM tenants ORDER BY id")).rows.map((r) => String(r.id));
      const mismatches: RollupMismatch[] = [];
      const repaired: string[] = [];
      let buckets = 0;
      let ok = true;
      for (const tenantId of tenants) {
        await inTenant(tenantId, async (sql) => {
          const rows = [
            ...(await sql.query(ROLLUP_DIFF_SQL)).rows,
            ...(await sql.query(PROJECT_ROLLUP_DIFF_SQL)).rows,
            ...(await sql.query(COMPANY_MONTH_DIFF_SQL)).rows,
            ...(await sql.query(HIRE_ROLLUP_DIFF_SQL)).rows,
          ];
          buckets += rows.length;
          const differing = rows.filter((r) => r.differs === true);
          if (differing.length === 0) return;
          ok = false;
          for (const r of differing) {
            if (mismatches.length >= 100) break;
            mismatches.push({
              tenant_id: tenantId,
              employee_id: Number(r.employee_id),
              project_id: Number(r.project_id),
              month: String(r.month),
              stored: r.stored_entries === null ? null : { hours: Number(r.stored_hours), entries: Number(r.stored_entries) },
              expected: r.expected_entries === null ? null : { hours: Number(r.expected_hours), entries: Number(r.expected_entries) },
            });
          }
          if (verifyOptions?.repair) {
            for (const statement of ROLLUP_REBUILD_SQL) await sql.query(statement);
            repaired.push(tenantId);
          }
        });
      }
      return { ok, tenants: tenants.length, buckets, mismatches, repaired };
    },
    async refreshRollups(refreshOptions) {
      open();
      const maxProjects = refreshOptions?.maxProjects ?? 1_000;
      if (!Number.isInteger(maxProjects) || maxProjects < 1) throw new ConfigurationError("maxProjects", `must be a positive integer, got ${maxProjects}`);
      const tenants = (await driver.query("SELECT id FROM tenants ORDER BY id")).rows.map((r) => String(r.id));
      let projects = 0;
      const busy: string[] = [];
      for (const tenantId of tenants) {
        const refreshed = await inTenant(tenantId, async (sql) => Number((await sql.query("SELECT company_month_flush($1) AS n", [maxProjects])).rows[0]?.n ?? 0));
        if (refreshed < 0) busy.push(tenantId);
        else projects += refreshed;
      }
      return { tenants: tenants.length, projects, busy };
    },
    async ping() {
      open();
      await driver.query("SELECT 1");
    },
    async serverSettings(names) {
      open();
      const result = await driver.query<{ name: string; setting: string }>("SELECT name, setting FROM pg_settings WHERE name = ANY($1::text[])", [[...names]]);
      return Object.fromEntries(result.rows.map((r) => [r.name, r.setting]));
    },
    async close() {
      if (closed) return;
      closed = true;
      stopRefresh();
      await refreshing;
      await driver.close();
    },
    migrate: () => {
      open();
      return applyMigrations(driver, options.migrationsDirectory);
    },
    appliedMigrations: () => appliedMigrations(driver),
  };
  if (options.migrate) {
    try {
      await store.migrate();
    } catch (error) {
      await driver.close().catch(() => undefined);
      throw error;
    }
  }
  if (options.rollupRefresh !== false) stopRefresh = startRollupRefresh(options.rollupRefresh ?? {});
  return store;

  /** Runs `refreshRollups` every `everyMs` (a run still going skips a tick); answers how to stop it. */
  function startRollupRefresh(refresh: RollupRefreshOptions): () => void {
    // By default a warning at most once a minute (a database that is down fails every run).
    let warnedAt = -Infinity;
    const onError =
      refresh.onError ??
      ((error: unknown) => {
        if (Date.now() - warnedAt < 60_000) return;
        warnedAt = Date.now();
        console.warn(`[epca] background refresh of the company's cached months failed (retried every ${everyMs} ms; reads stay exact): ${error instanceof Error ? error.message : String(error)}`);
      });
    let running = false;
    const timer = setInterval(() => {
      if (running || closed) return;
      running = true;
      refreshing = store
        .refreshRollups(refresh.maxProjects === undefined ? undefined : { maxProjects: refresh.maxProjects })
        .then(
          () => undefined,
          (error: unknown) => {
            // Closed meanwhile, or a database not migrated to 0013 yet: nothing to report.
            if (closed || (error as { code?: unknown }).code === "42883") return;
            onError(error);
          },
        )
        .finally(() => {
          running = false;
        });
    }, everyMs);
    // A store left open does not keep the process alive for its refresh.
    (timer as { unref?: () => void }).unref?.();
    return () => clearInterval(timer);
  }
}
