/**
 * pg-boss queues created at once by two processes (a server's first enqueue racing a worker's
 * start): pg-boss 10's `create_queue` deadlocks against another one (40P01); the queue retries
 * it, so every enqueue goes through. Found by the fault test of a worker killed mid-training.
 */
import type { JobQueue } from "@epca/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgBossJobQueue } from "../src/pg-boss.js";
import { createPostgresStore } from "../src/index.js";
import { createTestDatabase, serverUrl, type TestDatabase } from "../../../test-support/test-database.js";

describe.skipIf(!serverUrl)("pg-boss queues created at once by two processes", () => {
  let database: TestDatabase;
  let first: JobQueue;
  let second: JobQueue;

  beforeAll(async () => {
    database = await createTestDatabase();
    const store = await createPostgresStore({ connectionString: database.url, migrate: true, poolSize: 1 });
    await store.close();
    // Two queues on one database, each with its own pg-boss and pool: what two processes hold.
    first = await createPgBossJobQueue({ connectionString: database.url, leaseMs: 1_000 });
    second = await createPgBossJobQueue({ connectionString: database.url, leaseMs: 1_000 });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await database?.drop();
  });

  it("enqueues jobs of sixteen new types from both at the same moment, none refused", async () => {
    const outcomes = await Promise.allSettled([
      ...Array.from({ length: 8 }, (_, i) => first.enqueue("default", { type: `created.first${i}`, payload: { i } })),
      ...Array.from({ length: 8 }, (_, i) => second.enqueue("default", { type: `created.second${i}`, payload: { i } })),
    ]);
    const refused = outcomes.flatMap((o) => (o.status === "rejected" ? [String((o.reason as Error).message)] : []));
    expect(refused).toEqual([]);
    const listed = await first.list("default", {}, { limit: 100, skip: 0 });
    expect(listed.items.map((j) => j.type).sort()).toEqual([...Array.from({ length: 8 }, (_, i) => `created.first${i}`), ...Array.from({ length: 8 }, (_, i) => `created.second${i}`)].sort());
  });
});
