import type { ClaimedJob, JobRecord, JobSchedule, JobStorage, ScheduleStorage } from "@epca/core";
import type { SqlDriver } from "./sql-executor.js";
import { jsonParam, toIsoString, toNullableIsoString, toNullableString, toNumber } from "./values.js";

type Row = Record<string, unknown>;

function toJob(row: Row): JobRecord {
  return {
    id: String(row.id),
    tenant_id: String(row.tenant_id),
    type: String(row.type),
    status: row.status as JobRecord["status"],
    // Both drivers parse jsonb already (a JSON string stays a string: it must not be parsed twice).
    payload: row.payload ?? null,
    progress: row.progress as JobRecord["progress"],
    result: row.result ?? null,
    error: toNullableString(row.error),
    attempts: toNumber(row.attempts),
    max_attempts: toNumber(row.max_attempts),
    retry_delay_seconds: toNumber(row.retry_delay_seconds),
    retry_backoff: Boolean(row.retry_backoff),
    priority: toNumber(row.priority),
    run_at: toIsoString(row.run_at),
    idempotency_key: toNullableString(row.idempotency_key),
    created_by: row.created_by === null || row.created_by === undefined ? null : toNumber(row.created_by),
    created_at: toIsoString(row.created_at),
    started_at: toNullableIsoString(row.started_at),
    finished_at: toNullableIsoString(row.finished_at),
  };
}

const COLUMNS =
  "id, tenant_id, type, status, payload, progress, result, error, attempts, max_attempts, retry_delay_seconds, retry_backoff, priority, run_at, idempotency_key, created_by, created_at, started_at, finished_at";

/**
 * The in-process queue's jobs in the `jobs` table (migration 0006): durable on PGlite, so work
 * queued before a restart runs after it. Each method is one statement; a claim is one
 * `UPDATE … WHERE id = (SELECT … FOR UPDATE SKIP LOCKED)`, so concurrent claimers never get one job twice.
 */
