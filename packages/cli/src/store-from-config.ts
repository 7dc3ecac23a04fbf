import { createInProcessJobQueue, type EpcaStore, type JobEvent, type JobQueue, type ScheduleStorage } from "@epca/core";
import { createMemoryJobStorage, createMemoryScheduleStorage, createMemoryStore } from "@epca/adapter-memory";
import { memoryModelRegistry } from "@epca/adapter-memory/ml";
import { memoryReportFiles } from "@epca/adapter-memory/reports";
import { memoryUploads } from "@epca/adapter-memory/uploads";
import { createPGliteStore, createPostgresStore, type PostgresStore } from "@epca/adapter-postgres";
import { postgresModelRegistry } from "@epca/adapter-postgres/ml";
import { createPgBossJobQueue } from "@epca/adapter-postgres/pg-boss";
import { postgresReportFiles } from "@epca/adapter-postgres/reports";
import { postgresUploads } from "@epca/adapter-postgres/uploads";
import { DURABILITY_SETTINGS, durabilityWarnings, waitForDatabase, type ServerConfig } from "@epca/server";
import { lazyJobQueue } from "./lazy-job-queue.js";

/** A store and what opening it did. */
export interface OpenedStore {
  readonly store: EpcaStore;
  /** A sentence for the start-up log, e.g. "PGlite in ./.epca-data". */
  readonly description: string;
  /** Migrations applied while opening (empty for the memory store). */
  readonly migrationsApplied: readonly { version: number; name: string }[];
  /**
   * The background job queue on that store: in memory for `memory:`, durable in the `jobs` table
   * for PGlite (one process), pg-boss 10 on PostgreSQL (shared by every server and worker
   * process; opened on first use, so that `migrate` and the like never start it).
   */
  readonly jobs: JobQueue;
  /** Where recurring jobs are kept (beside the jobs). */
  readonly schedules: ScheduleStorage;
}

/** Job events of the queues this process opened go here (the server's metrics subscribe). */
export const jobEvents: { listener: ((event: JobEvent) => void) | null } = { listener: null };
const onEvent = (event: JobEvent) => jobEvents.listener?.(event);

/**
 * Opens the store `DATABASE_URL` selects, applying pending migrations when `migrate` is true:
 * unset → PGlite in `EPCA_DATA_DIR`; `postgres://…` → PostgreSQL; `memory:` → in memory. Every
 * store carries the report files part (`reportFiles`) and `@epca/ml`'s model registry (`modelRegistry`).
 */
export async function storeFromConfig(
  config: Pick<ServerConfig, "storeKind" | "DATABASE_URL" | "EPCA_DATA_DIR" | "DB_POOL_SIZE"> &
    Partial<Pick<ServerConfig, "JOB_LEASE_SECONDS" | "DB_CONNECT_TIMEOUT_SECONDS" | "DATABASE_READ_URL" | "DB_PREPARED_STATEMENTS">>,
  options: { migrate?: boolean; onProgress?: (message: string) => void } = {},
): Promise<OpenedStore> {
  const migrate = options.migrate ?? true;
  const leaseMs = (config.JOB_LEASE_SECONDS ?? 30) * 1000;
  switch (config.storeKind) {
    case "memory":
      return {
        store: createMemoryStore({ parts: { reportFiles: memoryReportFiles, modelRegistry: memoryModelRegistry, uploads: memoryUploads } }),
        description: "in-memory store (data is lost on exit)",
        migrationsApplied: [],
        jobs: createInProcessJobQueue({ storage: createMemoryJobStorage(), durable: false, onEvent, leaseMs }),
        schedules: createMemoryScheduleStorage(),
      };
    case "postgres": {
      const store = await createPostgresStore({
        connectionString: config.DATABASE_URL!,
        poolSize: config.DB_POOL_SIZE,
        parts: { reportFiles: postgresReportFiles, modelRegistry: postgresModelRegistry, uploads: postgresUploads },
        ...(config.DATABASE_READ_URL ? { readConnectionString: config.DATABASE_READ_URL } : {}),
        ...(config.DB_PREPARED_STATEMENTS === false ? { preparedStatements: false } : {}),
      });
      await waitForPostgres(store, config, options.onProgress ?? stderrProgress);
      const result = migrate ? await store.migrate() : { applied: [] };
      return {
        store,
        description: `PostgreSQL at ${redactUrl(config.DATABASE_URL!)}${config.DATABASE_READ_URL ? ` (analytics reads: replica at ${redactUrl(config.DATABASE_READ_URL)})` : ""}`,
        migrationsApplied: result.applied,
        jobs: lazyJobQueue({ sharedAcrossProcesses: true, durable: true }, () =>
          createPgBossJobQueue({ connectionString: config.DATABASE_URL!, onEvent, leaseMs }),
        ),
        schedules: store.scheduleStorage,
      };
    }
    case "pglite": {
      const store = await createPGliteStore({ dataDir: config.EPCA_DATA_DIR, parts: { reportFiles: postgresReportFiles, modelRegistry: postgresModelRegistry, uploads: postgresUploads } });
      const result = migrate ? await store.migrate() : { applied: [] };
      return {
        store,
        description: `embedded PGlite in ${config.EPCA_DATA_DIR}`,
        migrationsApplied: result.applied,
        jobs: createInProcessJobQueue({ storage: store.jobStorage, durable: true, onEvent, leaseMs }),
        schedules: store.scheduleStorage,
      };
    }
  }
}

const stderrProgress = (message: string) => process.stderr.write(`epca: ${message}\n`);

/**
 * Waits up to `DB_CONNECT_TIMEOUT_SECONDS` for PostgreSQL (a database container starting beside
 * the server), one line per failed attempt; then warns about each durability setting that is off.
 */
async function waitForPostgres(
  store: Pick<PostgresStore, "ping" | "serverSettings" | "close">,
  config: Pick<ServerConfig, "DATABASE_URL"> & Partial<Pick<ServerConfig, "DB_CONNECT_TIMEOUT_SECONDS">>,
  progress: (message: string) => void,
): Promise<void> {
  const where = redactUrl(config.DATABASE_URL!);
  try {
    await waitForDatabase(() => store.ping(), {
      timeoutSeconds: config.DB_CONNECT_TIMEOUT_SECONDS ?? 30,
      onRetry: (attempt, error, remaining) =>
        progress(`waiting for PostgreSQL at ${where} (attempt ${attempt}: ${(error as Error).message || String(error)}); retrying for ${remaining} s more`),
    });
  } catch (error) {
    await store.close();
    throw new Error(`PostgreSQL at ${where} did not answer within DB_CONNECT_TIMEOUT_SECONDS (${config.DB_CONNECT_TIMEOUT_SECONDS ?? 30} s): ${(error as Error).message}`, { cause: error });
  }
  for (const warning of durabilityWarnings(await store.serverSettings(DURABILITY_SETTINGS))) {
    progress(`warning: durability is off on ${where}: ${warning}`);
  }
}

/** A connection string without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparseable URL)";
  }
}
