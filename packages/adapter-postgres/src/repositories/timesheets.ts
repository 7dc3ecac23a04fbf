import { NotFoundError, type Timesheet, type TimesheetFilter, type TimesheetInsert, type TimesheetRepository } from "@epca/core";
import { guardedRead, guardedWrite } from "../database-errors.js";
import type { SqlExecutor } from "../sql-executor.js";
import { createEntityRepository } from "./entity-repository.js";
import { mapRow } from "./rows.js";

/** Rows per INSERT … SELECT FROM unnest(…) statement of `insertMany`. */
export const INSERT_MANY_CHUNK = 5_000;

/**
 * Timesheets as the nine column arrays (employee, project, hours, date, description, status,
 * reviewer, review time, review note) that `INSERT … SELECT FROM unnest($1, …, $9)` takes.
 */
export function timesheetColumns(values: readonly TimesheetInsert[]): unknown[][] {
  const columns: unknown[][] = [[], [], [], [], [], [], [], [], []];
  for (const t of values) {
    columns[0]!.push(t.employee_id);
    columns[1]!.push(t.project_id);
    columns[2]!.push(t.hours_worked);
    columns[3]!.push(t.date);
    columns[4]!.push(t.description ?? null);
    columns[5]!.push(t.status ?? "draft");
    columns[6]!.push(t.reviewed_by ?? null);
    columns[7]!.push(t.reviewed_at ?? null);
    columns[8]!.push(t.review_note ?? null);
  }
  return columns;
}

const INSERT_MANY_SQL = `
INSERT INTO timesheets (employee_id, project_id, hours_worked, date, description, status, reviewed_by, reviewed_at, review_note)
SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::float8[], $4::date[], $5::text[], $6::text[], $7::bigint[], $8::timestamptz[], $9::text[])`;

/** Timesheets of the transaction's tenant. */
export function timesheetRepository(sql: SqlExecutor): TimesheetRepository {
  const base = createEntityRepository<Timesheet, TimesheetInsert, TimesheetFilter>(sql, {
    table: "timesheets",
    columns: {
      employee_id: "int8",
      project_id: "int8",
      hours_worked: "float8",
      date: "date",
      description: "text",
      status: "text",
      reviewed_by: "int8",
      reviewed_at: "timestamptz",
      review_note: "text",
    },
    hasUpdatedAt: true,
    map: mapRow.timesheet,
    filter: (f, c) => {
      c.when(f.employee_id, "employee_id = ?")
        .when(f.project_id, "project_id = ?")
        .when(f.department_id, "employee_id IN (SELECT id FROM employees WHERE department_id = ?)")
        .when(f.status, "status = ?")
        .when(f.from, "date >= ?::date")
        .when(f.to, "date <= ?::date");
    },
  });
  return {
    ...base,
    async findByIdForUpdate(id) {
      // The row lock lasts until the transaction ends; a concurrent FOR UPDATE of the same row
      // waits, then (READ COMMITTED) reads the row as the other transaction committed it.
      const result = await sql.query("SELECT * FROM timesheets WHERE id = $1 FOR UPDATE", [id]);
      return result.rows[0] ? mapRow.timesheet(result.rows[0]) : null;
    },
    async sumHoursOnDateForUpdate(employeeId, date, excludeId) {
      // In a savepoint, so that a malformed date leaves the transaction usable; the lock is kept
      // when the savepoint is released. The key uses the date as PostgreSQL reads it, so that two
      // spellings of one day share the lock.
      return guardedRead(sql, async () => {
        // The lock comes first, in its own statement: under READ COMMITTED the sum's snapshot is
        // then taken after a concurrent holder of the same lock committed.
        await sql.query(
          "SELECT pg_advisory_xact_lock(hashtextextended('epca:timesheets:' || current_setting('app.tenant_id', true) || ':' || $1 || ':' || $2::date::text, 0))",
          [String(employeeId), date],
        );
        const result = await sql.query<{ total: number }>(
          `SELECT COALESCE(sum(hours_worked), 0)::float8 AS total FROM timesheets
            WHERE employee_id = $1 AND date = $2::date AND status <> 'rejected'
              AND ($3::bigint IS NULL OR id <> $3::bigint)`,
          [employeeId, date, excludeId ?? null],
        );
        return Number(result.rows[0]?.total ?? 0);
      });
    },
    async insertMany(values) {
      // One savepoint around every chunk: a refused entry undoes the whole call (and only it), the
      // transaction stays usable and the error is translated (NotFoundError, ValidationError, …).
      try {
        return await guardedWrite(sql, () => insertChunks(sql, values));
      } catch (error) {
        // Row-level security keeps the key out of the error detail: name the missing id here.
        if (error instanceof NotFoundError && error.id === "unknown") throw await missingReference(sql, values, error);
        throw error;
      }
    },
  };
}

/** Inserts the entries in chunks of INSERT_MANY_CHUNK rows; returns how many were stored. */
async function insertChunks(sql: SqlExecutor, values: readonly TimesheetInsert[]): Promise<number> {
  let stored = 0;
  for (let start = 0; start < values.length; start += INSERT_MANY_CHUNK) {
    const chunk = values.slice(start, start + INSERT_MANY_CHUNK);
    const result = await sql.query(INSERT_MANY_SQL, timesheetColumns(chunk));
    stored += result.rowCount;
  }
  return stored;
}

/** The first employee or project id of the entries that does not exist in this tenant, as a NotFoundError. */
async function missingReference(sql: SqlExecutor, values: readonly TimesheetInsert[], error: NotFoundError): Promise<NotFoundError> {
  const table = error.resource === "employee" ? "employees" : error.resource === "project" ? "projects" : null;
  if (table === null) return error;
  const ids = [...new Set(values.map((t) => (table === "employees" ? t.employee_id : t.project_id)))];
  const result = await sql.query<{ id: number }>(
    `SELECT r.id FROM unnest($1::bigint[]) WITH ORDINALITY AS r(id, n) WHERE NOT EXISTS (SELECT 1 FROM ${table} x WHERE x.id = r.id) ORDER BY r.n LIMIT 1`,
    [ids],
  );
  const id = result.rows[0]?.id;
  return id === undefined ? error : new NotFoundError(error.resource, Number(id), { cause: error.cause });
}
