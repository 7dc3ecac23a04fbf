import {
  ConflictError,
  NotFoundError,
  type UserFilter,
  type UserInsert,
  type UserPatch,
  type UserRecord,
  type UserRepository,
} from "@epca/core";
import type { MemoryDatabase } from "./database.js";
import { checkReferences, type Reference } from "./entity-repository.js";
import { copy, definedFields, pageOf, type TransactionContext } from "./table.js";

/** The stored columns of a user insert or patch: known fields only. */
function userColumns(v: UserInsert): UserInsert {
  return {
    email: v.email,
    password_hash: v.password_hash,
    full_name: v.full_name,
    role: v.role,
    is_active: v.is_active,
    department_id: v.department_id ?? null,
    employee_id: v.employee_id ?? null,
  };
}

/** The department and employee a user is linked to, each optional. */
function userReferences(db: MemoryDatabase, v: Pick<UserInsert, "department_id" | "employee_id">): Reference[] {
  return [
    { entity: "department", table: db.departments, id: v.department_id ?? null },
    { entity: "employee", table: db.employees, id: v.employee_id ?? null },
  ];
}

/**
 * Sets `department_id` or `employee_id` to `null` on the tenant's users linked to the record `id`
 * that is being deleted (ON DELETE SET NULL); `updated_at` is left alone, as a database would.
 */
export function unlinkUsers(tx: TransactionContext, db: MemoryDatabase, column: "department_id" | "employee_id", id: number): void {
  for (const user of db.users.select(tx.tenantId, (u) => u[column] === id)) {
    db.users.replace(tx, { ...user, [column]: null });
  }
}

/**
 * Users of the transaction's tenant; emails are unique per tenant (case-insensitive). The linked
 * department and employee, when not null, must exist in the tenant. Custom role grants are kept on
 * the user row (`role_ids`, ascending) and go with it when it is deleted.
 */
export function memoryUserRepository(tx: TransactionContext, db: MemoryDatabase): UserRepository {
  const table = db.users;
  const withEmail = (email: string) => (u: UserRecord) => u.email.toLowerCase() === email.toLowerCase();
  const checkUnique = (email: string, id: number | null) => {
    const sameEmail = withEmail(email);
    if (table.find(tx.tenantId, (u) => sameEmail(u) && u.id !== id) !== undefined) {
      throw new ConflictError(`A user with email "${email}" already exists`);
    }
  };

  return {
    async insert(values) {
      tx.assertOpen();
      const columns = userColumns(values);
      checkReferences(tx, userReferences(db, columns));
      checkUnique(columns.email, null);
      const now = tx.now();
      const row: UserRecord = { id: table.nextId(), ...columns, role_ids: [], created_at: now, updated_at: now };
      table.insert(tx, row);
      return copy(row);
    },
    async findById(id) {
      tx.assertOpen();
      const row = table.get(tx.tenantId, id);
      return row === undefined ? null : copy(row);
    },
    async findWithSession(id, familyId) {
      tx.assertOpen();
      const row = table.get(tx.tenantId, id);
      if (row === undefined) return null;
      const sessionActive = db.refreshTokens.find(tx.tenantId, (t) => t.family_id === familyId && t.user_id === id && t.revoked_at === null) !== undefined;
      return { user: copy(row), sessionActive };
    },
    async findByEmail(email) {
      tx.assertOpen();
      const row = table.find(tx.tenantId, withEmail(email));
      return row === undefined ? null : copy(row);
    },
    async update(id, patch: UserPatch) {
      tx.assertOpen();
      const current = table.get(tx.tenantId, id);
      if (current === undefined) return null;
      const columns = userColumns({ ...current, ...definedFields(patch) });
      checkReferences(tx, userReferences(db, columns), userReferences(db, current));
      checkUnique(columns.email, id);
      const row: UserRecord = { ...current, ...columns, updated_at: tx.now() };
      table.replace(tx, row);
      return copy(row);
    },
    async delete(id) {
      tx.assertOpen();
      const removed = table.remove(tx, id);
      if (removed === undefined) return null;
      for (const token of db.refreshTokens.select(tx.tenantId, (t) => t.user_id === id)) {
        db.refreshTokens.remove(tx, token.id);
      }
      return copy(removed);
    },
    async list(filter: UserFilter, page) {
      tx.assertOpen();
      const f = filter ?? {};
      const rows = table.select(
        tx.tenantId,
        (u) =>
          (f.role === undefined || u.role === f.role) &&
          (f.department_id === undefined || u.department_id === f.department_id) &&
          (f.is_active === undefined || u.is_active === f.is_active),
      );
      return pageOf(rows, page ?? {});
    },
    async setRoleIds(userId, roleIds) {
      tx.assertOpen();
      const current = table.get(tx.tenantId, userId);
      if (current === undefined) throw new NotFoundError("user", userId);
      for (const roleId of roleIds) {
        if (db.roles.get(tx.tenantId, roleId) === undefined) throw new NotFoundError("role", roleId);
      }
      // Grants live in their own relation in SQL: changing them does not touch `updated_at`.
      table.replace(tx, { ...current, role_ids: [...new Set(roleIds)].sort((a, b) => a - b) });
    },
    async count() {
      tx.assertOpen();
      return table.count(tx.tenantId);
    },
  };
}
