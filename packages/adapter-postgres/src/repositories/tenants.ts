import type { Tenant, TenantPatch, TenantRepository } from "@epca/core";
import { translated } from "../database-errors.js";
import type { SqlDriver, SqlExecutor } from "../sql-executor.js";
import { mapRow } from "./rows.js";

/** Applies a tenant patch on `sql` (the driver, or an open transaction as the connecting user); the tenant, or `null`. */
export async function updateTenant(sql: Pick<SqlExecutor, "query">, id: string, patch: TenantPatch): Promise<Tenant | null> {
  const result = await translated(() =>
    sql.query(
      `UPDATE tenants SET
         is_active = COALESCE($2, is_active),
         plan = COALESCE($3, plan),
         limits = limits || COALESCE($4::text::jsonb, '{}'::jsonb),
         name = COALESCE($5, name)
       WHERE id = $1 RETURNING *`,
      [id, patch.is_active ?? null, patch.plan ?? null, patch.limits === undefined ? null : JSON.stringify(patch.limits), patch.name ?? null],
    ),
  );
  return result.rows[0] ? mapRow.tenant(result.rows[0]) : null;
}

/** Tenants: platform administration, outside any tenant's row-level security. */
export function tenantRepository(driver: SqlDriver): Omit<TenantRepository, "provision" | "change"> {
  return {
    async insert(values) {
      const result = await translated(() =>
        driver.query(
          `INSERT INTO tenants (id, name, subdomain, plan, is_active, limits)
           VALUES ($1, $2, $3, $4, $5, $6::text::jsonb) RETURNING *`,
          [values.id, values.name, values.subdomain, values.plan, values.is_active, JSON.stringify(values.limits)],
        ),
      );
      return mapRow.tenant(result.rows[0]!);
    },
    async findById(id) {
      const result = await driver.query("SELECT * FROM tenants WHERE id = $1", [id]);
      return result.rows[0] ? mapRow.tenant(result.rows[0]) : null;
    },
    async findBySubdomain(subdomain) {
      const result = await driver.query("SELECT * FROM tenants WHERE subdomain = $1", [subdomain]);
      return result.rows[0] ? mapRow.tenant(result.rows[0]) : null;
    },
    async list() {
      const result = await driver.query("SELECT * FROM tenants ORDER BY created_at, id");
      return result.rows.map(mapRow.tenant);
    },
    update(id, patch) {
      return updateTenant(driver, id, patch);
    },
  };
}
