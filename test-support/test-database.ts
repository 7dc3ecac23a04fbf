import { randomBytes } from "node:crypto";
import pg from "pg";

/** The PostgreSQL server of the test run (see global-setup.ts), or undefined when those tests are skipped. */
export const serverUrl = process.env.EPCA_TEST_DATABASE_URL;

/** A database of the test server, and how to drop it. */
export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

async function onServer(sql: string): Promise<void> {
  if (!serverUrl) throw new Error("EPCA_TEST_DATABASE_URL is not set");
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database `epca_test_<random>` on the test server, so that test files never collide. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (!serverUrl) throw new Error("EPCA_TEST_DATABASE_URL is not set");
  const name = `epca_test_${randomBytes(6).toString("hex")}`;
  await onServer(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString(), drop: () => onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
