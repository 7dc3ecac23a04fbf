import { ConflictError, type Employee, type EmployeeFilter, type EmployeeInsert, type EmployeeRepository } from "@epca/core";
import type { MemoryDatabase } from "./database.js";
import { entityRepository } from "./entity-repository.js";
import { findCopy, type TransactionContext } from "./table.js";
import { unlinkUsers } from "./users.js";

/**
 * Employees of the transaction's tenant; emails, when not null, are unique per tenant
 * (case-insensitive). The department must exist in the tenant; an employee cannot be deleted while
 * timesheets or allocations refer to it, and users linked to it are unlinked.
 */
export function memoryEmployeeRepository(tx: TransactionContext, db: MemoryDatabase): EmployeeRepository {
  const table = db.employees;
  const withEmail = (email: string) => (e: Employee) => e.email !== null && e.email.toLowerCase() === email.toLowerCase();
  const dependents = (id: number) => ({
    timesheets: db.timesheets.count(tx.tenantId, (t) => t.employee_id === id),
    allocations: db.allocations.count(tx.tenantId, (a) => a.employee_id === id),
  });
  const base = entityRepository<Employee, EmployeeInsert, EmployeeFilter>(tx, {
    entity: "employee",
    table,
    columns: (v) => ({
      name: v.name,
      email: v.email ?? null,
      department_id: v.department_id,
      salary: v.salary,
      revenue_generated: v.revenue_generated,
      hire_date: v.hire_date ?? null,
      skills: v.skills ?? [],
      is_active: v.is_active,
    }),
    checkUnique(candidate, id) {
      if (candidate.email === null) return;
      const sameEmail = withEmail(candidate.email);
      const clash = table.find(tx.tenantId, (e) => sameEmail(e) && e.id !== id);
      if (clash !== undefined) throw new ConflictError(`An employee with email "${candidate.email}" already exists`);
    },
    matcher: (filter) => (e) =>
      (filter.department_id === undefined || e.department_id === filter.department_id) &&
      (filter.is_active === undefined || e.is_active === filter.is_active),
    references: (v) => [{ entity: "department", table: db.departments, id: v.department_id }],
    dependents,
    beforeDelete: (id) => unlinkUsers(tx, db, "employee_id", id),
  });
  return {
    ...base,
    findByEmail: async (email) => findCopy(tx, table, withEmail(email)),
    async countDependents(id) {
      tx.assertOpen();
      return dependents(id);
    },
  };
}
