import { Cron } from "croner";
import { ValidationError, type Clock, type JobQueue, type JobSchedule, type ScheduleStorage, type TenantId } from "@epca/core";

/** What `createSchedule` is asked for. */
export interface ScheduleRequest {
  readonly name: string;
  /** Five fields (minute hour day month weekday), or six with seconds first. */
  readonly cron: string;
  /** IANA time zone (default UTC). */
  readonly timezone?: string;
  readonly type: string;
  readonly payload: unknown;
  readonly createdBy?: number | null;
}

/** The next due time of `cron` in `timezone` strictly after `after`, or `null` when there is none. */
export function nextDueTime(cron: string, timezone: string, after: Date): Date | null {
  return new Cron(cron, { timezone, paused: true }).nextRun(after);
}

/** Checks a cron expression and time zone with croner, as a `ValidationError` naming the field. */
export function checkCron(cron: string, timezone: string): void {
  try {
    new Cron(cron, { timezone, paused: true }).nextRun();
  } catch (error) {
    const field = /time ?zone/i.test(String(error)) ? "timezone" : "cron";
    throw new ValidationError([{ path: [field], code: "invalid_format", message: `${field === "cron" ? "Invalid cron expression" : "Unknown time zone"}: ${error instanceof Error ? error.message : String(error)}` }]);
  }
}

/** Stores a new schedule whose first due time is the first after now. */
export async function createSchedule(storage: ScheduleStorage, tenantId: TenantId, request: ScheduleRequest, clock: Clock = { now: () => new Date() }): Promise<JobSchedule> {
  const timezone = request.timezone ?? "UTC";
  checkCron(request.cron, timezone);
  const now = clock.now();
  const next = nextDueTime(request.cron, timezone, now);
  return storage.insert({
    id: globalThis.crypto.randomUUID(),
    tenant_id: tenantId,
    name: request.name,
    cron: request.cron,
    timezone,
    type: request.type,
    payload: JSON.parse(JSON.stringify(request.payload ?? null)),
    enabled: true,
    next_run_at: next?.toISOString() ?? null,
    last_run_at: null,
    created_by: request.createdBy ?? null,
    created_at: now.toISOString(),
  });
}

/** A running scheduler. */
export interface Scheduler {
  /** Runs one pass now (what the timer does every `tickMs`); answers how many jobs it enqueued. */
  tick(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Turns due schedules into jobs: each pass, every enabled schedule whose next due time has come
 * enqueues one job per due time, with the idempotency key `schedule:<id>:<due time>` (so two
 * schedulers, in two processes, make one job of it), then moves `next_run_at` past now by
 * compare-and-set. Due times older than `catchUpMs` (default 1 hour) are skipped, not replayed:
 * a restart within the window misses none, a long outage does not flood the queue.
 */
export function startScheduler(options: {
  storage: ScheduleStorage;
  queue: JobQueue;
  clock?: Clock;
  tickMs?: number;
  catchUpMs?: number;
  onError?: (error: unknown) => void;
}): Scheduler {
  const clock = options.clock ?? { now: () => new Date() };
  const tickMs = options.tickMs ?? 1_000;
  const catchUpMs = options.catchUpMs ?? 3_600_000;
  let running: Promise<number> | null = null;

  async function pass(): Promise<number> {
    const now = clock.now();
    let enqueued = 0;
    for (const schedule of await options.storage.due(now)) {
      let due = schedule.next_run_at ? new Date(schedule.next_run_at) : null;
      let last: string | null = null;
      // Every due time up to now (at most 1,000 per pass), the ones inside the catch-up window enqueued.
      for (let i = 0; due !== null && due.getTime() <= now.getTime() && i < 1_000; i++) {
        if (now.getTime() - due.getTime() <= catchUpMs) {
          await options.queue.enqueue(schedule.tenant_id, {
            type: schedule.type,
            payload: schedule.payload,
            idempotencyKey: `schedule:${schedule.id}:${due.toISOString()}`,
            createdBy: schedule.created_by,
          });
          enqueued += 1;
          last = due.toISOString();
        }
        due = nextDueTime(schedule.cron, schedule.timezone, due);
      }
      await options.storage.advance(schedule.id, schedule.next_run_at, due?.toISOString() ?? null, last);
    }
    return enqueued;
  }

  const tick = (): Promise<number> => {
    running ??= pass().finally(() => (running = null));
    return running;
  };
  const timer = setInterval(() => {
    tick().catch((error: unknown) => options.onError?.(error));
  }, tickMs);
  return {
    tick,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => 0);
    },
  };
}
