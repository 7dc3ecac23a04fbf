import { ConfigurationError, finishWithinGrace, isFinalJobError, newJobRecord, type JobEvent, type JobHandler, type JobQueue, type JobRecord, type JobWorker, type WorkerOptions } from "@epca/core";
import type pg from "pg";
import type PgBoss from "pg-boss";
import { sqlJobStorage } from "./job-storage.js";
import { createPgDriver } from "./pg-driver.js";
import type { SqlDriver, SqlExecutor } from "./sql-executor.js";
import { toIsoString } from "./values.js";

/** Options of `createPgBossJobQueue`. */
export interface PgBossJobQueueOptions {
  /** `postgres://…` of the database that holds the `jobs` table (migrated) and pg-boss's schema. */
  readonly connectionString: string;
  /** The schema pg-boss keeps its tables in (created on start; default `pgboss`). */
  readonly schema?: string;
  /** Connections of the queue's own pool, shared by pg-boss and the `jobs` records (default 4). */
  readonly poolSize?: number;
  /**
   * How long a running job holds its lease without a heartbeat (default 30 s). A worker renews it
   * every third of it while the handler runs; a job whose worker died is expired by pg-boss's
   * maintenance (run every half lease) and retried with its backoff.
   */
  readonly leaseMs?: number;
  /** Called for every job event (metrics, logs); errors it throws are ignored. */
  readonly onEvent?: (event: JobEvent) => void;
}

type Row = Record<string, unknown>;

