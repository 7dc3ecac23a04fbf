import { ConflictError, type Role, type RoleInsert, type RoleRepository } from "@epca/core";
import type { MemoryDatabase } from "./database.js";
import { copy, definedFields, type TransactionContext } from "./table.js";

/** The stored columns of a role insert or patch: known fields only. */
function roleColumns(v: RoleInsert): RoleInsert {
  return { name: v.name, description: v.description ?? null, permissions: v.permissions };
}

/** Custom roles of the transaction's tenant; names are unique per tenant. */
export function memoryRoleRepository(tx: TransactionContext, db: MemoryDatabase): RoleRepository {
  const table = db.roles;
  const checkUnique = (name: string, id: number | null) => {
    if (table.find(tx.tenantId, (r) => r.name === name && r.id !== id) !== undefined) {
      throw new ConflictError(`A role named "${name}" already exists`);
    }
  };

  return {
    async insert(values) {
      tx.assertOpen();
      const columns = copy(roleColumns(values));
      checkUnique(columns.name, null);
      const now = tx.now();
      const row: Role = { id: table.nextId(), ...columns, is_system: false, created_at: now, updated_at: now };
      table.insert(tx, row);
      return copy(row);
    },
    async findById(id) {
      tx.assertOpen();
      const row = table.get(tx.tenantId, id);
      return row === undefined ? null : copy(row);
    },
    async findByIds(ids) {
      tx.assertOpen();
      const wanted = new Set(ids);
      return table.select(tx.tenantId, (r) => wanted.has(r.id)).map(copy);
    },
    async update(id, patch) {
      tx.assertOpen();
      const current = table.get(tx.tenantId, id);
      if (current === undefined) return null;
      const columns = copy(roleColumns({ ...current, ...definedFields(patch) }));
      checkUnique(columns.name, id);
      const row: Role = { ...current, ...columns, updated_at: tx.now() };
      table.replace(tx, row);
      return copy(row);
    },
    async delete(id) {
      tx.assertOpen();
      const removed = table.remove(tx, id);
      if (removed === undefined) return null;
      for (const user of db.users.select(tx.tenantId, (u) => u.role_ids.includes(id))) {
        db.users.replace(tx, { ...user, role_ids: user.role_ids.filter((roleId) => roleId !== id) });
      }
      return copy(removed);
    },
    async list() {
      tx.assertOpen();
      return table.select(tx.tenantId).map(copy);
    },
  };
}
