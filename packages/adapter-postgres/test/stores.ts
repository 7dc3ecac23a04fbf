import { createPGliteStore, createPostgresStore, type PostgresStore } from "../src/index.js";
import { createTestDatabase } from "../../../test-support/test-database.js";

/** A migrated store and how to release it (the database too, for a server). */
export interface OpenedStore {
  readonly store: PostgresStore;
  close(): Promise<void>;
}

/** An in-memory PGlite, migrated. */
export async function openPGlite(options: { rollupRefresh?: false } = {}): Promise<OpenedStore> {
  const store = await createPGliteStore({ migrate: true, ...options });
  return { store, close: () => store.close() };
}

/** A fresh database on the test run's PostgreSQL server, migrated; `close` drops it. */
export async function openPostgres(options: { poolSize?: number; rollupRefresh?: false | { everyMs: number } } = {}): Promise<OpenedStore> {
  const database = await createTestDatabase();
  const store = await createPostgresStore({ connectionString: database.url, migrate: true, ...options });
  return {
    store,
    async close() {
      await store.close();
      await database.drop();
    },
  };
}
