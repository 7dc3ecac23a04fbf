import type { PGlite } from "@electric-sql/pglite";
import { createPGliteDriver } from "./pglite-driver.js";
import { createStoreOnDriver, type PostgresScope, type PostgresScopePart, type PostgresStore } from "./store.js";

/** Options of `createPGliteStore`. */
export interface PGliteStoreOptions<Parts extends Record<string, PostgresScopePart<unknown>> = Record<never, never>> {
  /** Ports of other packages to add to every scope, by the name they take in it. */
  parts?: Parts;
  /** A directory for the database files; `undefined` keeps the database in memory. */
  dataDir?: string;
  /** An instance the host created (and closes); `dataDir` is then ignored. */
  pglite?: PGlite;
  /** Apply pending migrations before resolving (default false). */
  migrate?: boolean;
  /** Where the migration files are (default: this package's `migrations/`). */
  migrationsDirectory?: string;
}

/**
 * An `EpcaStore` on embedded PGlite (PostgreSQL compiled to WebAssembly): the same SQL, row-level
 * security included, without a server. Transactions run one at a time.
 * @example
 * const store = await createPGliteStore({ dataDir: "./epca-data", migrate: true });
 */
export async function createPGliteStore<Parts extends Record<string, PostgresScopePart<unknown>> = Record<never, never>>(
  options: PGliteStoreOptions<Parts> = {},
): Promise<PostgresStore<PostgresScope<Parts>>> {
  // Loaded on first use: PGlite is an optional peer dependency.
  const db = options.pglite ?? (await (await import("@electric-sql/pglite")).PGlite.create(options.dataDir));
  const driver = createPGliteDriver(db, !options.pglite);
  // One process's database: counters and locks are this process's; the files survive a restart
  // (in memory without `dataDir`).
  return createStoreOnDriver(driver, {
    ...options,
    capabilities: { sharedAcrossProcesses: false, durable: options.dataDir !== undefined || options.pglite !== undefined },
  });
}
