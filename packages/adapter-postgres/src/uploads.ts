import type { TimesheetDraftColumns, UploadImportStore, UploadReceipt } from "@epca/reports";
import { guardedWrite } from "./database-errors.js";
import { booleanArrayLiteral, numberArrayLiteral, textArrayLiteral } from "./array-literals.js";
import type { PostgresScopePart } from "./store.js";

/**
 * `@epca/reports`' upload store on PostgreSQL/PGlite (migration 0009, `upload_receipts` under
 * row-level security), as a scope part: `createPostgresStore({ parts: { uploads: postgresUploads } })`.
 *
 * A timesheet import stages its checked rows in a temporary table of its transaction
 * (`ON COMMIT DROP`: private to the connection, gone at COMMIT or ROLLBACK) through
 * `INSERT … SELECT FROM unnest(…)`, and moves them into `timesheets` with ONE `INSERT … SELECT`
 * at the end (`storeStagedTimesheets`): the statement triggers of timesheets (the analytics
 * rollups) then run once per import, as for a COPY, instead of once per batch, where every
 * batch re-updated the same rollup rows. `dailyHoursForUpdate` takes the per-(employee, date)
 * advisory locks that `timesheets.sumHoursOnDateForUpdate` takes, for a whole batch in one
 * statement, then sums stored and staged hours in one statement (staged ones only for pairs a
 * Bloom filter of the staged pairs does not rule out); past `ADVISORY_PAIR_LIMIT` days
 * in one transaction it locks the timesheets table instead.
 */
/** Per-pair advisory locks an import takes before it locks the table instead (PostgreSQL's lock table is small). */
export const ADVISORY_PAIR_LIMIT = 1_000;

/** The staging table of a timesheet import (temporary, dropped at the end of the transaction). */
const STAGING = "epca_upload_timesheets";

/**
 * Staging of new drafts (what an import stores: no review yet). The columns arrive as array
 * literals in strings (see array-literals.ts): both drivers send a string as text, which the
 * parameter's array type reads.
 */
const STAGE_DRAFTS_SQL = `
INSERT INTO ${STAGING} (employee_id, project_id, hours_worked, date, description, status)
SELECT e, p, h, d, t, 'draft' FROM unnest($1::bigint[], $2::bigint[], $3::float8[], $4::date[], $5::text[]) AS u(e, p, h, d, t)`;

/**
 * Day sums of a batch whose pairs fall on few dates (a file sorted by date): one index range
 * scan per date over (tenant_id, date), the employees filtered by a hashed `= ANY`; the sums are
 * answered as ONE float8 array literal in the order of the pairs ($5, $6), not a row per pair.
 */
const SUMS_BY_DATES_SQL = `
WITH h AS (
  SELECT employee_id, date, sum(hours_worked) AS total FROM (
    SELECT employee_id, date, hours_worked FROM timesheets
     WHERE date = ANY($2::date[]) AND employee_id = ANY($1::bigint[]) AND status <> 'rejected'
    UNION ALL
    SELECT employee_id, date, hours_worked FROM ${STAGING}
     WHERE cardinality($4::date[]) > 0 AND date = ANY($4::date[]) AND employee_id = ANY($3::bigint[]) AND status <> 'rejected'
  ) x GROUP BY 1, 2
)
SELECT array_agg(COALESCE(h.total, 0)::float8 ORDER BY p.n)::text AS totals
  FROM unnest($5::bigint[], $6::date[]) WITH ORDINALITY AS p(e, d, n)
  LEFT JOIN h ON h.employee_id = p.e AND h.date = p.d`;

/** Day sums of arbitrary pairs: one index probe per pair into timesheets, and into staging where `s` says it may hold some. */
const SUMS_BY_PAIRS_SQL = `
SELECT array_agg((COALESCE((SELECT sum(t.hours_worked) FROM timesheets t WHERE t.employee_id = p.e AND t.date = p.d AND t.status <> 'rejected'), 0)
           + CASE WHEN p.s THEN COALESCE((SELECT sum(s.hours_worked) FROM ${STAGING} s WHERE s.employee_id = p.e AND s.date = p.d AND s.status <> 'rejected'), 0) ELSE 0 END)::float8
           ORDER BY p.n)::text AS totals
  FROM unnest($1::bigint[], $2::date[], $3::boolean[]) WITH ORDINALITY AS p(e, d, s, n)`;

/** The numbers of a float8 array literal (`{1,2.5,0}`), `count` of them (zeros when the literal is empty or absent). */
function numbersOf(literal: string | null | undefined, count: number): number[] {
  const out = new Array<number>(count).fill(0);
  if (!literal || literal.length <= 2) return out;
  let i = 0;
  let start = 1;
  for (let c = 1; c < literal.length; c++) {
    const ch = literal.charCodeAt(c);
    if (ch === 44 /* , */ || ch === 125 /* } */) {
      if (i < count) out[i] = Number(literal.slice(start, c));
      i += 1;
      start = c + 1;
    }
  }
  return out;
}

/** Bits of the filter of staged (employee, date) pairs: 2^23 (1 MiB), about 5 % false positives at a million pairs. */
const STAGED_FILTER_BITS = 1 << 23;

/**
 * A Bloom filter (two hashes) of the (employee, date) pairs staged so far: a pair it has never
 * seen has no staged rows, so its day sum needs no probe into the staging table (a file sorted by
 * date names new days in every batch). A false positive only costs that probe.
 */
