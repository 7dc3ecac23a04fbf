import { type Project, type ProjectFilter, type ProjectInsert, type ProjectRepository } from "@epca/core";
import type { MemoryDatabase } from "./database.js";
import { entityRepository } from "./entity-repository.js";
import type { TransactionContext } from "./table.js";

/**
 * Projects of the transaction's tenant. The department must exist in the tenant; a project cannot
 * be deleted while timesheets or allocations refer to it.
 */
export function memoryProjectRepository(tx: TransactionContext, db: MemoryDatabase): ProjectRepository {
  const dependents = (id: number) => ({
    timesheets: db.timesheets.count(tx.tenantId, (t) => t.project_id === id),
    allocations: db.allocations.count(tx.tenantId, (a) => a.project_id === id),
  });
  const base = entityRepository<Project, ProjectInsert, ProjectFilter>(tx, {
    entity: "project",
    table: db.projects,
    columns: (v) => ({
      name: v.name,
      department_id: v.department_id,
      cost: v.cost,
      revenue: v.revenue,
      status: v.status,
      completion_percentage: v.completion_percentage,
      start_date: v.start_date ?? null,
      end_date: v.end_date ?? null,
      estimated_end_date: v.estimated_end_date ?? null,
      description: v.description ?? null,
    }),
    matcher: (filter) => (p) =>
      (filter.department_id === undefined || p.department_id === filter.department_id) &&
      (filter.status === undefined || p.status === filter.status),
    references: (v) => [{ entity: "department", table: db.departments, id: v.department_id }],
    dependents,
  });
  return {
    ...base,
    async countDependents(id) {
      tx.assertOpen();
      return dependents(id);
    },
  };
}
