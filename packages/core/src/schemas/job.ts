import { z } from "zod";

/** Lifecycle of a background job. */
export const jobStatusSchema = z.enum(["queued", "running", "succeeded", "failed", "cancelled"]);
export type JobStatus = z.infer<typeof jobStatusSchema>;

/** A background job as the queue stores it. */
export const jobRecordSchema = z.object({
  id: z.string(),
  tenant_id: z.string(),
  type: z.string(),
  status: jobStatusSchema,
  payload: z.unknown(),
  progress: z.object({ done: z.number(), total: z.number().nullable(), message: z.string().nullable() }),
  result: z.unknown(),
  error: z.string().nullable(),
  attempts: z.number().int().describe("Attempts started so far."),
  max_attempts: z.number().int(),
  retry_delay_seconds: z.number(),
  retry_backoff: z.boolean(),
  priority: z.number().int(),
  run_at: z.iso.datetime(),
  idempotency_key: z.string().nullable(),
  created_by: z.number().int().nullable().describe("The user who asked for the job; `null` for the system."),
  created_at: z.iso.datetime(),
  started_at: z.iso.datetime().nullable(),
  finished_at: z.iso.datetime().nullable(),
});
export type JobRecord = z.infer<typeof jobRecordSchema>;

/** A job as the API answers it (contract section 8): no tenant, no payload. */
export const jobSchema = jobRecordSchema.pick({
  id: true,
  type: true,
  status: true,
  progress: true,
  result: true,
  error: true,
  attempts: true,
  created_at: true,
  started_at: true,
  finished_at: true,
});
export type Job = z.infer<typeof jobSchema>;

/** The API's view of a stored job. */
export function toPublicJob(job: JobRecord): Job {
  return {
    id: job.id,
    type: job.type,
    status: job.status,
    progress: job.progress,
    result: job.result,
    error: job.error,
    attempts: job.attempts,
    created_at: job.created_at,
    started_at: job.started_at,
    finished_at: job.finished_at,
  };
}

/** A recurring job: a cron expression in a time zone, stored per tenant. */
export const jobScheduleSchema = z.object({
  id: z.string(),
  tenant_id: z.string(),
  name: z.string(),
  cron: z.string().describe("Five fields (minute hour day month weekday), or six with seconds first."),
  timezone: z.string().describe("An IANA time zone, e.g. Europe/Berlin."),
  type: z.string(),
  payload: z.unknown(),
  enabled: z.boolean(),
  next_run_at: z.iso.datetime().nullable().describe("The next due time not yet enqueued."),
  last_run_at: z.iso.datetime().nullable(),
  created_by: z.number().int().nullable(),
  created_at: z.iso.datetime(),
});
export type JobSchedule = z.infer<typeof jobScheduleSchema>;
