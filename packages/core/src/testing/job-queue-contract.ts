import { LimitExceededError, NotFoundError } from "../errors.js";
import type { JobHandler, JobQueue } from "../ports/jobs.js";
import type { JobRecord } from "../schemas/job.js";
import { check, checkEqual } from "./assertions.js";
import type { ContractRunner } from "./contract/kit.js";
import { uniqueTenantId } from "./contract/kit.js";

/** How to reach the queue under test: its tenants must exist where the queue needs them (`tenants`). */
export interface JobQueueContractOptions {
  readonly name: string;
  /** A fresh queue, with two tenants it may hold jobs of. */
  create(): Promise<{ queue: JobQueue; tenants: readonly [string, string]; close(): Promise<void> }>;
}

const page = { skip: 0, limit: 100 };
const fast = { pollMs: 10 };

/** Waits until `condition` holds (polling), or fails after `timeoutMs`. */
async function eventually<T>(read: () => Promise<T>, condition: (value: T) => boolean, what: string, timeoutMs = 5_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (condition(value)) return value;
    if (Date.now() > deadline) throw new Error(`Contract violated: ${what} (last seen: ${JSON.stringify(value)})`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const statusOf = (queue: JobQueue, tenant: string, id: string) => queue.get(tenant, id);
const hasStatus = (status: JobRecord["status"]) => (job: JobRecord | null) => job?.status === status;

/**
 * The contract every `JobQueue` passes: per-tenant visibility, idempotency keys, progress and
 * results, retries with their policy, failures that keep their error and attempts, cancellation
 * (queued and running), each job run once by concurrent runners, run-at, and a stopping worker
 * that lets a job finish within the grace period or hands it back.
 *
 * @example runJobQueueContract({ describe, it, beforeAll, afterAll }, { name: "memory", create: async () => … });
 */
export function runJobQueueContract(runner: ContractRunner, options: JobQueueContractOptions): void {
  const { describe, it, beforeAll, afterAll } = runner;
  let queue: JobQueue;
  let tenants: readonly [string, string];
  let close: () => Promise<void>;
  const type = () => `contract.${uniqueTenantId().replace(/[^a-z0-9]/gi, "").toLowerCase()}`;

  describe(`JobQueue contract: ${options.name}`, () => {
    beforeAll(async () => {
      ({ queue, tenants, close } = await options.create());
    }, 120_000);
    afterAll(async () => {
      await queue?.close();
      await close?.();
    }, 60_000);

    it("queues a job for one tenant only, lists with filters, and answers the same job for one idempotency key", async () => {
      const [a, b] = tenants;
      const t = type();
      const job = await queue.enqueue(a, { type: t, payload: { n: 1 }, idempotencyKey: "k-1" });
      checkEqual({ status: job.status, attempts: job.attempts, progress: job.progress, result: job.result, error: job.error }, {
        status: "queued",
        attempts: 0,
        progress: { done: 0, total: null, message: null },
        result: null,
        error: null,
      }, "a new job");
      checkEqual((await queue.get(a, job.id))?.id, job.id, "its tenant reads it");
      checkEqual(await queue.get(b, job.id), null, "another tenant does not see it");
      checkEqual(await queue.cancel(b, job.id), null, "nor cancel it");
      checkEqual((await queue.enqueue(a, { type: t, payload: { n: 2 }, idempotencyKey: "k-1" })).id, job.id, "one idempotency key, one job");
      const other = await queue.enqueue(b, { type: t, payload: {}, idempotencyKey: "k-1" });
      check(other.id !== job.id, "idempotency keys are per tenant");
      checkEqual((await queue.list(a, { type: t }, page)).items.map((j) => j.id), [job.id], "list by type");
      checkEqual((await queue.list(a, { type: t, status: "running" }, page)).total, 0, "list by status");
      checkEqual(await queue.get(a, "00000000-0000-4000-8000-000000000000"), null, "an unknown id is null");
    });

    it("runs a job: progress while it runs, the result once it succeeded, one attempt", async () => {
      const [a] = tenants;
      const t = type();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const handler: JobHandler = async (job) => {
        await job.progress(1, 2, "half way");
        await gate;
        return { doubled: (job.payload as { n: number }).n * 2, tenant: job.tenantId, attempt: job.attempt };
      };
      const worker = queue.work(new Map([[t, handler]]), fast);
      try {
        const job = await queue.enqueue(a, { type: t, payload: { n: 21 } });
        const midway = await eventually(() => statusOf(queue, a, job.id), (j) => j?.progress.done === 1, "progress is visible while the job runs");
        checkEqual({ status: midway?.status, progress: midway?.progress }, { status: "running", progress: { done: 1, total: 2, message: "half way" } }, "running with progress");
        check(midway?.started_at !== null, "started_at is set");
        release();
        const done = await eventually(() => statusOf(queue, a, job.id), hasStatus("succeeded"), "the job succeeds");
        checkEqual({ result: done?.result, attempts: done?.attempts }, { result: { doubled: 42, tenant: a, attempt: 1 }, attempts: 1 }, "result and attempts");
        check(done?.finished_at !== null, "finished_at is set");
      } finally {
        await worker.stop();
      }
    });

    it("retries a failing job by its policy, and a job that keeps failing ends failed with its error and attempts", async () => {
      const [a] = tenants;
      const flaky = type();
      const broken = type();
      const calls = new Map<string, number>();
      const worker = queue.work(
        new Map<string, JobHandler>([
          [flaky, async (job) => {
            calls.set(job.id, (calls.get(job.id) ?? 0) + 1);
            if (job.attempt < 2) throw new Error("first try fails");
            return "ok";
          }],
          [broken, async () => {
            throw new Error("always broken");
          }],
        ]),
        fast,
      );
      try {
        const first = await queue.enqueue(a, { type: flaky, payload: null, retry: { limit: 3, delaySeconds: 0.02, backoff: true } });
        const second = await queue.enqueue(a, { type: broken, payload: null, retry: { limit: 2, delaySeconds: 0.01, backoff: false } });
        const ok = await eventually(() => statusOf(queue, a, first.id), hasStatus("succeeded"), "the flaky job succeeds on its second attempt");
        checkEqual({ attempts: ok?.attempts, result: ok?.result, calls: calls.get(first.id) }, { attempts: 2, result: "ok", calls: 2 }, "two attempts");
        const failed = await eventually(() => statusOf(queue, a, second.id), hasStatus("failed"), "the broken job fails for good");
        checkEqual({ attempts: failed?.attempts, error: failed?.error }, { attempts: 3, error: "always broken" }, "its last error and every attempt");
      } finally {
        await worker.stop();
      }
    });

    it("fails a job at once on an error another attempt would meet again (a plan limit), and retries one it might not (a missing record)", async () => {
      const [a] = tenants;
      const limited = type();
      const missing = type();
      const calls = new Map<string, number>();
      const count = (id: string) => calls.set(id, (calls.get(id) ?? 0) + 1);
      const worker = queue.work(
        new Map<string, JobHandler>([
          [limited, async (job) => {
            count(job.id);
            throw new LimitExceededError("max_storage_gb", 1);
          }],
          [missing, async (job) => {
            count(job.id);
            if (job.attempt < 2) throw new NotFoundError("project", "7");
            return "found";
          }],
        ]),
        fast,
      );
      try {
        const first = await queue.enqueue(a, { type: limited, payload: null, retry: { limit: 3, delaySeconds: 0.01, backoff: false } });
        const second = await queue.enqueue(a, { type: missing, payload: null, retry: { limit: 3, delaySeconds: 0.01, backoff: false } });
        const failed = await eventually(() => statusOf(queue, a, first.id), hasStatus("failed"), "the job over a limit fails");
        const found = await eventually(() => statusOf(queue, a, second.id), hasStatus("succeeded"), "the job whose record was missing succeeds on its second attempt");
        checkEqual({ attempts: failed?.attempts, calls: calls.get(first.id) }, { attempts: 1, calls: 1 }, "one attempt of the job over a limit");
        check(typeof failed?.error === "string" && failed.error.includes("max_storage_gb"), `its error names the limit (got ${failed?.error})`);
        checkEqual({ attempts: found?.attempts, calls: calls.get(second.id) }, { attempts: 2, calls: 2 }, "two attempts of the job whose record was missing");
      } finally {
        await worker.stop();
      }
    });

    it("cancels a queued job (it never runs) and a running one (its signal aborts, its result is dropped)", async () => {
      const [a] = tenants;
      const t = type();
      let ran = 0;
      let sawAbort = false;
      const queued = await queue.enqueue(a, { type: t, payload: { wait: false }, runAt: new Date(Date.now() + 60_000) });
      checkEqual((await queue.cancel(a, queued.id))?.status, "cancelled", "a queued job is cancelled");
      const worker = queue.work(
        new Map<string, JobHandler>([
          [t, async (job) => {
            ran += 1;
            await new Promise<void>((resolve) => job.signal.addEventListener("abort", () => resolve(), { once: true }));
            sawAbort = job.signal.aborted;
            return "should be dropped";
          }],
        ]),
        fast,
      );
      try {
        const running = await queue.enqueue(a, { type: t, payload: { wait: true } });
        await eventually(() => statusOf(queue, a, running.id), hasStatus("running"), "the job starts");
        checkEqual((await queue.cancel(a, running.id))?.status, "cancelled", "a running job is cancelled");
        await eventually(async () => sawAbort, (v) => v, "the handler's signal aborts");
        await new Promise((resolve) => setTimeout(resolve, 50));
        const after = await queue.get(a, running.id);
        checkEqual({ status: after?.status, result: after?.result }, { status: "cancelled", result: null }, "the cancelled job keeps no result");
        checkEqual(ran, 1, "the cancelled queued job never ran");
        checkEqual((await queue.cancel(a, running.id))?.status, "cancelled", "cancelling again answers the job unchanged");
      } finally {
        await worker.stop();
      }
    });

    it("runs each of 40 jobs exactly once with two workers of three slots each", async () => {
      const [a, b] = tenants;
      const t = type();
      const runs = new Map<string, number>();
      const handler: JobHandler = async (job) => {
        runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
        await new Promise((resolve) => setTimeout(resolve, 5));
        return job.id;
      };
      const workers = [queue.work(new Map([[t, handler]]), { ...fast, concurrency: 3 }), queue.work(new Map([[t, handler]]), { ...fast, concurrency: 3 })];
      try {
        const jobs = await Promise.all(Array.from({ length: 40 }, (_, i) => queue.enqueue(i % 2 ? a : b, { type: t, payload: i })));
        await eventually(async () => (await queue.list(a, { type: t, status: "succeeded" }, page)).total + (await queue.list(b, { type: t, status: "succeeded" }, page)).total, (n) => n === 40, "all 40 succeed", 15_000);
        checkEqual(jobs.map((j) => runs.get(j.id) ?? 0), jobs.map(() => 1), "each ran once");
      } finally {
        await Promise.all(workers.map((w) => w.stop()));
      }
    });

    it("does not run a job before its run-at, and runs the higher priority first", async () => {
      const [a] = tenants;
      const t = type();
      const order: string[] = [];
      const later = await queue.enqueue(a, { type: t, payload: "later", runAt: new Date(Date.now() + 400) });
      const low = await queue.enqueue(a, { type: t, payload: "low", priority: 0 });
      const high = await queue.enqueue(a, { type: t, payload: "high", priority: 5 });
      const worker = queue.work(new Map<string, JobHandler>([[t, async (job) => void order.push(String(job.payload))]]), fast);
      try {
        await eventually(() => statusOf(queue, a, low.id), hasStatus("succeeded"), "the due jobs run");
        checkEqual((await queue.get(a, later.id))?.status, "queued", "the later job waits for its run-at");
        await eventually(() => statusOf(queue, a, later.id), hasStatus("succeeded"), "then it runs");
        checkEqual(order, ["high", "low", "later"], "priority first, then run-at");
        void high;
      } finally {
        await worker.stop();
      }
    });

    it("a stopping worker lets a job finish within the grace period, hands back one that does not, and a succeeded job never runs again", async () => {
      const [a] = tenants;
      const quick = type();
      const stubborn = type();
      const runs = new Map<string, number>();
      const count = (id: string) => runs.set(id, (runs.get(id) ?? 0) + 1);
      const handlers = new Map<string, JobHandler>([
        [quick, async (job) => {
          count(job.id);
          await new Promise((resolve) => setTimeout(resolve, 100));
          return "finished in the grace period";
        }],
        [stubborn, async (job) => {
          count(job.id);
          if (job.attempt === 1 && runs.get(job.id) === 1) await new Promise((resolve) => setTimeout(resolve, 2_000));
          return "second worker";
        }],
      ]);
      const first = queue.work(handlers, { ...fast, concurrency: 2 });
      const quickJob = await queue.enqueue(a, { type: quick, payload: null });
      const stubbornJob = await queue.enqueue(a, { type: stubborn, payload: null });
      await eventually(async () => [await queue.get(a, quickJob.id), await queue.get(a, stubbornJob.id)], (jobs) => jobs.every((j) => j?.status === "running"), "both start");
      await first.stop({ graceMs: 300 });
      checkEqual((await queue.get(a, quickJob.id))?.status, "succeeded", "the quick job finished within the grace period");
      const handedBack = await queue.get(a, stubbornJob.id);
      checkEqual({ status: handedBack?.status, attempts: handedBack?.attempts }, { status: "queued", attempts: 0 }, "the stubborn job was handed back, its attempt not counted");
      const second = queue.work(handlers, fast);
      try {
        const done = await eventually(() => statusOf(queue, a, stubbornJob.id), hasStatus("succeeded"), "another worker finishes it");
        checkEqual(done?.result, "second worker", "its result is the second run's");
        await new Promise((resolve) => setTimeout(resolve, 100));
        checkEqual(runs.get(quickJob.id), 1, "the succeeded job never ran again");
      } finally {
        await second.stop();
      }
    });

    it("refuses a bad request before storing anything", async () => {
      const [a] = tenants;
      let refused: unknown;
      try {
        await queue.enqueue(a, { type: "Not A Type!", payload: null });
      } catch (error) {
        refused = error;
      }
      checkEqual((refused as { code?: unknown } | undefined)?.code, "validation_failed", "an invalid type is a validation error");
    });
  });
}
