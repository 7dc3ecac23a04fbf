import { createPGliteStore, createPostgresStore, type PostgresStore } from "../src/index.js";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, serverUrl } from "../../../test-support/test-database.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function counterSuite(open: () => Promise<{ store: PostgresStore; close(): Promise<void> }>) {
  let store: PostgresStore;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ store, close } = await open());
  });
  afterAll(() => close?.());

  it("counts hits per key in a window that starts at the key's first hit", async () => {
    const c = store.counters;
    const first = await c.increment("t1:a", 60_000);
    expect(first.hits).toBe(1);
    expect(first.resetAt.getTime() - Date.now()).toBeGreaterThan(55_000);
    expect(first.resetAt.getTime() - Date.now()).toBeLessThanOrEqual(61_000);
    const second = await c.increment("t1:a", 60_000);
    expect(second).toEqual({ hits: 2, resetAt: first.resetAt });
    expect((await c.increment("t1:b", 60_000)).hits).toBe(1);
    expect(await c.get("t1:a")).toEqual({ hits: 2, resetAt: first.resetAt });
    expect(await c.get("t1:none")).toBeUndefined();
  });

  it("decrements (never below 0), resets a key, and resets by prefix", async () => {
    const c = store.counters;
    await c.increment("t2:a", 60_000);
    await c.decrement("t2:a");
    await c.decrement("t2:a");
    expect((await c.get("t2:a"))?.hits).toBe(0);
    await c.reset("t2:a");
    expect(await c.get("t2:a")).toBeUndefined();
    await c.increment("t2_x:a", 60_000);
    await c.increment("t2:b", 60_000);
    await c.resetPrefix("t2:");
    expect(await c.get("t2:b")).toBeUndefined();
    expect((await c.get("t2_x:a"))?.hits).toBe(1); // `_` is not a LIKE wildcard here
  });

  it("starts a new window once the old one ended; prune deletes only ended windows", async () => {
    const c = store.counters;
    await c.increment("t3:short", 100);
    await c.increment("t3:short", 100);
    await c.increment("t3:long", 60_000);
    await sleep(150);
    expect(await c.get("t3:short")).toBeUndefined();
    // Every other key of this file lives a minute: only t3:short's window has ended.
    expect(await c.prune()).toBe(1);
    expect(await c.prune()).toBe(0);
    expect((await c.increment("t3:short", 100)).hits).toBe(1);
    expect((await c.get("t3:long"))?.hits).toBe(1);
  });

  it("concurrent increments of one key each get a distinct count", async () => {
    const c = store.counters;
    const results = await Promise.all(Array.from({ length: 40 }, () => c.increment("t4:hot", 60_000)));
    expect(results.map((r) => r.hits).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });
}

describe("rate-limit counters on PGlite", () => {
  counterSuite(async () => {
    const store = await createPGliteStore({ migrate: true });
    return { store, close: () => store.close() };
  });
});

describe.skipIf(!serverUrl)("rate-limit counters on a PostgreSQL server", () => {
  counterSuite(async () => {
    const database = await createTestDatabase();
    const store = await createPostgresStore({ connectionString: database.url, poolSize: 8, migrate: true });
    return {
      store,
      async close() {
        await store.close();
        await database.drop();
      },
    };
  });

  it("the table is UNLOGGED, outside row-level security, and granted to epca_app", async () => {
    const database = await createTestDatabase();
    const store = await createPostgresStore({ connectionString: database.url, migrate: true });
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      const { rows } = await admin.query(
        "SELECT relpersistence, relrowsecurity FROM pg_class WHERE oid = 'rate_limit_counters'::regclass",
      );
      expect(rows).toEqual([{ relpersistence: "u", relrowsecurity: false }]);
      const grants = await admin.query<{ privilege_type: string }>(
        "SELECT privilege_type FROM information_schema.role_table_grants WHERE grantee = 'epca_app' AND table_name = 'rate_limit_counters' ORDER BY 1",
      );
      expect(grants.rows.map((r) => r.privilege_type)).toEqual(["DELETE", "INSERT", "SELECT", "UPDATE"]);
    } finally {
      await admin.end();
      await store.close();
      await database.drop();
    }
  });
});
