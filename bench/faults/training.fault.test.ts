/**
 * Fault test (`pnpm test:faults`): a worker killed mid-training. `epca serve --no-worker` and one
 * `epca worker` on a durable PostgreSQL cluster of the test's own (pg-boss queue); an allocation
 * model's training job (`POST /ml/training/jobs`) over allocations created through the API; SIGKILL
 * to the worker while the job reports epochs; a new worker. The job must be retried (attempts ≥ 2)
 * and succeed, with exactly one new model version, and no model row left in `training`.
 *
 * Needs the build (`pnpm test:faults` builds first).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, startProcess, type RunningProcess } from "../../test-support/processes.js";
import { adminToken, CLI, sleep, startCrashableCluster, startEpca, type CrashableCluster } from "./support.js";

const report = (line: string) => process.stderr.write(`[faults] ${line}\n`);
/**
 * How long a running job holds its lease without a heartbeat: a dead worker's job is expired after
 * it. Not shorter: a worker starting under load (loading the ML backend) can block its event loop,
 * and so its heartbeat, for a couple of seconds, and a lease that lapses gives the job one more attempt.
 */
const LEASE_SECONDS = "5";

let cluster: CrashableCluster | null;
let workDir: string;
const running: RunningProcess[] = [];
beforeAll(async () => {
  cluster = await startCrashableCluster();
  if (!cluster) throw new Error("the fault tests need PostgreSQL (initdb on PATH)");
  workDir = mkdtempSync(join(tmpdir(), "epca-faults-training-"));
}, 60_000);
afterAll(async () => {
  try {
    for (const p of running) if (p.child.exitCode === null && p.child.signalCode === null) await p.stop("SIGKILL");
    cluster?.stop();
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
});

/** `epca worker` on the cluster; resolves once it runs. */
async function startWorker(url: string): Promise<RunningProcess> {
  const worker = startProcess(process.execPath, [CLI, "worker", "--concurrency", "1"], {
    cwd: workDir,
    env: cleanEnv({ DATABASE_URL: url, SECRET_KEY: "faults-secret-key-that-is-long-enough-123", LOG_LEVEL: "warn", SCRYPT_LOG_N: "10", JOB_LEASE_SECONDS: LEASE_SECONDS }),
  });
  running.push(worker);
  const deadline = Date.now() + 60_000;
  while (!worker.stderr().includes("worker running on")) {
    if (worker.child.exitCode !== null || Date.now() > deadline) throw new Error(`epca worker did not start:\n${worker.stderr()}`);
    await sleep(50);
  }
  return worker;
}

type TrainingJob = { status: string; attempts: number; progress: { epoch: number; totalEpochs: number | null; message: string | null }; modelId: number | null; error: string | null };
type Model = { id: number; type: string; version: number; status: string; hyperparameters: Record<string, unknown> };

describe("a worker killed mid-training", () => {
  it("the job is retried, and no duplicate or half-written model version appears", async () => {
    const url = cluster!.url;
    const { server, base } = await startEpca(url, workDir, { JOB_LEASE_SECONDS: LEASE_SECONDS });
    running.push(server);
    const token = await adminToken(base);
    const call = async <T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
      const response = await fetch(`${base}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
    };
    const created = async (path: string, body: unknown): Promise<number> => {
      const res = await call<{ id: number }>("POST", path, body);
      if (res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.id;
    };
    const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

    // Finished allocations to learn from, through the API: 12 people, 24 projects, 48 allocations.
    const seeding = Date.now();
    const skills = ["typescript", "sql", "react", "python", "ml", "devops"];
    const department = await created("/departments/", { name: "Training", budget: 1_000_000 });
    const employees = await Promise.all(
      Array.from({ length: 12 }, (_, e) =>
        created("/employees/", { name: `Trainee ${e}`, email: `trainee${e}@faults.example`, department_id: department, salary: 60_000 + e * 4_000, hire_date: daysAgo(2500), skills: [skills[e % 6], skills[(e + 2) % 6]] }),
      ),
    );
    const projects = await Promise.all(
      Array.from({ length: 24 }, (_, p) => {
        const start = 1000 - p * 30;
        return created("/projects/", {
          name: `Finished ${p}`,
          department_id: department,
          status: "completed",
          completion_percentage: 100,
          cost: 10_000 + p * 1_000,
          revenue: 20_000 + p * 1_500,
          start_date: daysAgo(start),
          estimated_end_date: daysAgo(start - 120),
          end_date: daysAgo(start - 120 + (p % 3 === 0 ? 30 : -10)),
        });
      }),
    );
    await Promise.all(
      employees.flatMap((employee, i) =>
        Array.from({ length: 4 }, (_, k) => {
          const start = 980 - k * 200 - i * 5;
          return created("/allocations/", {
            employee_id: employee,
            project_id: projects[(i * 2 + k) % 24],
            allocation_percentage: 30 + ((i * 7 + k * 11) % 60),
            allocated_hours: 200 + ((i * 37 + k * 53) % 300),
            start_date: daysAgo(start),
            end_date: daysAgo(start - 90),
          });
        }),
      ),
    );
    const seedMs = Date.now() - seeding;

    const first = await startWorker(url);
    const started = await call<{ data: { jobId: string } }>("POST", "/ml/training/jobs", { epochs: 1000 });
    if (started.status !== 202) throw new Error(`POST /ml/training/jobs: ${started.status} ${JSON.stringify(started.body)}\n${server.stdout().split("\n").filter((l) => /error|"level":5|50,/.test(l)).join("\n").slice(-4000)}`);
    const jobId = started.body.data.jobId;
    const job = async () => (await call<{ data: TrainingJob }>("GET", `/ml/training/jobs/${jobId}`)).body.data;
    const models = async () => (await call<{ data: Model[] }>("GET", "/ml/models")).body.data;

    // Mid-training: running, a few epochs reported.
    const enqueuedAt = Date.now();
    let seen = await job();
    while (!(seen.status === "running" && seen.progress.epoch >= 3)) {
      if (["succeeded", "failed"].includes(seen.status) || Date.now() - enqueuedAt > 120_000) throw new Error(`the job ended before the kill: ${JSON.stringify(seen)}`);
      await sleep(100);
      seen = await job();
    }
    const killedAtEpoch = seen.progress.epoch;
    const killedAfterMs = Date.now() - enqueuedAt;
    const killed = await first.stop("SIGKILL");
    expect(killed.signal).toBe("SIGKILL");
    // The kill left the job running in its record and its model half-written (status training).
    expect((await job()).status).toBe("running");
    const during = await models();
    expect(during.map((m) => [m.type, m.version, m.status])).toEqual([["allocation", 1, "training"]]);

    const restartedAt = Date.now();
    const second = await startWorker(url);
    // What the job's record went through after the restart: `ms:status/attempts`, on each change.
    const timeline: string[] = [];
    let final = await job();
    while (!["succeeded", "failed", "cancelled"].includes(final.status) && Date.now() - restartedAt < 240_000) {
      const step = `${final.status}/${final.attempts}${final.error ? ` (${final.error})` : ""}`;
      if (!timeline.at(-1)?.endsWith(`:${step}`)) timeline.push(`${Date.now() - restartedAt}:${step}`);
      await sleep(200);
      final = await job();
    }
    timeline.push(`${Date.now() - restartedAt}:${final.status}/${final.attempts}`);
    const retriedMs = Date.now() - restartedAt;
    const after = await models();
    report(
      `training seeded through the API in ${seedMs} ms; worker killed ${killedAfterMs} ms after the enqueue at epoch ${killedAtEpoch}; ` +
        `new worker: the job ${final.status} after ${retriedMs} ms (attempts ${final.attempts}, ${final.progress.message}); models ${JSON.stringify(after.map((m) => [m.version, m.status]))}; record after the restart (ms:status/attempts) ${timeline.join(" ")}`,
    );
    if (second.stderr().trim()) report(`new worker's log: ${second.stderr().slice(-1500)}`);
    expect([final.status, final.error]).toEqual(["succeeded", null]);
    expect(final.attempts).toBeGreaterThanOrEqual(2);
    // Exactly one new version, the one the job names, validated; nothing left in training.
    expect(after.map((m) => [m.type, m.version, m.status])).toEqual([["allocation", 1, "validated"]]);
    expect(after[0]!.id).toBe(final.modelId);
    expect(after.filter((m) => m.status === "training")).toEqual([]);
    // The retry trained the model it had begun (same row, same training key), from epoch 0 again.
    expect(after[0]!.id).toBe(during[0]!.id);
    expect(after[0]!.hyperparameters.trainingJob).toBe(during[0]!.hyperparameters.trainingJob);
  }, 600_000);
});
