import { ConfigurationError } from "@epca/core";
import type pg from "pg";
import { applyMigrations, type MigrationResult } from "./migrations.js";
import { createPgDriver } from "./pg-driver.js";
import { createStoreOnDriver, type PostgresScope, type PostgresScopePart, type PostgresStore, type RollupRefreshOptions } from "./store.js";

/** Options of `createPostgresStore`: a connection string or a pool the host owns. */
export interface PostgresStoreOptions<Parts extends Record<string, PostgresScopePart<unknown>> = Record<never, never>> {
  /** Ports of other packages to add to every scope, by the name they take in it. */
  parts?: Parts;
  /** `postgres://user:password@host:port/database`; ignored when `pool` is given. */
  connectionString?: string;
  /** A pool the host created (and closes): the store never ends it. */
  pool?: pg.Pool;
  /** Connections of the pool the store creates (default 10). */
  poolSize?: number;
  /**
   * A read replica (a streaming standby, `pg_basebackup -R`): read-only units of work
   * (`transaction(t, work, { readOnly: true })`: analytics, series, reports) run there, and on the
   * primary while it cannot be reached. Ignored when `readPool` is given.
   */
  readConnectionString?: string;
  /** A replica pool the host created (and closes). */
  readPool?: pg.Pool;
  /** Connections of the replica pool the store creates (default: `poolSize`). */
  readPoolSize?: number;
  /** After the replica failed, how long read-only work stays on the primary before it is tried again (ms, default 5,000). */
  replicaRetryAfterMs?: number;
  /** Apply pending migrations before resolving (default false). */
  migrate?: boolean;
  /** Where the migration files are (default: this package's `migrations/`). */
  migrationsDirectory?: string;
  /**
   * The background refresh of the company's cached months (migration 0013): every 5 s by default;
   * `false` turns it off (reads stay exact; call `store.refreshRollups()` yourself).
   */
  rollupRefresh?: RollupRefreshOptions | false;
  /**
   * Prepared statements on each connection (default true): the hot reads (a record by id, the
   * tenant and the caller every unit of work opens with) are planned once per connection. `false`
   * for a pooler that shares server connections between transactions (PgBouncer in transaction
   * mode), where a statement prepared on one transaction's connection is gone on the next: every
   * statement is then planned each time it runs (about 0.1–0.5 ms of the database's CPU more per
   * request, docs/capacity.md).
   */
  preparedStatements?: boolean;
}

type PgModule = typeof pg;

// Loaded on first use: `pg` is an optional peer dependency (PGlite users need not install it).
async function loadPg(): Promise<PgModule> {
  const module = (await import("pg")) as PgModule & { default?: PgModule };
  return module.default ?? module;
}

function poolFor(pgModule: PgModule, options: Pick<PostgresStoreOptions, "pool" | "connectionString" | "poolSize">): { pool: pg.Pool; owns: boolean } {
  if (options.pool) return { pool: options.pool, owns: false };
  if (!options.connectionString) throw new ConfigurationError("connectionString", "createPostgresStore: give `connectionString` or `pool`");
  const size = options.poolSize ?? 10;
  if (!Number.isInteger(size) || size < 1) throw new ConfigurationError("poolSize", `createPostgresStore: must be a positive integer, got ${size}`);
  // A connection attempt to a host that does not answer gives up after 5 s instead of hanging.
  const pool = new pgModule.Pool({ connectionString: options.connectionString, max: size, connectionTimeoutMillis: 5_000 });
  // An idle client that loses its connection (server restart, terminated backend) is dropped by
  // the pool; without a listener its error would crash the process.
  pool.on("error", () => undefined);
  return { pool, owns: true };
}

/**
 * An `EpcaStore` on a PostgreSQL server through node-postgres.
 * @example
 * const store = await createPostgresStore({ connectionString: process.env.DATABASE_URL, migrate: true });
 * const company = await store.transaction("default", (s) => s.analytics.company());
 */
export async function createPostgresStore<Parts extends Record<string, PostgresScopePart<unknown>> = Record<never, never>>(
  options: PostgresStoreOptions<Parts>,
): Promise<PostgresStore<PostgresScope<Parts>>> {
  const pgModule = await loadPg();
  const { pool, owns } = poolFor(pgModule, options);
  const replica =
    options.readPool || options.readConnectionString
      ? poolFor(pgModule, { pool: options.readPool, connectionString: options.readConnectionString, poolSize: options.readPoolSize ?? options.poolSize })
      : undefined;
  const driver = createPgDriver(
    pool,
    pgModule.types,
    owns,
    replica && { ...replica, ...(options.replicaRetryAfterMs !== undefined ? { retryAfterMs: options.replicaRetryAfterMs } : {}) },
    { preparedStatements: options.preparedStatements ?? true },
  );
  return createStoreOnDriver(driver, { ...options, capabilities: { sharedAcrossProcesses: true, durable: true } });
}

/** Applies pending migrations to a PostgreSQL database with a one-connection pool, then closes it. */
export async function migrate(options: Pick<PostgresStoreOptions, "connectionString" | "pool" | "migrationsDirectory">): Promise<MigrationResult> {
  const pgModule = await loadPg();
  const { pool, owns } = poolFor(pgModule, { ...options, poolSize: 1 });
  const driver = createPgDriver(pool, pgModule.types, owns);
  try {
    return await applyMigrations(driver, options.migrationsDirectory);
  } finally {
    await driver.close();
  }
}