function stagedPairs() {
  let bits = new Uint32Array(STAGED_FILTER_BITS / 32);
  const hashes = (employee: number, date: string): [number, number] => {
    let a = 0x811c9dc5 ^ employee;
    let b = Math.imul(employee, 0x9e3779b1) ^ 0x27d4eb2f;
    for (let i = 0; i < date.length; i++) {
      const c = date.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x85ebca6b) ^ (b >>> 13);
    }
    return [(a >>> 0) % STAGED_FILTER_BITS, (b >>> 0) % STAGED_FILTER_BITS];
  };
  const bit = (i: number) => (bits[i >>> 5]! >>> (i & 31)) & 1;
  return {
    add(employee: number, date: string) {
      for (const i of hashes(employee, date)) bits[i >>> 5]! |= 1 << (i & 31);
    },
    mayHave(employee: number, date: string) {
      const [i, j] = hashes(employee, date);
      return bit(i) === 1 && bit(j) === 1;
    },
    clear() {
      bits = new Uint32Array(STAGED_FILTER_BITS / 32);
    },
  };
}

/** Distinct dates of a batch up to which its sums are read date by date rather than pair by pair. */
const DATES_READ_WHOLE = 31;

export const postgresUploads: PostgresScopePart<UploadImportStore> = (sql) => {
  // One part per unit of work: how this transaction holds its days so far, and its staging table.
  let advisoryPairs = 0;
  let tableLocked = false;
  let staging = false;
  let staged = 0;
  const stagedFilter = stagedPairs();
  const ensureStaging = async () => {
    if (staging) return;
    // No constraints but NOT NULL: every row was checked by core's rules; timesheets' own
    // constraints and foreign keys check them again when they move there.
    await sql.query(
      `CREATE TEMPORARY TABLE ${STAGING} (employee_id bigint NOT NULL, project_id bigint NOT NULL, hours_worked float8 NOT NULL,
         date date NOT NULL, description text, status text NOT NULL, reviewed_by bigint, reviewed_at timestamptz, review_note text) ON COMMIT DROP`,
    );
    await sql.query(`CREATE INDEX ON ${STAGING} (employee_id, date)`);
    staging = true;
  };
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
      await ensureStaging();
      const n = pairs.length;
      const employees = new Array<number>(n);
      const dates = new Array<string>(n);
      for (let i = 0; i < n; i++) {
        employees[i] = pairs[i]!.employee_id;
        dates[i] = pairs[i]!.date;
      }
      const employeeList = numberArrayLiteral(employees);
      const dateList = textArrayLiteral(dates);
      if (!tableLocked && advisoryPairs + n > ADVISORY_PAIR_LIMIT) {
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
          [employeeList, dateList],
        );
        advisoryPairs += n;
      }
      const maybeStaged = new Array<boolean>(n);
      for (let i = 0; i < n; i++) maybeStaged[i] = staged > 0 && stagedFilter.mayHave(employees[i]!, dates[i]!);
      const distinctDates = [...new Set(dates)];
      if (distinctDates.length <= DATES_READ_WHOLE) {
        const stagedEmployees = new Set<number>();
        const stagedDates = new Set<string>();
        for (let i = 0; i < n; i++) {
          if (!maybeStaged[i]) continue;
          stagedEmployees.add(employees[i]!);
          stagedDates.add(dates[i]!);
        }
        const { rows } = await sql.query<{ totals: string | null }>(SUMS_BY_DATES_SQL, [
          employeeList, // duplicates and all: `= ANY` hashes them (a Set of 5,000 was a large object per batch)
          textArrayLiteral(distinctDates),
          numberArrayLiteral([...stagedEmployees]),
          textArrayLiteral([...stagedDates]),
          employeeList,
          dateList,
        ]);
        return numbersOf(rows[0]?.totals, n);
      }
      const { rows } = await sql.query<{ totals: string | null }>(SUMS_BY_PAIRS_SQL, [employeeList, dateList, booleanArrayLiteral(maybeStaged)]);
      return numbersOf(rows[0]?.totals, n);
    },
    async stageTimesheets(drafts: TimesheetDraftColumns) {
      if (drafts.length === 0) return 0;
      await ensureStaging();
      for (let i = 0; i < drafts.length; i++) stagedFilter.add(drafts.employee_id[i]!, drafts.date[i]!);
      const { rowCount } = await sql.query(STAGE_DRAFTS_SQL, [
        numberArrayLiteral(drafts.employee_id),
        numberArrayLiteral(drafts.project_id),
        numberArrayLiteral(drafts.hours_worked),
        textArrayLiteral(drafts.date),
        textArrayLiteral(drafts.description),
      ]);
      staged += rowCount;
      return rowCount;
    },
    async storeStagedTimesheets() {
      if (staged === 0) return 0;
      // One statement: timesheets' constraints, foreign keys (the tenant's employees and
      // projects) and statement triggers run as for a COPY of the same rows.
      const { rowCount } = await guardedWrite(sql, () =>
        sql.query(
          `INSERT INTO timesheets (employee_id, project_id, hours_worked, date, description, status, reviewed_by, reviewed_at, review_note)
           SELECT employee_id, project_id, hours_worked, date, description, status, reviewed_by, reviewed_at, review_note FROM ${STAGING}`,
        ),
      );
      await sql.query(`TRUNCATE ${STAGING}`);
      staged = 0;
      stagedFilter.clear();
      return rowCount;
    },
  };
};
