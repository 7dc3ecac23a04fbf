import { ConflictError, type Department, type DepartmentFilter, type DepartmentInsert, type DepartmentRepository } from "@epca/core";
import type { MemoryDatabase } from "./database.js";
import { entityRepository } from "./entity-repository.js";
import { findCopy, type TransactionContext } from "./table.js";
import { unlinkUsers } from "./users.js";

/** A department name as compared for uniqueness: lower-cased code point by code point, like SQL's lower(). */
function nameKey(name: string): string {
  let key = "";
  for (const c of name) key += c.toLowerCase();
  return key;
}

/**
 * Departments of the transaction's tenant; names are unique per tenant regardless of case. A department
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
      const key = nameKey(candidate.name);
      const clash = table.find(tx.tenantId, (d) => nameKey(d.name) === key && d.id !== id);
      if (clash !== undefined) throw new ConflictError(`A department named "${candidate.name}" already exists`);
    },
    matcher: (filter) => (d) => filter.name === undefined || d.name === filter.name,
    dependents,
    beforeDelete: (id) => unlinkUsers(tx, db, "department_id", id),
  });
  return {
    ...base,
    findByName: async (name) => {
      const key = nameKey(name);
      return findCopy(tx, table, (d) => nameKey(d.name) === key);
    },
    async countDependents(id) {
      tx.assertOpen();
      return dependents(id);
    },
  };
}
