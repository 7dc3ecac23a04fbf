import { createInProcessJobQueue, type EpcaStore, type JobEvent, type JobQueue, type ScheduleStorage } from "@epca/core";
import { createMemoryJobStorage, createMemoryScheduleStorage, createMemoryStore } from "@epca/adapter-memory";
import { createPGliteStore, createPostgresStore } from "@epca/adapter-postgres";
import { createPgBossJobQueue } from "@epca/adapter-postgres/pg-boss";
import type { ServerConfig } from "@epca/server";
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
 * unset → PGlite in `EPCA_DATA_DIR`; `postgres://…` → PostgreSQL; `memory:` → in memory.
 */
export async function storeFromConfig(
  config: Pick<ServerConfig, "storeKind" | "DATABASE_URL" | "EPCA_DATA_DIR" | "DB_POOL_SIZE"> & Partial<Pick<ServerConfig, "JOB_LEASE_SECONDS">>,
  options: { migrate?: boolean } = {},
): Promise<OpenedStore> {
  const migrate = options.migrate ?? true;
  const leaseMs = (config.JOB_LEASE_SECONDS ?? 30) * 1000;
  switch (config.storeKind) {
    case "memory":
      return {
        store: createMemoryStore(),
        description: "in-memory store (data is lost on exit)",
        migrationsApplied: [],
        jobs: createInProcessJobQueue({ storage: createMemoryJobStorage(), durable: false, onEvent, leaseMs }),
        schedules: createMemoryScheduleStorage(),
      };
    case "postgres": {
      const store = await createPostgresStore({ connectionString: config.DATABASE_URL!, poolSize: config.DB_POOL_SIZE });
      const result = migrate ? await store.migrate() : { applied: [] };
      return {
        store,
        description: `PostgreSQL at ${redactUrl(config.DATABASE_URL!)}`,
        migrationsApplied: result.applied,
        jobs: lazyJobQueue({ sharedAcrossProcesses: true, durable: true }, () =>
          createPgBossJobQueue({ connectionString: config.DATABASE_URL!, onEvent, leaseMs }),
        ),
        schedules: store.scheduleStorage,
      };
    }
    case "pglite": {
      const store = await createPGliteStore({ dataDir: config.EPCA_DATA_DIR });
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