export function sqlJobStorage(driver: SqlDriver, open: () => void): JobStorage {
  return {
    async insert(job) {
      open();
      const { rows } = await driver.query(
        `INSERT INTO jobs (${COLUMNS})
         VALUES ($1, $2, $3, $4, $5::text::jsonb, $6::text::jsonb, $7::text::jsonb, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
         ON CONFLICT (tenant_id, type, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
         RETURNING ${COLUMNS}`,
        [
          job.id, job.tenant_id, job.type, job.status, jsonParam(job.payload), jsonParam(job.progress), jsonParam(job.result), job.error,
          job.attempts, job.max_attempts, job.retry_delay_seconds, job.retry_backoff, job.priority, job.run_at, job.idempotency_key,
          job.created_by, job.created_at, job.started_at, job.finished_at,
        ],
      );
      if (rows[0]) return toJob(rows[0]);
      const existing = await driver.query(`SELECT ${COLUMNS} FROM jobs WHERE tenant_id = $1 AND type = $2 AND idempotency_key = $3`, [
        job.tenant_id,
        job.type,
        job.idempotency_key,
      ]);
      return toJob(existing.rows[0]!);
    },
    async get(tenantId, id) {
      open();
      if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
      const { rows } = await driver.query(`SELECT ${COLUMNS} FROM jobs WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
      return rows[0] ? toJob(rows[0]) : null;
    },
    async list(tenantId, filter, page) {
      open();
      const params: unknown[] = [tenantId, filter.type ?? null, filter.status ?? null, filter.createdBy ?? null];
      const where = "tenant_id = $1 AND ($2::text IS NULL OR type = $2) AND ($3::text IS NULL OR status = $3) AND ($4::bigint IS NULL OR created_by = $4)";
      const [items, total] = await Promise.all([
        driver.query(`SELECT ${COLUMNS} FROM jobs WHERE ${where} ORDER BY created_at DESC, id LIMIT $5 OFFSET $6`, [...params, page.limit, page.skip]),
        driver.query<{ total: number }>(`SELECT count(*)::bigint AS total FROM jobs WHERE ${where}`, params),
      ]);
      return { items: items.rows.map(toJob), total: toNumber(total.rows[0]!.total) };
    },
    async claim(types, now, leaseUntil, claim): Promise<ClaimedJob | null> {
      open();
      const { rows } = await driver.query(
        `UPDATE jobs SET status = 'running', attempts = attempts + 1, claim = $3, lease_until = $4, started_at = COALESCE(started_at, $2)
         WHERE id = (
           SELECT id FROM jobs WHERE status = 'queued' AND run_at <= $2 AND type = ANY($1::text[])
           ORDER BY priority DESC, run_at, created_at FOR UPDATE SKIP LOCKED LIMIT 1)
         RETURNING ${COLUMNS}`,
        [types, now.toISOString(), claim, leaseUntil.toISOString()],
      );
      return rows[0] ? { job: toJob(rows[0]), claim } : null;
    },
    async updateClaimed(id, claim, patch) {
      open();
      const sets: string[] = [];
      const params: unknown[] = [id, claim];
      const set = (column: string, value: unknown, cast = "") => {
        params.push(value);
        sets.push(`${column} = $${params.length}${cast}`);
      };
      if (patch.status !== undefined) set("status", patch.status);
      if (patch.progress !== undefined) set("progress", jsonParam(patch.progress), "::text::jsonb");
      if (patch.result !== undefined) set("result", jsonParam(patch.result), "::text::jsonb");
      if (patch.error !== undefined) set("error", patch.error);
      if (patch.finished_at !== undefined) set("finished_at", patch.finished_at);
      if (patch.run_at !== undefined) set("run_at", patch.run_at);
      if (patch.attempts !== undefined) set("attempts", patch.attempts);
      if (patch.leaseUntil !== undefined) set("lease_until", patch.leaseUntil === null ? null : patch.leaseUntil.toISOString());
      // A job leaving `running` is no longer anyone's: later updates of this claim are refused.
      if (patch.status !== undefined && patch.status !== "running") sets.push("claim = NULL");
      if (sets.length === 0) return true;
      const { rowCount } = await driver.query(`UPDATE jobs SET ${sets.join(", ")} WHERE id = $1 AND claim = $2 AND status = 'running'`, params);
      return rowCount > 0;
    },
    async cancel(tenantId, id, now) {
      open();
      if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
      const { rows } = await driver.query(
        `UPDATE jobs SET status = 'cancelled', finished_at = $3, claim = NULL, lease_until = NULL
         WHERE tenant_id = $1 AND id = $2 AND status IN ('queued', 'running') RETURNING ${COLUMNS}`,
        [tenantId, id, now.toISOString()],
      );
      if (rows[0]) return toJob(rows[0]);
      const current = await driver.query(`SELECT ${COLUMNS} FROM jobs WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
      return current.rows[0] ? toJob(current.rows[0]) : null;
    },
    async counts() {
      open();
      const { rows } = await driver.query<{ type: string; status: JobRecord["status"]; count: number }>(
        "SELECT type, status, count(*)::bigint AS count FROM jobs WHERE status IN ('queued', 'running', 'failed') GROUP BY type, status ORDER BY type, status",
      );
      return rows.map((r) => ({ type: r.type, status: r.status, count: toNumber(r.count) }));
    },
    async requeueExpired(now) {
      open();
      const { rowCount } = await driver.query(
        `UPDATE jobs SET
           status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
           error = COALESCE(error, 'the worker running it stopped before it finished'),
           finished_at = CASE WHEN attempts >= max_attempts THEN $1::timestamptz ELSE NULL END,
           claim = NULL, lease_until = NULL
         WHERE status = 'running' AND lease_until < $1`,
        [now.toISOString()],
      );
      return rowCount;
    },
  };
}

const SCHEDULE_COLUMNS = "id, tenant_id, name, cron, timezone, type, payload, enabled, next_run_at, last_run_at, created_by, created_at";

function toSchedule(row: Row): JobSchedule {
  return {
    id: String(row.id),
    tenant_id: String(row.tenant_id),
    name: String(row.name),
    cron: String(row.cron),
    timezone: String(row.timezone),
    type: String(row.type),
    payload: row.payload ?? null,
    enabled: Boolean(row.enabled),
    next_run_at: toNullableIsoString(row.next_run_at),
    last_run_at: toNullableIsoString(row.last_run_at),
    created_by: row.created_by === null || row.created_by === undefined ? null : toNumber(row.created_by),
    created_at: toIsoString(row.created_at),
  };
}

const UUID = /^[0-9a-f-]{36}$/i;

/** Recurring jobs in the `job_schedules` table (migration 0007). */
export function sqlScheduleStorage(driver: SqlDriver, open: () => void): ScheduleStorage {
  return {
    async insert(s) {
      open();
      const { rows } = await driver.query(
        `INSERT INTO job_schedules (${SCHEDULE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb, $8, $9, $10, $11, $12) RETURNING ${SCHEDULE_COLUMNS}`,
        [s.id, s.tenant_id, s.name, s.cron, s.timezone, s.type, jsonParam(s.payload), s.enabled, s.next_run_at, s.last_run_at, s.created_by, s.created_at],
      );
      return toSchedule(rows[0]!);
    },
    async get(tenantId, id) {
      open();
      if (!UUID.test(id)) return null;
      const { rows } = await driver.query(`SELECT ${SCHEDULE_COLUMNS} FROM job_schedules WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
      return rows[0] ? toSchedule(rows[0]) : null;
    },
    async list(tenantId) {
      open();
      const { rows } = await driver.query(`SELECT ${SCHEDULE_COLUMNS} FROM job_schedules WHERE tenant_id = $1 ORDER BY created_at, id`, [tenantId]);
      return rows.map(toSchedule);
    },
    async delete(tenantId, id) {
      open();
      if (!UUID.test(id)) return null;
      const { rows } = await driver.query(`DELETE FROM job_schedules WHERE tenant_id = $1 AND id = $2 RETURNING ${SCHEDULE_COLUMNS}`, [tenantId, id]);
      return rows[0] ? toSchedule(rows[0]) : null;
    },
    async due(now) {
      open();
      const { rows } = await driver.query(`SELECT ${SCHEDULE_COLUMNS} FROM job_schedules WHERE enabled AND next_run_at <= $1 ORDER BY next_run_at`, [now.toISOString()]);
      return rows.map(toSchedule);
    },
    async advance(id, expected, next, lastRun) {
      open();
      const { rowCount } = await driver.query(
        `UPDATE job_schedules SET next_run_at = $3, last_run_at = COALESCE($4, last_run_at)
         WHERE id = $1 AND next_run_at IS NOT DISTINCT FROM $2::timestamptz`,
        [id, expected, next, lastRun],
      );
      return rowCount > 0;
    },
  };
}
