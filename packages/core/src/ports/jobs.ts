import type { Page, PageResult, TenantId } from "../schemas/common.js";
import type { JobRecord, JobSchedule, JobStatus } from "../schemas/job.js";

/** How a failed job is tried again: up to `limit` more attempts, `delaySeconds` apart (doubling when `backoff`). */
export interface RetryPolicy {
  readonly limit: number;
  readonly delaySeconds: number;
  readonly backoff: boolean;
}

/** What `enqueue` is asked for. */
export interface JobRequest {
  readonly type: string;
  /** JSON-serialisable input of the handler. */
  readonly payload: unknown;
  /** A second enqueue with the same key (same tenant and type) answers the first job instead of a new one. */
  readonly idempotencyKey?: string | null;
  /** Higher runs first among due jobs (default 0). */
  readonly priority?: number;
  /** Not before this instant (default now). */
  readonly runAt?: Date;
  /** Default: 2 retries, 5 s apart, doubling. */
  readonly retry?: Partial<RetryPolicy>;
  /** The user who asked for it (who may then see and cancel it); `null` for the system. */
  readonly createdBy?: number | null;
}

/** Filters of `JobQueue.list`. */
export interface JobFilter {
  readonly type?: string;
  readonly status?: JobStatus;
  /** Jobs this user asked for. */
  readonly createdBy?: number;
}

/** How many jobs of a type are in a status, over every tenant (metrics). */
export interface JobCount {
  readonly type: string;
  readonly status: JobStatus;
  readonly count: number;
}

/** What a handler is given while its job runs. */
export interface RunningJob {
  readonly id: string;
  readonly tenantId: TenantId;
  readonly type: string;
  readonly payload: unknown;
  /** 1 for the first try. */
  readonly attempt: number;
  /** Aborted when the job is cancelled, or when its worker stops and the grace period is over. */
  readonly signal: AbortSignal;
  /** Records how far the job got (`GET /jobs/{id}` shows it). */
  progress(done: number, total?: number | null, message?: string | null): Promise<void>;
}

/**
 * Runs one type of job; what it resolves with (JSON) is the job's `result`; a rejection fails the
 * attempt, and the job too when `isFinalJobError` says another attempt would fail the same way
 * (a `ValidationError`, `LimitExceededError`, `ForbiddenError` or `UnauthenticatedError`).
 */
export type JobHandler = (job: RunningJob) => Promise<unknown>;

/** How a worker runs. */
export interface WorkerOptions {
  /** Jobs run at once by this worker (default 1). */
  readonly concurrency?: number;
  /** How often an idle worker looks for due jobs, ms (default 250). */
  readonly pollMs?: number;
}

/** A worker running handlers in this process. */
export interface JobWorker {
  /**
   * Stops taking jobs. A running job may finish within `graceMs` (default 10 s); past it, its
   * signal is aborted and it is handed back to the queue (queued again, the attempt not counted),
   * never left half-done as running.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
}

/**
 * Background work: one queue for training, reports, imports and schedules. Every job belongs to
 * one tenant; `get`, `list` and `cancel` MUST NOT see another tenant's jobs (another tenant's job
 * is `null`, as a missing one). A job MUST run at most once at a time and, once it succeeded,
 * MUST NOT run again; a failed attempt is retried by its policy, and the last failure keeps its
 * error and attempts. With `capabilities.sharedAcrossProcesses`, any number of processes enqueue
 * and work on one queue and each job still runs once.
 */
export interface JobQueue {
  readonly capabilities: { readonly sharedAcrossProcesses: boolean; readonly durable: boolean };
  /** Stores a queued job and answers it (or the job of the same idempotency key). */
  enqueue(tenantId: TenantId, request: JobRequest): Promise<JobRecord>;
  /** The tenant's job, or `null`. */
  get(tenantId: TenantId, id: string): Promise<JobRecord | null>;
  /** The tenant's jobs, newest first, and how many match. */
  list(tenantId: TenantId, filter: JobFilter, page: Page): Promise<PageResult<JobRecord>>;
  /**
   * Cancels a queued or running job (a running handler sees its signal aborted and its result is
   * discarded); a finished job is answered unchanged. `null` when the tenant has no such job.
   */
  cancel(tenantId: TenantId, id: string): Promise<JobRecord | null>;
  /** Jobs queued, running and failed, by type and status, over every tenant (for metrics). */
  counts(): Promise<JobCount[]>;
  /** Starts running `handlers` (by job type) in this process. */
  work(handlers: ReadonlyMap<string, JobHandler>, options?: WorkerOptions): JobWorker;
  /** Stops every worker of this queue (as `stop()`) and releases what the queue holds. */
  close(): Promise<void>;
}

/** A claimed job: what a worker holds while it runs. */
export interface ClaimedJob {
  readonly job: JobRecord;
  /** Identifies the claim; updates with another token (a lease that expired and was re-claimed) are refused. */
  readonly claim: string;
}

/**
 * Where an in-process queue keeps its jobs (memory, or a table for a durable queue on PGlite).
 * Every method is atomic on its own.
 */
export interface JobStorage {
  /** Stores a new queued job; MUST answer the existing job for a (tenant, type, idempotency key) already stored. */
  insert(job: JobRecord): Promise<JobRecord>;
  get(tenantId: TenantId, id: string): Promise<JobRecord | null>;
  list(tenantId: TenantId, filter: JobFilter, page: Page): Promise<PageResult<JobRecord>>;
  /**
   * Marks the most urgent due job (status queued, run_at ≤ now, type among `types`; highest
   * priority, then oldest run_at) running with a lease until `leaseUntil`, counting an attempt, and
   * answers it; `null` when none is due. Of concurrent claims, each job MUST go to one claimer.
   */
  claim(types: readonly string[], now: Date, leaseUntil: Date, claim: string): Promise<ClaimedJob | null>;
  /** Applies the patch to a running job of this claim; `false` when the claim is no longer the job's (cancelled, re-claimed). */
  updateClaimed(id: string, claim: string, patch: Partial<Pick<JobRecord, "status" | "progress" | "result" | "error" | "finished_at" | "run_at" | "attempts">> & { leaseUntil?: Date | null }): Promise<boolean>;
  /** Cancels a queued or running job of the tenant; answers the job as it is afterwards, or `null`. */
  cancel(tenantId: TenantId, id: string, now: Date): Promise<JobRecord | null>;
  /** Jobs queued, running and failed, by type and status, over every tenant. */
  counts(): Promise<JobCount[]>;
  /** Puts running jobs whose lease ended before `now` back in the queue (their worker died); returns how many. */
  requeueExpired(now: Date): Promise<number>;
}

/**
 * Where recurring jobs are kept. `advance` is a compare-and-set on `next_run_at`, so that of
 * several schedulers (one per process) exactly one moves a schedule past a due time.
 */
export interface ScheduleStorage {
  insert(schedule: JobSchedule): Promise<JobSchedule>;
  get(tenantId: TenantId, id: string): Promise<JobSchedule | null>;
  list(tenantId: TenantId): Promise<JobSchedule[]>;
  /** Deletes the tenant's schedule and answers it as it was, or `null`. */
  delete(tenantId: TenantId, id: string): Promise<JobSchedule | null>;
  /** Enabled schedules of every tenant whose `next_run_at` ≤ `now`. */
  due(now: Date): Promise<JobSchedule[]>;
  /** Moves `next_run_at` from `expected` to `next` (and `last_run_at` to `lastRun`); `false` when another scheduler moved it first. */
  advance(id: string, expected: string | null, next: string | null, lastRun: string | null): Promise<boolean>;
}
