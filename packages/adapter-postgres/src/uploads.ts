import type { UploadImportStore, UploadReceipt } from "@epca/reports";
import type { PostgresScopePart } from "./store.js";

/**
 * `@epca/reports`' upload store on PostgreSQL/PGlite (migration 0009, `upload_receipts` under
 * row-level security), as a scope part: `createPostgresStore({ parts: { uploads: postgresUploads } })`.
 * `dailyHoursForUpdate` takes the per-(employee, date) advisory locks that
 * `timesheets.sumHoursOnDateForUpdate` takes, for a whole batch in one statement, then sums; past
 * `ADVISORY_PAIR_LIMIT` days in one transaction it locks the timesheets table instead.
 */
/** Per-pair advisory locks an import takes before it locks the table instead (PostgreSQL's lock table is small). */
export const ADVISORY_PAIR_LIMIT = 1_000;

export const postgresUploads: PostgresScopePart<UploadImportStore> = (sql) => {
  // One part per unit of work: how this transaction holds its days so far.
  let advisoryPairs = 0;
  let tableLocked = false;
  return {
    batchesDailyHours: true,
    async findReceipt(entity, sha256) {
      const { rows } = await sql.query<{ entity: string; sha256: string; result: Record<string, unknown>; created_at: Date | string }>(
        "SELECT entity, sha256, result, created_at FROM upload_receipts WHERE entity = $1 AND sha256 = $2",
        [entity, sha256],
      );
      const row = rows[0];
      if (!row) return null;
      return { entity: row.entity as UploadReceipt["entity"], sha256: row.sha256, result: row.result, created_at: new Date(row.created_at).toISOString() };
    },
    async saveReceipt(receipt) {
      const { rowCount } = await sql.query(
        "INSERT INTO upload_receipts (entity, sha256, result, created_at) VALUES ($1, $2, $3::jsonb, $4::timestamptz) ON CONFLICT DO NOTHING",
        [receipt.entity, receipt.sha256, JSON.stringify(receipt.result), receipt.created_at],
      );
      return rowCount === 1;
    },
    async dailyHoursForUpdate(pairs) {
      if (pairs.length === 0) return [];
      const employees = pairs.map((p) => p.employee_id);
      const dates = pairs.map((p) => p.date);
      if (!tableLocked && advisoryPairs + pairs.length > ADVISORY_PAIR_LIMIT) {
        // A large import: one lock on the table instead of a lock per day (a million advisory locks
        // would exhaust the lock table). SHARE ROW EXCLUSIVE admits readers and refuses every other
        // writer of timesheets until this transaction ends; the sums below then see their commits.
        await sql.query("LOCK TABLE timesheets IN SHARE ROW EXCLUSIVE MODE");
        tableLocked = true;
      }
      if (!tableLocked) {
        // The same keys as sumHoursOnDateForUpdate, taken in the order given (the caller sorts them).
        await sql.query(
          `SELECT pg_advisory_xact_lock(hashtextextended('epca:timesheets:' || current_setting('app.tenant_id', true) || ':' || e::text || ':' || d::date::text, 0))
             FROM unnest($1::bigint[], $2::date[]) WITH ORDINALITY AS p(e, d, n) ORDER BY n`,
          [employees, dates],
        );
        advisoryPairs += pairs.length;
      }
      const { rows } = await sql.query<{ n: string | number; total: number }>(
        `SELECT p.n, COALESCE(sum(t.hours_worked), 0)::float8 AS total
           FROM unnest($1::bigint[], $2::date[]) WITH ORDINALITY AS p(e, d, n)
           LEFT JOIN timesheets t ON t.employee_id = p.e AND t.date = p.d AND t.status <> 'rejected'
          GROUP BY p.n`,
        [employees, dates],
      );
      const out = new Array<number>(pairs.length).fill(0);
      for (const r of rows) out[Number(r.n) - 1] = Number(r.total);
      return out;
    },
  };
};
