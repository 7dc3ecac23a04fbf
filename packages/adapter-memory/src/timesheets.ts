import type { Timesheet, TimesheetFilter, TimesheetInsert, TimesheetRepository } from "@epca/core";
import type { MemoryDatabase } from "./database.js";
import { entityRepository, insertEntity, type EntitySpec } from "./entity-repository.js";
import type { TransactionContext } from "./table.js";

/**
 * Timesheet entries of the transaction's tenant; the employee and the project must exist in the
 * tenant. Transactions of a memory store run one at a time, so the `ForUpdate` reads hold their
 * lock simply by being inside one.
 */
export function memoryTimesheetRepository(tx: TransactionContext, db: MemoryDatabase): TimesheetRepository {
  const table = db.timesheets;
  const spec: EntitySpec<Timesheet, TimesheetInsert, TimesheetFilter> = {
    entity: "timesheet",
    table,
    columns: (v) => ({
      employee_id: v.employee_id,
      project_id: v.project_id,
      hours_worked: v.hours_worked,
      date: v.date,
      description: v.description ?? null,
      status: v.status,
      reviewed_by: v.reviewed_by ?? null,
      reviewed_at: v.reviewed_at ?? null,
      review_note: v.review_note ?? null,
    }),
    matcher(filter) {
      // Department membership is read once per call, as a join would.
      const members =
        filter.department_id === undefined
          ? null
          : new Set(db.employees.select(tx.tenantId, (e) => e.department_id === filter.department_id).map((e) => e.id));
      return (t) =>
        (filter.employee_id === undefined || t.employee_id === filter.employee_id) &&
        (filter.project_id === undefined || t.project_id === filter.project_id) &&
        (members === null || members.has(t.employee_id)) &&
        (filter.status === undefined || t.status === filter.status) &&
        (filter.from === undefined || t.date >= filter.from) &&
        (filter.to === undefined || t.date <= filter.to);
    },
    references: (v) => [
      { entity: "employee", table: db.employees, id: v.employee_id },
      { entity: "project", table: db.projects, id: v.project_id },
    ],
  };
  const base = entityRepository(tx, spec);
  return {
    ...base,
    async findByIdForUpdate(id) {
      // The transaction holds the store's only lock, so reading is locking.
      return base.findById(id);
    },
    async sumHoursOnDateForUpdate(employeeId, date, excludeId) {
      tx.assertOpen();
      let sum = 0;
      for (const t of table.select(tx.tenantId)) {
        if (t.employee_id === employeeId && t.date === date && t.status !== "rejected" && t.id !== excludeId) {
          sum += t.hours_worked;
        }
      }
      return sum;
    },
    async insertMany(values) {
      tx.assertOpen();
      // A savepoint: a failure part way leaves nothing behind even if the caller goes on.
      const savepoint = tx.log.mark();
      try {
        for (const v of values) insertEntity(tx, spec, v);
      } catch (error) {
        tx.log.rollbackTo(savepoint);
        throw error;
      }
      return values.length;
    },
  };
}
