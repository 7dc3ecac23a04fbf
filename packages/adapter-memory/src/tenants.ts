import { ConflictError, type Clock, type Tenant, type TenantRepository } from "@epca/core";
import { copy } from "./table.js";

/**
 * Tenants of one memory store. Not part of any transaction: every call applies at once, as the
 * platform administration of a database would outside a tenant's unit of work.
 */
export function memoryTenantRepository(tenants: Map<string, Tenant>, clock: Clock, assertUsable: () => void): Omit<TenantRepository, "provision" | "change"> {
  return {
    async insert(values) {
      assertUsable();
      if (tenants.has(values.id)) throw new ConflictError(`A tenant with id "${values.id}" already exists`);
      for (const t of tenants.values()) {
        if (t.subdomain === values.subdomain) throw new ConflictError(`The subdomain "${values.subdomain}" is taken`);
      }
      const tenant: Tenant = copy({
        id: values.id,
        name: values.name,
        subdomain: values.subdomain,
        plan: values.plan,
        is_active: values.is_active,
        limits: values.limits,
        created_at: clock.now().toISOString(),
      });
      tenants.set(tenant.id, tenant);
      return copy(tenant);
    },
    async findById(id) {
      assertUsable();
      const tenant = tenants.get(id);
      return tenant === undefined ? null : copy(tenant);
    },
    async findBySubdomain(subdomain) {
      assertUsable();
      for (const t of tenants.values()) if (t.subdomain === subdomain) return copy(t);
      return null;
    },
    async list() {
      assertUsable();
      // Map order is insertion order, which is creation order: tenants are never deleted.
      return [...tenants.values()].map(copy);
    },
    async update(id, patch) {
      assertUsable();
      const current = tenants.get(id);
      if (current === undefined) return null;
      const updated: Tenant = copy({
        ...current,
        ...(patch.name !== undefined && { name: patch.name }),
        ...(patch.is_active !== undefined && { is_active: patch.is_active }),
        ...(patch.plan !== undefined && { plan: patch.plan }),
        ...(patch.limits !== undefined && { limits: patch.limits }),
      });
      tenants.set(id, updated);
      return copy(updated);
    },
  };
}
