import { ConfigurationError, ForbiddenError, LimitExceededError, UnauthenticatedError, ValidationError } from "../errors.js";
import { systemClock, type Clock } from "../ports/clock.js";
import type { JobHandler, JobQueue, JobRequest, JobStorage, JobWorker, RetryPolicy, RunningJob, WorkerOptions } from "../ports/jobs.js";
import type { JobRecord } from "../schemas/job.js";

/** The retry policy of a job that names none: 2 more attempts, 5 s apart, doubling. */
export const DEFAULT_RETRY: RetryPolicy = Object.freeze({ limit: 2, delaySeconds: 5, backoff: true });

/** Something the queue did, for metrics and logs. */
export type JobEvent =
  | { readonly kind: "enqueued"; readonly job: JobRecord }
  | { readonly kind: "started"; readonly job: JobRecord }
  | { readonly kind: "finished"; readonly job: JobRecord; readonly status: "succeeded" | "failed" | "retrying" | "cancelled" | "handed_back"; readonly durationMs: number };

/** Options of `createInProcessJobQueue`. */
export interface InProcessJobQueueOptions {
  /** Where the jobs are kept: memory, or a database table (then the queue is durable). */
  readonly storage: JobStorage;
  /** Whether `storage` survives a restart (PGlite: yes; memory: no). */
  readonly durable: boolean;
  /**
   * Whether `storage` is shared by several processes (a PostgreSQL server): every process may then
   * enqueue and run workers on one queue, and each job still runs once (claims are atomic).
   */
  readonly sharedAcrossProcesses?: boolean;
  readonly clock?: Clock;
  /** How long a claim holds a job without a heartbeat before it is handed back (default 30 s). */
  readonly leaseMs?: number;
  /** Called for every job event (metrics, logs); errors it throws are ignored. */
  readonly onEvent?: (event: JobEvent) => void;
}

function newId(): string {
  return globalThis.crypto.randomUUID();
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A delay that an abort cuts short. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}

/**
 * The record a queue stores for a request (checked with `checkJobRequest` first): queued, no
 * attempts yet, the retry policy filled in from `DEFAULT_RETRY`. Every queue adapter builds it here.
 */
export function newJobRecord(tenantId: string, request: JobRequest, now: Date): JobRecord {
  checkJobRequest(request);
  const retry = { ...DEFAULT_RETRY, ...(request.retry ?? {}) };
  return {
    id: newId(),
    tenant_id: tenantId,
    type: request.type,
    status: "queued",
    payload: JSON.parse(JSON.stringify(request.payload ?? null)),
    progress: { done: 0, total: null, message: null },
    result: null,
    error: null,
    attempts: 0,
    max_attempts: retry.limit + 1,
    retry_delay_seconds: retry.delaySeconds,
    retry_backoff: retry.backoff,
    priority: request.priority ?? 0,
    run_at: (request.runAt ?? now).toISOString(),
    idempotency_key: request.idempotencyKey ?? null,
    created_by: request.createdBy ?? null,
    created_at: now.toISOString(),
    started_at: null,
    finished_at: null,
  };
}

/** Checks a job request before anything is stored (every queue adapter refuses the same requests); throws `ValidationError`. */
/**
 * A stopping worker's wait for its running jobs (`running()`: those still running, read again
 * once the grace period is over): resolves when every one's `done` has settled, or, once
 * `graceMs` has passed first, after `handBack` has run for each job still running (for a queue
 * adapter's worker: abort the handler and return the job to the queue, its attempt not counted).
 */
export async function finishWithinGrace<R extends { readonly done: Promise<unknown> }>(
  running: () => Iterable<R>,
  graceMs: number,
  handBack: (job: R) => Promise<void>,
): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const graceOver = new Promise<"over">((resolve) => (timer = setTimeout(() => resolve("over"), graceMs)));
  const outcome = await Promise.race([Promise.all([...running()].map((r) => r.done)).then(() => "done" as const), graceOver]);
  clearTimeout(timer);
  if (outcome === "over") await Promise.all([...running()].map(handBack));
}

/**
 * Whether a handler's error ends its job at once, whatever retries are left: an `EpcaError` that
 * another attempt would meet again (a refused input, a limit of the tenant's plan, a caller who
 * may not). Anything else is retried by the job's policy: a lost connection, a closed store, a
 * bug, and also a missing record or a conflict (what a job reads may not have committed yet, or
 * a concurrent write may be gone by the next attempt). Both queues of EPCA decide by it.
 */
