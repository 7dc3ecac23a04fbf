import type { PGlite } from "@electric-sql/pglite";
import { lockDataDirectory, type DataDirectoryLock } from "./data-directory-lock.js";
import { createPGliteDriver } from "./pglite-driver.js";
import { createStoreOnDriver, type PostgresScope, type PostgresScopePart, type PostgresStore, type RollupRefreshOptions } from "./store.js";

/** Options of `createPGliteStore`. */
export interface PGliteStoreOptions<Parts extends Record<string, PostgresScopePart<unknown>> = Record<never, never>> {
  /** Ports of other packages to add to every scope, by the name they take in it. */
  parts?: Parts;
  /**
   * A directory for the database files; `undefined` keeps the database in memory. A directory on
   * disk is locked for this process until `close()` (see `DataDirectoryLockedError`).
   */
  dataDir?: string;
  /** An instance the host created (and closes); `dataDir` is then ignored. */
  pglite?: PGlite;
  /** Apply pending migrations before resolving (default false). */
  migrate?: boolean;
  /** Where the migration files are (default: this package's `migrations/`). */
  migrationsDirectory?: string;
  /**
   * The background refresh of the company's cached months (migration 0013): every 5 s by default;
   * `false` turns it off (reads stay exact; call `store.refreshRollups()` yourself).
   */
  rollupRefresh?: RollupRefreshOptions | false;
}

/** The file-system directory of a `dataDir` (plain or `file://` path), or `null` for `memory://`, `idb://`… */
function directoryOf(dataDir: string): string | null {
  if (dataDir.startsWith("file://")) return dataDir.slice("file://".length);
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(dataDir) ? null : dataDir;
}

/**
 * An `EpcaStore` on embedded PGlite (PostgreSQL compiled to WebAssembly): the same SQL, row-level
 * security included, without a server. Transactions run one at a time.
 *
 * PGlite is one process's database: a `dataDir` on disk is locked exclusively (a lock file with
 * this process's pid) until `close()` or the process exits; a second opener, in another process
 * or this one, gets `DataDirectoryLockedError` at once instead of writes that would be lost. A
 * lock left by a process that no longer exists is taken over.
 * @example
 * const store = await createPGliteStore({ dataDir: "./epca-data", migrate: true });
 */
export async function createPGliteStore<Parts extends Record<string, PostgresScopePart<unknown>> = Record<never, never>>(
  options: PGliteStoreOptions<Parts> = {},
): Promise<PostgresStore<PostgresScope<Parts>>> {
  const directory = options.pglite || options.dataDir === undefined ? null : directoryOf(options.dataDir);
  const lock: DataDirectoryLock | null = directory === null ? null : lockDataDirectory(directory);
  let db: PGlite;
  try {
    // Loaded on first use: PGlite is an optional peer dependency.
    db = options.pglite ?? (await (await import("@electric-sql/pglite")).PGlite.create(options.dataDir));
  } catch (error) {
    lock?.release();
    throw error;
  }
  const pglite = createPGliteDriver(db, !options.pglite);
  const driver = lock
    ? {
        ...pglite,
        async close(): Promise<void> {
          try {
            await pglite.close();
          } finally {
            lock.release();
          }
        },
      }
    : pglite;
  // One process's database: counters and locks are this process's; the files survive a restart
  // (in memory without `dataDir`).
  return createStoreOnDriver(driver, {
    ...options,
    capabilities: { sharedAcrossProcesses: false, durable: options.dataDir !== undefined || options.pglite !== undefined },
  });
}
