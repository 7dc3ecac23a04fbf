import { ConflictError, type Department, type DepartmentFilter, type DepartmentInsert, type DepartmentRepository } from "@epca/core";
import type { MemoryDatabase } from "./database.js";
import { entityRepository } from "./entity-repository.js";
import { findCopy, type TransactionContext } from "./table.js";
import { unlinkUsers } from "./users.js";

/**
 * Departments of the transaction's tenant; names are unique per tenant (exact match). A department
 * cannot be deleted while employees or projects belong to it; users linked to it are unlinked.
 */
export function memoryDepartmentRepository(tx: TransactionContext, db: MemoryDatabase): DepartmentRepository {
  const table = db.departments;
  const dependents = (id: number) => ({
    employees: db.employees.count(tx.tenantId, (e) => e.department_id === id),
    projects: db.projects.count(tx.tenantId, (p) => p.department_id === id),
  });
  const base = entityRepository<Department, DepartmentInsert, DepartmentFilter>(tx, {
    entity: "department",
    table,
    columns: (v) => ({ name: v.name, budget: v.budget, description: v.description ?? null }),
    checkUnique(candidate, id) {
      const clash = table.find(tx.tenantId, (d) => d.name === candidate.name && d.id !== id);
      if (clash !== undefined) throw new ConflictError(`A department named "${candidate.name}" already exists`);
    },
    matcher: (filter) => (d) => filter.name === undefined || d.name === filter.name,
    dependents,
    beforeDelete: (id) => unlinkUsers(tx, db, "department_id", id),
  });
  return {
    ...base,
    findByName: async (name) => findCopy(tx, table, (d) => d.name === name),
    async countDependents(id) {
      tx.assertOpen();
      return dependents(id);
    },
  };
}