export function isFinalJobError(error: unknown): boolean {
  return error instanceof ValidationError || error instanceof LimitExceededError || error instanceof ForbiddenError || error instanceof UnauthenticatedError;
}

export function checkJobRequest(request: JobRequest): void {
  const issues = [];
  if (typeof request.type !== "string" || !/^[a-z][a-z0-9_.:-]{0,99}$/.test(request.type)) {
    issues.push({ path: ["type"], code: "invalid_type", message: "A job type is 1–100 lower-case letters, digits, '.', ':', '_' or '-', starting with a letter" });
  }
  if (request.priority !== undefined && !Number.isSafeInteger(request.priority)) issues.push({ path: ["priority"], code: "invalid_type", message: "priority must be an integer" });
  const retry = request.retry ?? {};
  if (retry.limit !== undefined && (!Number.isInteger(retry.limit) || retry.limit < 0 || retry.limit > 100)) {
    issues.push({ path: ["retry", "limit"], code: "too_big", message: "retry.limit must be an integer from 0 to 100" });
  }
  if (retry.delaySeconds !== undefined && !(retry.delaySeconds >= 0)) issues.push({ path: ["retry", "delaySeconds"], code: "too_small", message: "retry.delaySeconds must be ≥ 0" });
  try {
    JSON.stringify(request.payload ?? null);
  } catch {
    issues.push({ path: ["payload"], code: "invalid_type", message: "payload must be JSON-serialisable" });
  }
  if (issues.length > 0) throw new ValidationError(issues);
}

/**
 * A job queue whose workers run inside this process, over a `JobStorage` (memory, or a table of
 * the embedded PGlite database, which makes it durable: jobs queued before a restart run after
 * it). Claims carry a lease renewed while the handler runs; a job whose worker died comes back
 * once its lease ends.
 */
