import { randomBytes } from "node:crypto";
import type { EpcaStore } from "@epca/core";
import { createMemoryStore } from "@epca/adapter-memory";
import { createPostgresStore } from "@epca/adapter-postgres";
import pg from "pg";

/** Opens a fresh, empty, migrated store; `close` releases (and drops) it. */
export type StoreFactory = () => Promise<{ store: EpcaStore; close(): Promise<void> }>;

/** A memory store. */
export const memoryStoreFactory: StoreFactory = async () => {
  const store = createMemoryStore();
  return { store, close: () => store.close() };
};

/** The PostgreSQL server of the test run (test-support/global-setup.ts), if any. */
export const postgresServerUrl = process.env.EPCA_TEST_DATABASE_URL;

/** A store on a fresh database `epca_server_<random>` of the test server (CREATE DATABASE per call). */
export const postgresStoreFactory: StoreFactory = async () => {
  if (!postgresServerUrl) throw new Error("EPCA_TEST_DATABASE_URL is not set");
  const name = `epca_server_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: postgresServerUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresServerUrl);
  url.pathname = `/${name}`;
  const store = await createPostgresStore({ connectionString: url.toString(), poolSize: 5 });
  await store.migrate();
  return {
    store,
    async close() {
      await store.close();
      const client = new pg.Client({ connectionString: postgresServerUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
};
