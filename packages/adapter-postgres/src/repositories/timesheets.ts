import type { Timesheet, TimesheetFilter, TimesheetInsert, TimesheetRepository } from "@epca/core";
import { translated } from "../database-errors.js";
import type { SqlExecutor } from "../sql-executor.js";
import { createEntityRepository } from "./entity-repository.js";
import { mapRow } from "./rows.js";

/** Rows per INSERT … SELECT FROM unnest(…) statement of `insertMany`. */
export const INSERT_MANY_CHUNK = 5_000;

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
    async sumHoursOnDateForUpdate(employeeId, date, excludeId) {
      // The lock comes first, in its own statement: under READ COMMITTED the sum's snapshot is
      // then taken after a concurrent holder of the same lock committed.
      await sql.query(
        "SELECT pg_advisory_xact_lock(hashtextextended('epca:timesheets:' || current_setting('app.tenant_id', true) || ':' || $1 || ':' || $2, 0))",
        [String(employeeId), date],
      );
      const result = await sql.query<{ total: number }>(
        `SELECT COALESCE(sum(hours_worked), 0)::float8 AS total FROM timesheets
          WHERE employee_id = $1 AND date = $2::date AND status <> 'rejected'
            AND ($3::bigint IS NULL OR id <> $3::bigint)`,
        [employeeId, date, excludeId ?? null],
      );
      return Number(result.rows[0]?.total ?? 0);
    },
    async insertMany(values) {
      let stored = 0;
      for (let start = 0; start < values.length; start += INSERT_MANY_CHUNK) {
        const chunk = values.slice(start, start + INSERT_MANY_CHUNK);
        const columns: unknown[][] = [[], [], [], [], [], [], [], [], []];
        for (const t of chunk) {
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
        const result = await translated(() => sql.query(INSERT_MANY_SQL, columns));
        stored += result.rowCount;
      }
      return stored;
    },
  };
}