/** pg-boss's queue of one job type. */
export function pgBossQueueName(type: string): string {
  return `epca.${type}`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

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

/** A `SqlDriver` whose statements run on one executor (inside a transaction). */
function onExecutor(sql: SqlExecutor): SqlDriver {
  return {
    kind: "pg",
    query: (text, params) => sql.query(text, params),
    transaction: (work) => work(sql, [], []),
    close: async () => undefined,
  };
}

/**
 * The job queue on a PostgreSQL server with pg-boss 10 for delivery: any number of server and
 * `epca worker` processes enqueue into and work on one queue, and each job runs once.
 *
 * Two records, each doing what it is good at:
 * - **pg-boss** (one queue per job type, `epca.<type>`) delivers: `fetch` claims a due job by
 *   priority with `SKIP LOCKED`, `fail` decides retry or failure by the job's `retryLimit`,
 *   `retryDelay` and `retryBackoff`, its maintenance expires an active job whose worker stopped
 *   renewing it, `cancel` withdraws one.
 * - **the `jobs` table** (migration 0006, the same rows the in-process queue keeps) is the
 *   tenant's record: `get`, `list`, progress, result, error, attempts, idempotency keys per
 *   tenant and type, and the claim token that refuses a late write of a worker that lost its job.
 *   pg-boss's tables know no tenant, and `GET /jobs` must filter and page per tenant, creator,
 *   type and status; the row also makes "a succeeded job never runs again" hold even if a
 *   delivery comes back (pg-boss retried an expired job whose handler had in fact finished).
 *
 * Both are written in one transaction on enqueue (pg-boss's `send` with our connection), so a job
 * is never recorded without being delivered. pg-boss 10 has no heartbeat: its `work()` fails a
 * handler that runs longer than `expireInSeconds` fixed at send time. The queue therefore runs its
 * own loop over `fetch` and renews the lease by moving the active job's `expire_in` (a column of
 * pg-boss 10's `job` table) while the handler runs; a stopping worker hands a job back by setting
 * it `created` again without counting the attempt. Both statements rely on pg-boss 10's schema
 * (the major is pinned).
 *
 * @example
 * const jobs = await createPgBossJobQueue({ connectionString: process.env.DATABASE_URL! });
 * const job = await jobs.enqueue("default", { type: "reports.render", payload: { id: 7 } });
 */
export async function createPgBossJobQueue(options: PgBossJobQueueOptions): Promise<JobQueue> {
  const leaseMs = options.leaseMs ?? 30_000;
  if (!(leaseMs >= 1_000)) throw new ConfigurationError("leaseMs", "must be at least 1000 ms (pg-boss counts expiry in whole seconds)");
  const poolSize = options.poolSize ?? 4;
  if (!Number.isInteger(poolSize) || poolSize < 2) throw new ConfigurationError("poolSize", "must be an integer ≥ 2");
  const schema = options.schema ?? "pgboss";
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new ConfigurationError("schema", "must be a lower-case SQL identifier");
  const leaseSeconds = Math.ceil(leaseMs / 1000);

  const pgModule = ((await import("pg")) as { default?: typeof pg } & typeof pg).default ?? ((await import("pg")) as typeof pg);
  const bossModule = (await import("pg-boss")) as unknown as { default?: typeof PgBoss } & typeof PgBoss;
  const PgBossClass = bossModule.default ?? bossModule;

  const pool = new pgModule.Pool({ connectionString: options.connectionString, max: poolSize });
  pool.on("error", () => undefined);
  const driver = createPgDriver(pool, pgModule.types, true);
  const storage = sqlJobStorage(driver, () => undefined);
  const boss = new PgBossClass({
    db: { executeSql: (text: string, values: unknown[]) => pool.query(text, values) },
    schema,
    // Expiry of a dead worker's job is part of maintenance; run it often enough for the lease.
    maintenanceIntervalSeconds: Math.max(1, Math.floor(leaseSeconds / 2)),
    // Scheduling is `startScheduler`'s (croner, per tenant); pg-boss's cron stays off.
    schedule: false,
  });
  boss.on("error", () => undefined);
  await boss.start();

  const emit = (event: JobEvent) => {
    try {
      options.onEvent?.(event);
    } catch {
      // Metrics must never break a job.
    }
  };

  const queues = new Map<string, Promise<void>>();
  let creating: Promise<unknown> = Promise.resolve();
  /**
   * pg-boss 10's `create_queue` inserts into its `queue` table, then adds the new partition's
   * foreign key to it (a lock that waits for every other open insert there): two queues created
   * at once (two processes starting, a server's first send racing a worker's start) deadlock, and
   * PostgreSQL aborts one with 40P01. This process creates one queue at a time, and retries a
   * creation the deadlock detector aborted (the other one went through).
   */
  const createQueue = (name: string): Promise<void> => {
    const run = async () => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          return await boss.createQueue(name, { name, policy: "standard" });
        } catch (error) {
          if ((error as { code?: unknown }).code !== "40P01" || attempt >= 10) throw error;
          await new Promise((resolve) => setTimeout(resolve, attempt * (10 + Math.random() * 40)));
        }
      }
    };
    const created = creating.then(run, run);
    creating = created.catch(() => undefined);
    return created;
  };
  /** Creates pg-boss's queue of a type once per process (idempotent across processes). */
  const ensureQueue = (type: string): Promise<void> => {
    let created = queues.get(type);
    if (!created) {
      created = createQueue(pgBossQueueName(type));
      created.catch(() => queues.delete(type));
      queues.set(type, created);
    }
    return created;
  };

  /** Moves an active pg-boss job's expiry to a lease from now (pg-boss 10 has no heartbeat of its own). */
  const renew = (type: string, id: string) =>
    pool.query(`UPDATE ${schema}.job SET expire_in = (now() - started_on) + make_interval(secs => $3) WHERE name = $1 AND id = $2 AND state = 'active'`, [
      pgBossQueueName(type),
      id,
      leaseSeconds,
    ]);
  /** Puts an active pg-boss job back as never fetched by this attempt (fetch counts a retry when `started_on` is set). */
  const handBack = (type: string, id: string) =>
    pool.query(
      `UPDATE ${schema}.job SET state = 'created', completed_on = NULL,
         started_on = CASE WHEN retry_count = 0 THEN NULL ELSE started_on END,
         retry_count = GREATEST(retry_count - 1, 0)
       WHERE name = $1 AND id = $2 AND state = 'active'`,
      [pgBossQueueName(type), id],
    );
  /**
   * Brings the record of a job whose worker died in line with pg-boss once it expired the job:
   * queued again (with pg-boss's retry time) or failed when its retries are spent.
   */
  const reconcile = () =>
    pool.query(
      `UPDATE jobs j SET
         status = CASE WHEN p.state = 'failed' THEN 'failed' ELSE 'queued' END,
         error = COALESCE(j.error, 'the worker running it stopped before it finished'),
         finished_at = CASE WHEN p.state = 'failed' THEN now() ELSE NULL END,
         run_at = CASE WHEN p.state = 'failed' THEN j.run_at ELSE p.start_after END,
         claim = NULL, lease_until = NULL
       FROM ${schema}.job p
       WHERE j.status = 'running' AND j.lease_until < now()
         AND p.name = 'epca.' || j.type AND p.id = j.id AND p.state IN ('created', 'retry', 'failed')`,
    );

  /** Running jobs of this process, by id, to abort on cancel. */
  const running = new Map<string, AbortController>();
  const workers = new Set<JobWorker>();
  const STOPPING = new Error("the worker is stopping");

  /** Marks the job's record running under a new claim: `null` when it must not run (cancelled, finished, unknown). */
  async function claimRecord(id: string, claim: string): Promise<JobRecord | null> {
    const { rows } = await driver.query<Row>(
      `UPDATE jobs SET status = 'running', attempts = attempts + 1, claim = $2, lease_until = now() + make_interval(secs => $3),
         started_at = COALESCE(started_at, now())
       WHERE id = $1 AND status IN ('queued', 'running') RETURNING tenant_id`,
      [id, claim, leaseSeconds],
    );
    return rows[0] ? storage.get(String(rows[0].tenant_id), id) : null;
  }

  async function runClaimed(job: JobRecord, claim: string, handler: JobHandler, controller: AbortController): Promise<void> {
    const name = pgBossQueueName(job.type);
    running.set(job.id, controller);
    const started = Date.now();
    emit({ kind: "started", job });
    const lost = () => {
      if (!controller.signal.aborted) controller.abort(new Error("the job was cancelled or taken over"));
    };
    const heartbeat = setInterval(() => {
      void storage
        .updateClaimed(job.id, claim, { leaseUntil: new Date(Date.now() + leaseMs) })
        .then(async (still) => {
          if (!still) return lost();
          await renew(job.type, job.id);
        })
        .catch(() => undefined);
    }, Math.max(50, Math.floor(leaseMs / 3)));
    const finish = (status: Extract<JobEvent, { kind: "finished" }>["status"], latest: JobRecord) =>
      emit({ kind: "finished", job: latest, status, durationMs: Date.now() - started });
    try {
      let outcome: { ok: true; result: unknown } | { ok: false; error: unknown };
      try {
        outcome = {
          ok: true,
          result: await handler({
            id: job.id,
            tenantId: job.tenant_id,
            type: job.type,
            payload: job.payload,
            attempt: job.attempts,
            signal: controller.signal,
            async progress(done, total = null, note = null) {
              if (!(await storage.updateClaimed(job.id, claim, { progress: { done, total, message: note } }))) lost();
            },
          }),
        };
      } catch (error) {
        outcome = { ok: false, error };
      }
      if (controller.signal.aborted) {
        finish(controller.signal.reason === STOPPING ? "handed_back" : "cancelled", job);
        return;
      }
      if (outcome.ok) {
        const result = outcome.result === undefined ? null : JSON.parse(JSON.stringify(outcome.result));
        const finishedAt = new Date().toISOString();
        // The record first: should the process die before pg-boss hears of it, the delivery that
        // comes back finds the job succeeded and does not run it again.
        if (await storage.updateClaimed(job.id, claim, { status: "succeeded", result, error: null, finished_at: finishedAt, leaseUntil: null })) {
          await boss.complete(name, job.id);
          finish("succeeded", { ...job, status: "succeeded", result, finished_at: finishedAt });
        }
        return;
      }
      // pg-boss decides: retry (by the job's limit, delay and backoff) or failed; an error that
      // another attempt would meet again spends the retries first, so that it fails.
      const error = message(outcome.error);
      if (isFinalJobError(outcome.error)) await pool.query(`UPDATE ${schema}.job SET retry_limit = retry_count WHERE name = $1 AND id = $2 AND state = 'active'`, [name, job.id]);
      await boss.fail(name, job.id, { message: error });
      const delivery = await boss.getJobById(name, job.id);
      if (delivery?.state === "retry") {
        if (await storage.updateClaimed(job.id, claim, { status: "queued", error, run_at: toIsoString(delivery.startAfter), leaseUntil: null })) {
          finish("retrying", { ...job, error });
        }
      } else if (await storage.updateClaimed(job.id, claim, { status: "failed", error, finished_at: new Date().toISOString(), leaseUntil: null })) {
        finish("failed", { ...job, status: "failed", error });
      }
    } finally {
      clearInterval(heartbeat);
      running.delete(job.id);
    }
  }

  const queue: JobQueue = {
    capabilities: { sharedAcrossProcesses: true, durable: true },
    counts: () => storage.counts(),
    get: (tenantId, id) => storage.get(tenantId, id),
    list: (tenantId, filter, page) => storage.list(tenantId, filter, page),

    async enqueue(tenantId, request) {
      const job = newJobRecord(tenantId, request, new Date());
      await ensureQueue(job.type);
      const stored = await driver.transaction(async (sql) => {
        const record = await sqlJobStorage(onExecutor(sql), () => undefined).insert(job);
        if (record.id !== job.id) return record; // the job of this idempotency key
        await boss.send(
          pgBossQueueName(job.type),
          { tenantId },
          {
            id: job.id,
            priority: job.priority,
            startAfter: new Date(job.run_at),
            retryLimit: job.max_attempts - 1,
            // pg-boss counts whole seconds: a fraction is rounded up, never retried sooner than asked.
            retryDelay: Math.ceil(job.retry_delay_seconds),
            retryBackoff: job.retry_backoff,
            expireInSeconds: leaseSeconds,
            db: { executeSql: (text: string, values: unknown[]) => sql.query(text, values) },
          },
        );
        return record;
      });
      if (stored.id === job.id) emit({ kind: "enqueued", job: stored });
      return stored;
    },

    async cancel(tenantId, id) {
      const job = await storage.cancel(tenantId, id, new Date());
      if (job?.status === "cancelled") {
        await boss.cancel(pgBossQueueName(job.type), job.id).catch(() => undefined);
        running.get(id)?.abort(new Error("the job was cancelled"));
      }
      return job;
    },

    work(handlers, workerOptions: WorkerOptions = {}) {
      const concurrency = workerOptions.concurrency ?? 1;
      // pg-boss's own workers poll at most every 500 ms; this loop keeps the port's default.
      const pollMs = workerOptions.pollMs ?? 250;
      if (!Number.isInteger(concurrency) || concurrency < 1) throw new ConfigurationError("concurrency", "must be a positive integer");
      const types = [...handlers.keys()];
      const idle = new AbortController();
      const mine = new Map<string, { controller: AbortController; claim: string; job: JobRecord; done: Promise<void> }>();
      let accepting = true;
      let lastReconcile = 0;
      let next = 0;

      /** One due job of the handled types from pg-boss, turning round the types for fairness. */
      async function fetchOne(): Promise<{ type: string; id: string } | null> {
        for (let i = 0; i < types.length; i += 1) {
          const type = types[(next + i) % types.length]!;
          await ensureQueue(type);
          const [delivery] = await boss.fetch(pgBossQueueName(type), { batchSize: 1 });
          if (delivery) {
            next = (next + i + 1) % types.length;
            return { type, id: delivery.id };
          }
        }
        return null;
      }

      async function loop(): Promise<void> {
        while (accepting) {
          if (Date.now() - lastReconcile > Math.min(leaseMs, 5_000)) {
            lastReconcile = Date.now();
            await reconcile().catch(() => undefined);
          }
          if (mine.size >= concurrency || types.length === 0) {
            await sleep(pollMs, idle.signal);
            continue;
          }
          // The database unavailable for a moment: try again at the next poll.
          const delivery = await fetchOne().catch(() => null);
          if (!delivery) {
            await sleep(pollMs, idle.signal);
            continue;
          }
          if (!accepting) {
            await handBack(delivery.type, delivery.id).catch(() => undefined);
            break;
          }
          const claim = globalThis.crypto.randomUUID();
          const job = await claimRecord(delivery.id, claim).catch(() => undefined);
          if (job === undefined) {
            await handBack(delivery.type, delivery.id).catch(() => undefined);
            continue;
          }
          if (job === null) {
            // Cancelled, finished or unknown here: nothing to run; pg-boss forgets the delivery.
            await boss.complete(pgBossQueueName(delivery.type), delivery.id).catch(() => undefined);
            continue;
          }
          const controller = new AbortController();
          const done = runClaimed(job, claim, handlers.get(job.type)!, controller)
            .catch(() => undefined)
            .finally(() => mine.delete(job.id));
          mine.set(job.id, { controller, claim, job, done });
        }
      }
      const loopDone = loop();

      const worker: JobWorker = {
        async stop(stopOptions = {}) {
          if (!workers.delete(worker)) return;
          accepting = false;
          idle.abort();
          await loopDone;
          // Past the grace period: abort what still runs and hand it back, its attempt not counted.
          await finishWithinGrace(() => mine.values(), stopOptions.graceMs ?? 10_000, async (r) => {
            r.controller.abort(STOPPING);
            if (await storage.updateClaimed(r.job.id, r.claim, { status: "queued", attempts: r.job.attempts - 1, leaseUntil: null }).catch(() => false)) {
              await handBack(r.job.type, r.job.id).catch(() => undefined);
            }
          });
        },
      };
      workers.add(worker);
      return worker;
    },

    async close() {
      await Promise.all([...workers].map((worker) => worker.stop()));
      await boss.stop({ graceful: false, wait: true }).catch(() => undefined);
      await driver.close();
    },
  };
  return queue;
}
