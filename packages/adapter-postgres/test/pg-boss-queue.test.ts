import { PLAN_LIMITS, type JobHandler, type JobQueue } from "@epca/core";
import { runJobQueueContract } from "@epca/core/testing";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPgBossJobQueue } from "../src/pg-boss.js";
import { createPostgresStore } from "../src/index.js";
import { createTestDatabase, serverUrl, type TestDatabase } from "../../../test-support/test-database.js";

describe.skipIf(!serverUrl)("pg-boss 10 on a PostgreSQL server", () => {
  runJobQueueContract(
    { describe, it, beforeAll, afterAll },
    {
      name: "pg-boss 10 (delivery) with the jobs table (records)",
      create: async () => {
        const database = await createTestDatabase();
        const store = await createPostgresStore({ connectionString: database.url, migrate: true, poolSize: 2 });
        await store.tenants.insert({ id: "other", name: "Other", subdomain: "other", plan: "starter", is_active: true, limits: PLAN_LIMITS.starter });
        await store.close();
        return {
          queue: await createPgBossJobQueue({ connectionString: database.url, leaseMs: 1_000 }),
          tenants: ["default", "other"],
          close: () => database.drop(),
        };
      },
    },
  );
});

describe.skipIf(!serverUrl)("pg-boss 10 queue: what its two records promise together", () => {
  let database: TestDatabase;
  let queue: JobQueue;
  let client: pg.Client;
  const delivery = async (id: string) =>
    (await client.query<{ state: string; retry_count: number }>("SELECT state, retry_count FROM pgboss.job WHERE id = $1", [id])).rows[0] ?? null;
  const until = async (check: () => Promise<boolean>, what: string, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    const store = await createPostgresStore({ connectionString: database.url, migrate: true, poolSize: 1 });
    await store.close();
    queue = await createPgBossJobQueue({ connectionString: database.url, leaseMs: 1_000 });
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  });
  afterAll(async () => {
    await client?.end();
    await queue?.close();
    await database?.drop();
  });

  it("enqueues one pg-boss job per record, with the record's id, priority, run-at and retry policy", async () => {
    const runAt = new Date(Date.now() + 3_600_000);
    const job = await queue.enqueue("default", { type: "boss.shape", payload: { a: 1 }, priority: 3, runAt, retry: { limit: 4, delaySeconds: 1.5, backoff: false }, idempotencyKey: "once" });
    await queue.enqueue("default", { type: "boss.shape", payload: { a: 2 }, idempotencyKey: "once" });
    const { rows } = await client.query("SELECT name, priority, start_after, retry_limit, retry_delay, retry_backoff, state, data FROM pgboss.job WHERE name = 'epca.boss.shape'");
    expect(rows).toEqual([
      { name: "epca.boss.shape", priority: 3, start_after: runAt, retry_limit: 4, retry_delay: 2, retry_backoff: false, state: "created", data: { tenantId: "default" } },
    ]);
    expect((await delivery(job.id))?.state).toBe("created");
  });

  it("a cancelled job's delivery is cancelled in pg-boss too", async () => {
    const job = await queue.enqueue("default", { type: "boss.cancel", payload: null, runAt: new Date(Date.now() + 60_000) });
    expect((await queue.cancel("default", job.id))?.status).toBe("cancelled");
    expect((await delivery(job.id))?.state).toBe("cancelled");
  });

  it("renews the lease while a handler runs longer than it: pg-boss does not expire a live worker's job", async () => {
    let runs = 0;
    const worker = queue.work(new Map<string, JobHandler>([["boss.long", async () => {
      runs += 1;
      await new Promise((resolve) => setTimeout(resolve, 3_500));
      return "done";
    }]]), { pollMs: 20 });
    try {
      const job = await queue.enqueue("default", { type: "boss.long", payload: null });
      await until(async () => (await queue.get("default", job.id))?.status === "succeeded", "the long job succeeds", 15_000);
      expect({ runs, attempts: (await queue.get("default", job.id))?.attempts, delivery: await delivery(job.id) }).toEqual({ runs: 1, attempts: 1, delivery: { state: "completed", retry_count: 0 } });
    } finally {
      await worker.stop();
    }
  }, 20_000);

  it("a delivery that comes back for a job that already succeeded does not run it again", async () => {
    let runs = 0;
    const worker = queue.work(new Map<string, JobHandler>([["boss.once", async () => ++runs]]), { pollMs: 20 });
    try {
      const job = await queue.enqueue("default", { type: "boss.once", payload: null });
      await until(async () => (await queue.get("default", job.id))?.status === "succeeded", "the job succeeds");
      // As if pg-boss had expired and retried it after the handler finished (a crash before `complete`).
      await client.query("UPDATE pgboss.job SET state = 'retry', completed_on = NULL WHERE id = $1", [job.id]);
      await until(async () => (await delivery(job.id))?.state === "completed", "the returning delivery is completed without a run");
      expect({ runs, job: await queue.get("default", job.id) }).toMatchObject({ runs: 1, job: { status: "succeeded", attempts: 1, result: 1 } });
    } finally {
      await worker.stop();
    }
  });

  it("a failed attempt takes pg-boss's retry time as the record's run-at, and pg-boss's failure as the end", async () => {
    const worker = queue.work(new Map<string, JobHandler>([["boss.fails", async () => {
      throw new Error("nope");
    }]]), { pollMs: 20 });
    try {
      const job = await queue.enqueue("default", { type: "boss.fails", payload: null, retry: { limit: 1, delaySeconds: 30, backoff: false } });
      await until(async () => (await queue.get("default", job.id))?.attempts === 1 && (await queue.get("default", job.id))?.status === "queued", "the first attempt fails");
      const retried = (await queue.get("default", job.id))!;
      const { rows } = await client.query<{ start_after: Date; state: string }>("SELECT start_after, state FROM pgboss.job WHERE id = $1", [job.id]);
      expect({ error: retried.error, run_at: retried.run_at, state: rows[0]!.state }).toEqual({ error: "nope", run_at: rows[0]!.start_after.toISOString(), state: "retry" });
      expect(Date.parse(retried.run_at) - Date.now()).toBeGreaterThan(25_000);
    } finally {
      await worker.stop();
    }
  });

  it("refuses a lease under one second (pg-boss counts whole seconds)", async () => {
    await expect(createPgBossJobQueue({ connectionString: database.url, leaseMs: 500 })).rejects.toMatchObject({ code: "invalid_configuration" });
  });
});
