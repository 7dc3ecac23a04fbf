import type { EpcaStore } from "@epca/core";
import { createMemoryStore } from "@epca/adapter-memory";
import { createPGliteStore, createPostgresStore } from "@epca/adapter-postgres";
import type { ServerConfig } from "@epca/server";

/** A store and what opening it did. */
export interface OpenedStore {
  readonly store: EpcaStore;
  /** A sentence for the start-up log, e.g. "PGlite in ./.epca-data". */
  readonly description: string;
  /** Migrations applied while opening (empty for the memory store). */
  readonly migrationsApplied: readonly { version: number; name: string }[];
}

/**
 * Opens the store `DATABASE_URL` selects, applying pending migrations when `migrate` is true:
 * unset → PGlite in `EPCA_DATA_DIR`; `postgres://…` → PostgreSQL; `memory:` → in memory.
 */
export async function storeFromConfig(
  config: Pick<ServerConfig, "storeKind" | "DATABASE_URL" | "EPCA_DATA_DIR" | "DB_POOL_SIZE">,
  options: { migrate?: boolean } = {},
): Promise<OpenedStore> {
  const migrate = options.migrate ?? true;
  switch (config.storeKind) {
    case "memory":
      return { store: createMemoryStore(), description: "in-memory store (data is lost on exit)", migrationsApplied: [] };
    case "postgres": {
      const store = await createPostgresStore({ connectionString: config.DATABASE_URL!, poolSize: config.DB_POOL_SIZE });
      const result = migrate ? await store.migrate() : { applied: [] };
      return { store, description: `PostgreSQL at ${redactUrl(config.DATABASE_URL!)}`, migrationsApplied: result.applied };
    }
    case "pglite": {
      const store = await createPGliteStore({ dataDir: config.EPCA_DATA_DIR });
      const result = migrate ? await store.migrate() : { applied: [] };
      return { store, description: `embedded PGlite in ${config.EPCA_DATA_DIR}`, migrationsApplied: result.applied };
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
