import type { Allocation, AllocationFilter, AllocationInsert, AllocationRepository } from "@epca/core";
import type { MemoryDatabase } from "./database.js";
import { entityRepository } from "./entity-repository.js";
import { copy, type TransactionContext } from "./table.js";

/** Whether `[a.start_date, a.end_date]` overlaps the inclusive range (an open end overlaps everything). */
function overlaps(a: Allocation, from: string | undefined, to: string | undefined): boolean {
  return (to === undefined || a.start_date <= to) && (from === undefined || a.end_date >= from);
}

/**
 * Allocations of the transaction's tenant. Transactions of a memory store run one at a time, so
 * `findOverlappingForUpdate` holds its lock simply by being inside one.
 */
export function memoryAllocationRepository(tx: TransactionContext, db: MemoryDatabase): AllocationRepository {
  const table = db.allocations;
  const base = entityRepository<Allocation, AllocationInsert, AllocationFilter>(tx, {
    entity: "allocation",
    table,
    columns: (v) => ({
      employee_id: v.employee_id,
      project_id: v.project_id,
      allocation_percentage: v.allocation_percentage,
      allocated_hours: v.allocated_hours,
      start_date: v.start_date,
      end_date: v.end_date,
    }),
    matcher: (filter) => (a) =>
      (filter.employee_id === undefined || a.employee_id === filter.employee_id) &&
      (filter.project_id === undefined || a.project_id === filter.project_id) &&
      overlaps(a, filter.from, filter.to),
    references: (v) => [
      { entity: "employee", table: db.employees, id: v.employee_id },
      { entity: "project", table: db.projects, id: v.project_id },
    ],
  });
  return {
    ...base,
    async findOverlappingForUpdate(employeeId, start, end, excludeId) {
      tx.assertOpen();
      return table
        .select(tx.tenantId, (a) => a.employee_id === employeeId && a.id !== excludeId && overlaps(a, start, end))
        .map(copy);
    },
  };
}
