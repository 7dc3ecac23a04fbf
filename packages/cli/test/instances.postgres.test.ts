/**
 * A scaled-out deployment on this machine: two `epca serve` processes and one `epca worker` on one
 * PostgreSQL. The API limit of one signed-in user holds across both servers (the counters are
 * batched in memory and flushed to the `rate_limit_counters` table: exact up to half the limit,
 * within the stated tolerance beyond), and each job enqueued runs exactly once across the three
 * processes that run jobs. Needs the build (`pnpm --filter "@epca/cli..." run build`).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createPgBossJobQueue } from "@epca/adapter-postgres/pg-boss";
import { createPostgresStore, type PostgresStore } from "@epca/adapter-postgres";
import type { JobQueue } from "@epca/core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, startProcess, type RunningProcess } from "../../../test-support/processes.js";
import { createTestDatabase, serverUrl, type TestDatabase } from "../../../test-support/test-database.js";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const SECRET = "instances-test-secret-key-that-is-long-enough";
const LIMIT = 100;
const ADMIN = { email: "ops@test.example", password: "ops-password-123" };

describe.skipIf(!serverUrl)("two servers and a worker on one PostgreSQL", () => {
  let database: TestDatabase;
  let store: PostgresStore;
  let queue: JobQueue;
  let workDir: string;
  const processes: RunningProcess[] = [];
  const bases: string[] = [];

  const env = (extra: Record<string, string> = {}) =>
    cleanEnv({
      DATABASE_URL: database.url,
      SECRET_KEY: SECRET,
      LOG_LEVEL: "warn",
      SCRYPT_LOG_N: "10",
      EPCA_SEED_DEMO: "false",
      RATE_LIMIT_PER_MINUTE: String(LIMIT),
      RATE_LIMIT_PER_HOUR: "100000",
      AUTH_RATE_LIMIT_PER_IP_PER_MINUTE: "1000",
      FIRST_ADMIN_EMAIL: ADMIN.email,
      FIRST_ADMIN_PASSWORD: ADMIN.password,
      JOB_LEASE_SECONDS: "5",
      ...extra,
    });
  const serve = async () => {
    const server = startProcess(process.execPath, [CLI, "serve", "--host", "127.0.0.1", "--port", "0"], { cwd: workDir, env: env() });
    processes.push(server);
    const banner = await server.waitForStdout(/API\s+(http:\/\/localhost:\d+)\/api\/v1/, 60_000);
    bases.push(/API\s+(http:\/\/localhost:\d+)\/api\/v1/.exec(banner)![1]!.replace("localhost", "127.0.0.1"));
    return server;
  };
  const waitFor = async (check: () => Promise<boolean>, what: string, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), "epca-instances-"));
    database = await createTestDatabase();
    store = await createPostgresStore({ connectionString: database.url, migrate: true, poolSize: 4 });
    // Enqueued where `epca serve` enqueues on PostgreSQL: pg-boss (and the jobs table).
    queue = await createPgBossJobQueue({ connectionString: database.url, leaseMs: 2_000 });
    // Started one after the other: the first applies the migrations and creates the admin.
    await serve();
    await serve();
  }, 120_000);
  afterAll(async () => {
    for (const running of processes) await running.stop("SIGKILL");
    await queue?.close();
    await store?.close();
    await database?.drop();
    rmSync(workDir, { recursive: true, force: true });
  });

  it(`one user's ${LIMIT} requests a minute hold across both servers under concurrent load (tolerance: half the limit)`, async () => {
    const login = await fetch(`${bases[0]}/api/v1/auth/login`, { method: "POST", body: new URLSearchParams({ username: ADMIN.email, password: ADMIN.password }) });
    expect(login.status).toBe(200);
    const token = ((await login.json()) as { access_token: string }).access_token;
    const statuses: number[] = [];
    // 8 connections per server, 150 requests each: 300 requests for a limit of 100.
    const client = async (base: string, count: number) => {
      for (let i = 0; i < count; i++) {
        const response = await fetch(`${base}/api/v1/departments/`, { headers: { authorization: `Bearer ${token}` } });
        await response.arrayBuffer();
        statuses.push(response.status);
      }
    };
    await Promise.all(bases.flatMap((base) => Array.from({ length: 8 }, () => client(base, 150 / 8 + 1))));
    const allowed = statuses.filter((s) => s === 200).length;
    const refused = statuses.filter((s) => s === 429).length;
    expect(allowed + refused).toBe(statuses.length);
    process.stderr.write(`[instances] ${statuses.length} requests over 2 servers, limit ${LIMIT}/min: ${allowed} allowed, ${refused} refused\n`);
    expect(allowed).toBeGreaterThanOrEqual(LIMIT);
    expect(allowed).toBeLessThanOrEqual(LIMIT * 1.5);
    // After the batches are flushed, the table holds every hit (both servers', refused ones too).
    await new Promise((resolve) => setTimeout(resolve, 500));
    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    const { rows } = await db.query<{ hits: number }>("SELECT hits FROM rate_limit_counters WHERE key LIKE 'api-minute:user:%'").finally(() => db.end());
    expect(rows.map((r) => Number(r.hits))).toEqual([statuses.length]);
  }, 120_000);

  it("each of 150 jobs runs exactly once across the two servers' workers and one `epca worker`", async () => {
    const worker = startProcess(process.execPath, [CLI, "worker", "--concurrency", "4"], { cwd: workDir, env: env() });
    processes.push(worker);
    await waitFor(async () => worker.stderr().includes("worker running on"), "the worker starts", 30_000);
    const enqueued = await Promise.all(Array.from({ length: 150 }, (_, i) => queue.enqueue("default", { type: "jobs.echo", payload: { value: i, ms: 20 } })));
    const page = { skip: 0, limit: 1000 };
    await waitFor(async () => (await queue.list("default", { type: "jobs.echo", status: "succeeded" }, page)).total === 150, "all 150 succeed");
    const done = (await queue.list("default", { type: "jobs.echo" }, page)).items;
    expect(done.map((j) => j.attempts)).toEqual(done.map(() => 1));
    expect(new Set(done.map((j) => (j.result as { echo: number }).echo))).toEqual(new Set(enqueued.map((_, i) => i)));
    const pids = new Set(done.map((j) => (j.result as { pid: number }).pid));
    const expected = processes.map((p) => p.child.pid);
    for (const pid of pids) expect(expected).toContain(pid);
    expect(pids.size).toBeGreaterThanOrEqual(2);
  }, 120_000);
});