export function createInProcessJobQueue(options: InProcessJobQueueOptions): JobQueue {
  const { storage } = options;
  const clock = options.clock ?? systemClock;
  const leaseMs = options.leaseMs ?? 30_000;
  if (!(leaseMs > 0)) throw new ConfigurationError("leaseMs", "must be a positive number of milliseconds");
  /** Running jobs of this process, by id, to abort on cancel. */
  const running = new Map<string, AbortController>();
  const workers = new Set<JobWorker>();
  const emit = (event: JobEvent) => {
    try {
      options.onEvent?.(event);
    } catch {
      // Metrics must never break a job.
    }
  };

  /** What stop() aborts a running job with, to hand it back (as opposed to a cancel). */
  const STOPPING = new Error("the worker is stopping");

  async function runClaimed(job: JobRecord, claim: string, handler: JobHandler, controller: AbortController): Promise<void> {
    running.set(job.id, controller);
    const started = Date.now();
    emit({ kind: "started", job });
    const heartbeat = setInterval(() => {
      void storage
        .updateClaimed(job.id, claim, { leaseUntil: new Date(clock.now().getTime() + leaseMs) })
        .then((still) => {
          if (!still && !controller.signal.aborted) controller.abort(new Error("the job was cancelled or taken over"));
        })
        .catch(() => undefined);
    }, Math.max(50, Math.floor(leaseMs / 3)));
    const finish = (status: Extract<JobEvent, { kind: "finished" }>["status"], latest: JobRecord) =>
      emit({ kind: "finished", job: latest, status, durationMs: Date.now() - started });
    const runningJob: RunningJob = {
      id: job.id,
      tenantId: job.tenant_id,
      type: job.type,
      payload: job.payload,
      attempt: job.attempts,
      signal: controller.signal,
      async progress(done, total = null, note = null) {
        const still = await storage.updateClaimed(job.id, claim, { progress: { done, total, message: note } });
        if (!still && !controller.signal.aborted) controller.abort(new Error("the job was cancelled"));
      },
    };
    try {
      let outcome: { ok: true; result: unknown } | { ok: false; error: unknown };
      try {
        outcome = { ok: true, result: await handler(runningJob) };
      } catch (error) {
        outcome = { ok: false, error };
      }
      // Cancelled, or handed back by a stopping worker: the storage already says what happened.
      if (controller.signal.aborted) {
        finish(controller.signal.reason === STOPPING ? "handed_back" : "cancelled", job);
        return;
      }
      const now = clock.now();
      if (outcome.ok) {
        const result = outcome.result === undefined ? null : JSON.parse(JSON.stringify(outcome.result));
        if (await storage.updateClaimed(job.id, claim, { status: "succeeded", result, error: null, finished_at: now.toISOString(), leaseUntil: null })) {
          finish("succeeded", { ...job, status: "succeeded", result });
        }
        return;
      }
      const error = message(outcome.error);
      if (job.attempts < job.max_attempts && !isFinalJobError(outcome.error)) {
        const retryIn = job.retry_delay_seconds * 1000 * (job.retry_backoff ? 2 ** (job.attempts - 1) : 1);
        if (await storage.updateClaimed(job.id, claim, { status: "queued", error, run_at: new Date(now.getTime() + retryIn).toISOString(), leaseUntil: null })) {
          finish("retrying", { ...job, error });
        }
      } else if (await storage.updateClaimed(job.id, claim, { status: "failed", error, finished_at: now.toISOString(), leaseUntil: null })) {
        finish("failed", { ...job, status: "failed", error });
      }
    } finally {
      clearInterval(heartbeat);
      running.delete(job.id);
    }
  }

  const queue: JobQueue = {
    capabilities: { sharedAcrossProcesses: options.sharedAcrossProcesses ?? false, durable: options.durable },
    counts: () => storage.counts(),

    async enqueue(tenantId, request) {
      const job = newJobRecord(tenantId, request, clock.now());
      const stored = await storage.insert(job);
      if (stored.id === job.id) emit({ kind: "enqueued", job: stored });
      return stored;
    },

    get: (tenantId, id) => storage.get(tenantId, id),
    list: (tenantId, filter, page) => storage.list(tenantId, filter, page),

    async cancel(tenantId, id) {
      const job = await storage.cancel(tenantId, id, clock.now());
      if (job?.status === "cancelled") running.get(id)?.abort(new Error("the job was cancelled"));
      return job;
    },

    work(handlers, workerOptions: WorkerOptions = {}) {
      const concurrency = workerOptions.concurrency ?? 1;
      const pollMs = workerOptions.pollMs ?? 250;
      if (!Number.isInteger(concurrency) || concurrency < 1) throw new ConfigurationError("concurrency", "must be a positive integer");
      const types = [...handlers.keys()];
      const idle = new AbortController(); // wakes the loop up when the worker stops
      const mine = new Map<string, { controller: AbortController; claim: string; job: JobRecord; done: Promise<void> }>();
      let accepting = true;
      let lastRequeue = 0;

      async function loop(): Promise<void> {
        while (accepting) {
          const now = clock.now();
          if (now.getTime() - lastRequeue > Math.min(leaseMs, 5_000)) {
            lastRequeue = now.getTime();
            await storage.requeueExpired(now).catch(() => 0);
          }
          if (mine.size >= concurrency || types.length === 0) {
            await sleep(pollMs, idle.signal);
            continue;
          }
          const claim = newId();
          // The storage unavailable for a moment: try again at the next poll.
          const claimed = await storage.claim(types, now, new Date(now.getTime() + leaseMs), claim).catch(() => null);
          if (!accepting && claimed) {
            // stop() came while claiming: hand the job straight back.
            await storage.updateClaimed(claimed.job.id, claimed.claim, { status: "queued", attempts: claimed.job.attempts - 1, leaseUntil: null });
            break;
          }
          if (!claimed) {
            await sleep(pollMs, idle.signal);
            continue;
          }
          const controller = new AbortController();
          const done = runClaimed(claimed.job, claimed.claim, handlers.get(claimed.job.type)!, controller)
            .catch(() => undefined)
            .finally(() => mine.delete(claimed.job.id));
          mine.set(claimed.job.id, { controller, claim: claimed.claim, job: claimed.job, done });
        }
      }
      const loopDone = loop();

      const worker: JobWorker = {
        async stop(stopOptions = {}) {
          if (!workers.delete(worker)) return;
          accepting = false;
          idle.abort();
          await loopDone;
          // Past the grace period: what still runs is aborted and handed back, never half-done.
          await finishWithinGrace(() => mine.values(), stopOptions.graceMs ?? 10_000, async (r) => {
            r.controller.abort(STOPPING);
            await storage.updateClaimed(r.job.id, r.claim, { status: "queued", attempts: r.job.attempts - 1, leaseUntil: null }).catch(() => false);
          });
        },
      };
      workers.add(worker);
      return worker;
    },

    async close() {
      await Promise.all([...workers].map((worker) => worker.stop()));
    },
  };
  return queue;
}
