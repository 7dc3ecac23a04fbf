import type { RawRead } from "@epca/core/testing";
import type { PostgresStore } from "../src/index.js";

const TABLES = new Set(["departments", "employees", "projects", "timesheets", "allocations", "users", "roles", "audit_logs", "refresh_tokens"]);

/** The contract suite's raw read: the row as stored, read with SQL under the tenant's row-level security. */
export function rawReadOf(store: () => PostgresStore): RawRead {
  return (tenantId, table, id) => {
    if (!TABLES.has(table)) throw new Error(`no such table: ${table}`);
    return store().withTenantSql(tenantId, async (sql) => (await sql.query(`SELECT * FROM ${table} WHERE id = $1`, [id])).rows[0] ?? null);
  };
}
