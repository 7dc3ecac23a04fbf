/**
 * `epca worker` processes on one PostgreSQL: 200 jobs enqueued from elsewhere each run exactly
 * once across two workers; a worker killed with SIGKILL mid-job leaves the job to come back after
 * its lease, and another worker finishes it; a succeeded job never runs again; SIGTERM lets a
 * running job finish.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createPostgresStore, type PostgresStore } from "@epca/adapter-postgres";
import { createPgBossJobQueue } from "@epca/adapter-postgres/pg-boss";
import type { JobQueue, JobRecord } from "@epca/core";
import { createSchedule } from "@epca/server";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, startProcess, type RunningProcess } from "../../../test-support/processes.js";
import { createTestDatabase, serverUrl, type TestDatabase } from "../../../test-support/test-database.js";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const page = { skip: 0, limit: 1000 };

describe.skipIf(!serverUrl)("epca worker processes on one PostgreSQL", () => {
  let database: TestDatabase;
  let store: PostgresStore;
  let queue: JobQueue;
  let workDir: string;
  const workers: RunningProcess[] = [];

  const startWorker = async () => {
    const worker = startProcess(process.execPath, [CLI, "worker", "--concurrency", "4"], {
      cwd: workDir,
      env: cleanEnv({ DATABASE_URL: database.url, LOG_LEVEL: "warn", JOB_LEASE_SECONDS: "2", JOB_GRACE_SECONDS: "5", SECRET_KEY: "worker-test-secret-key-that-is-long-enough" }),
    });
    workers.push(worker);
    await waitFor(async () => worker.stderr().includes("worker running on"), "the worker starts", 30_000);
    return worker;
  };
  /** What pg-boss's own table says of the deliveries of these jobs. */
  const deliveries = async (ids: readonly string[]) => {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ id: string; state: string; retry_count: number }>("SELECT id, state, retry_count FROM pgboss.job WHERE id = ANY($1::uuid[])", [ids]);
      return new Map(rows.map((r) => [r.id, { state: r.state, retry_count: r.retry_count }]));
    } finally {
      await client.end();
    }
  };
  const jobs = async (type: string) => (await queue.list("default", { type }, page)).items;
  const waitFor = async (check: () => Promise<boolean>, what: string, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), "epca-worker-"));
    database = await createTestDatabase();
    store = await createPostgresStore({ connectionString: database.url, migrate: true, poolSize: 4 });
    // Enqueued where `epca serve` enqueues on PostgreSQL: pg-boss (and the jobs table).
    queue = await createPgBossJobQueue({ connectionString: database.url, leaseMs: 2_000 });
  });
  afterAll(async () => {
    for (const worker of workers) await worker.stop("SIGKILL");
    await queue?.close();
    await store?.close();
    await database?.drop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it("starts TensorFlow.js's wasm backend at launch (files from node_modules) and says so", async () => {
    const worker = await startWorker();
    await waitFor(async () => worker.stderr().includes("epca: ML backend: "), "the worker names its ML backend", 60_000);
    expect(worker.stderr()).toContain("epca: ML backend: wasm\n");
    await worker.stop("SIGTERM");
  }, 90_000);

  it("runs each of 200 jobs exactly once across two workers", async () => {
    // 200 × 25 ms of work: more than one worker's start-up, so that both take part even when one
    // process starts seconds after the other on a loaded machine.
    const enqueued = await Promise.all(Array.from({ length: 200 }, (_, i) => queue.enqueue("default", { type: "jobs.echo", payload: { value: i, ms: 25 } })));
    const [a, b] = await Promise.all([startWorker(), startWorker()]);
    await waitFor(async () => (await queue.list("default", { type: "jobs.echo", status: "succeeded" }, page)).total === 200, "all 200 succeed");
    const done = await jobs("jobs.echo");
    expect(done.map((j) => j.attempts)).toEqual(done.map(() => 1));
    expect(new Set(done.map((j) => (j.result as { echo: number }).echo))).toEqual(new Set(enqueued.map((_, i) => i)));
    const pids = new Set(done.map((j) => (j.result as { pid: number }).pid));
    expect([...pids].sort()).toEqual([a.child.pid, b.child.pid].sort());
    // Delivered by pg-boss: each job is one of its jobs, completed on the first fetch.
    const delivered = await deliveries(enqueued.map((j) => j.id));
    expect([...delivered.values()]).toEqual(enqueued.map(() => ({ state: "completed", retry_count: 0 })));
    await a.stop("SIGTERM");
    await b.stop("SIGTERM");
  }, 120_000);

  it("a job whose worker is killed mid-run comes back after its lease and finishes on another worker; nothing that succeeded runs again", async () => {
    const before = await jobs("jobs.echo");
    const victim = await startWorker();
    const long = await queue.enqueue("default", { type: "jobs.echo", payload: { value: "survivor", ms: 4_000 } });
    await waitFor(async () => (await queue.get("default", long.id))?.status === "running", "the long job starts");
    const killed = await victim.stop("SIGKILL");
    expect(killed.signal).toBe("SIGKILL");
    expect((await queue.get("default", long.id))?.status).toBe("running"); // as the dead worker left it
    const rescuer = await startWorker();
    await waitFor(async () => (await queue.get("default", long.id))?.status === "succeeded", "another worker finishes it", 60_000);
    const finished = (await queue.get("default", long.id)) as JobRecord;
    expect(finished.attempts).toBe(2);
    expect((finished.result as { pid: number; echo: string }).pid).toBe(rescuer.child.pid);
    // pg-boss expired the dead worker's delivery and retried it once.
    expect((await deliveries([long.id])).get(long.id)).toEqual({ state: "completed", retry_count: 1 });
    // The 200 succeeded jobs were not run again by the new workers.
    const after = new Map((await jobs("jobs.echo")).map((j) => [j.id, j]));
    for (const job of before) expect(after.get(job.id)?.attempts).toBe(1);
    await rescuer.stop("SIGTERM");
  }, 120_000);

  it("a schedule due every second, seen by two worker processes for 10 s, makes one job per second", async () => {
    const schedule = await createSchedule(store.scheduleStorage, "default", { name: "tick", cron: "* * * * * *", type: "jobs.echo", payload: { value: "tick" } });
    const [a, b] = [await startWorker(), await startWorker()];
    await new Promise((resolve) => setTimeout(resolve, 10_000));
    await store.scheduleStorage.delete("default", schedule.id);
    await Promise.all([a.stop("SIGTERM"), b.stop("SIGTERM")]);
    const keys = (await jobs("jobs.echo")).map((j) => j.idempotency_key).filter((k): k is string => k?.startsWith(`schedule:${schedule.id}:`) ?? false);
    const seconds = keys.map((k) => Date.parse(k.slice(`schedule:${schedule.id}:`.length)) / 1000).sort((x, y) => x - y);
    expect(new Set(seconds).size).toBe(seconds.length); // no tick twice
    expect(seconds.length).toBeGreaterThanOrEqual(9);
    const span = seconds.at(-1)! - seconds[0]! + 1;
    expect(span - seconds.length).toBeLessThanOrEqual(1); // at most one missing, at the edges
  }, 60_000);

  it("SIGTERM lets a running job finish within the grace period", async () => {
    const worker = await startWorker();
    const job = await queue.enqueue("default", { type: "jobs.echo", payload: { value: "graceful", ms: 1_500 } });
    await waitFor(async () => (await queue.get("default", job.id))?.status === "running", "the job starts");
    const stopped = await worker.stop("SIGTERM", 15_000);
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toContain("SIGTERM: letting running jobs finish");
    expect(await queue.get("default", job.id)).toMatchObject({ status: "succeeded", attempts: 1, result: { echo: "graceful", pid: worker.child.pid } });
  }, 60_000);
});
