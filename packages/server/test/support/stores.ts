import type { EpcaStore } from "@epca/core";
import { createMemoryStore } from "@epca/adapter-memory";
import { memoryModelRegistry } from "@epca/adapter-memory/ml";
import { memoryReportFiles } from "@epca/adapter-memory/reports";
import { createPostgresStore } from "@epca/adapter-postgres";
import { postgresModelRegistry } from "@epca/adapter-postgres/ml";
import { postgresReportFiles } from "@epca/adapter-postgres/reports";
import { createTestDatabase, serverUrl } from "../../../../test-support/test-database.js";

/** Opens a fresh, empty, migrated store; `close` releases (and drops) it. */
export type StoreFactory = () => Promise<{ store: EpcaStore; close(): Promise<void> }>;

/** A memory store, with the parts `epca serve` gives it (report files, model registry). */
export const memoryStoreFactory: StoreFactory = async () => {
  const store = createMemoryStore({ parts: { reportFiles: memoryReportFiles, modelRegistry: memoryModelRegistry } });
  return { store, close: () => store.close() };
};

/** The PostgreSQL server of the test run (test-support/global-setup.ts), if any. */
export const postgresServerUrl = serverUrl;

/** A store on a fresh database (with the report files part) of the test server (CREATE DATABASE per call). */
export const postgresStoreFactory: StoreFactory = async () => {
  const database = await createTestDatabase();
  const store = await createPostgresStore({ connectionString: database.url, poolSize: 5, parts: { reportFiles: postgresReportFiles, modelRegistry: postgresModelRegistry } });
  await store.migrate();
  return {
    store,
    async close() {
      await store.close();
      await database.drop();
    },
  };
};
