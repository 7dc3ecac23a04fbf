import { randomBytes } from "node:crypto";
import pg from "pg";

/** The server of the test run (see test-support/global-setup.ts), or undefined when tests are skipped. */
export const serverUrl = process.env.EPCA_TEST_DATABASE_URL;

/** A fresh database `epca_test_<random>` on the test server, so that test files never collide. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!serverUrl) throw new Error("EPCA_TEST_DATABASE_URL is not set");
  const name = `epca_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
