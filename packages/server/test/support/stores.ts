import type { EpcaStore } from "@epca/core";
import { createMemoryStore } from "@epca/adapter-memory";
import { memoryModelRegistry } from "@epca/adapter-memory/ml";
import { memoryReportFiles } from "@epca/adapter-memory/reports";
import { memoryUploads } from "@epca/adapter-memory/uploads";
import { createPGliteStore, createPostgresStore } from "@epca/adapter-postgres";
import { postgresModelRegistry } from "@epca/adapter-postgres/ml";
import { postgresReportFiles } from "@epca/adapter-postgres/reports";
import { postgresUploads } from "@epca/adapter-postgres/uploads";
import { createTestDatabase, serverUrl } from "../../../../test-support/test-database.js";

/** Opens a fresh, empty, migrated store; `close` releases (and drops) it. */
export type StoreFactory = () => Promise<{ store: EpcaStore; close(): Promise<void> }>;

/** The parts `epca serve` gives a memory store: report files, the model registry, upload receipts. */
export const memoryParts = { reportFiles: memoryReportFiles, modelRegistry: memoryModelRegistry, uploads: memoryUploads };
/** The parts `epca serve` gives a PostgreSQL or PGlite store. */
export const postgresParts = { reportFiles: postgresReportFiles, modelRegistry: postgresModelRegistry, uploads: postgresUploads };

/** A memory store, with the parts `epca serve` gives it. */
export const memoryStoreFactory: StoreFactory = async () => {
  const store = createMemoryStore({ parts: memoryParts });
  return { store, close: () => store.close() };
};

/** A PGlite store in memory (the embedded default's engine), migrated, with `epca serve`'s parts. */
export const pgliteStoreFactory: StoreFactory = async () => {
  const store = await createPGliteStore({ migrate: true, parts: postgresParts });
  return { store, close: () => store.close() };
};

/** The PostgreSQL server of the test run (test-support/global-setup.ts), if any. */
export const postgresServerUrl = serverUrl;

/** A store on a fresh database of the test server (CREATE DATABASE per call), with `epca serve`'s parts. */
export const postgresStoreFactory: StoreFactory = async () => {
  const database = await createTestDatabase();
  const store = await createPostgresStore({ connectionString: database.url, poolSize: 5, parts: postgresParts });
  await store.migrate();
  return {
    store,
    async close() {
      await store.close();
      await database.drop();
    },
  };
};
