import { startThrowawayCluster } from "./postgres-cluster.js";

/**
 * Vitest global setup, once per `vitest run`: provides `EPCA_TEST_DATABASE_URL` (a server the
 * PostgreSQL tests create their own databases on). An existing value is used as is; otherwise a
 * throwaway cluster is started when `initdb` is found, and stopped and deleted in teardown.
 */
export default async function setup(): Promise<() => void> {
  if (process.env.EPCA_TEST_DATABASE_URL) return () => undefined;
  const cluster = await startThrowawayCluster();
  if (!cluster) {
    if (process.env.EPCA_REQUIRE_POSTGRES) {
      throw new Error("EPCA_REQUIRE_POSTGRES is set but no initdb was found: install PostgreSQL or set EPCA_TEST_DATABASE_URL");
    }
    console.warn("\n[epca] PostgreSQL server tests SKIPPED: no initdb found (set EPCA_TEST_DATABASE_URL to run them)\n");
    return () => undefined;
  }
  // Test workers are forked after this and inherit the environment.
  process.env.EPCA_TEST_DATABASE_URL = cluster.url;
  return () => {
    delete process.env.EPCA_TEST_DATABASE_URL;
    cluster.stop();
  };
}
