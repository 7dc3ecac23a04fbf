import { TenantSuspendedError, UnknownTenantError } from "../errors.js";
import { tenantIdSchema, type TenantId } from "../schemas/common.js";
import type { TenantUseCases } from "./types.js";
import type { UseCaseContext } from "./unit-of-work.js";

/** Tenant resolution for requests made before login (login, register, refresh). */
export function tenantUseCases(ctx: UseCaseContext): TenantUseCases {
  return {
    async resolve(reference) {
      const { value, source } = reference;
      const hint = source === "X-Tenant-ID" ? "expected a tenant id or subdomain" : "send X-Tenant-ID with a tenant id or subdomain";
      // Every subdomain (a DNS label) is also a well-formed tenant id: a value that is not one names no
      // tenant and costs no lookup. The subdomain is only looked up when the id matched nothing.
      if (!tenantIdSchema.safeParse(value).success) throw new UnknownTenantError(value, source, hint);
      const tenant = (await ctx.store.tenants.findById(value)) ?? (await ctx.store.tenants.findBySubdomain(value.toLowerCase()));
      if (!tenant) throw new UnknownTenantError(value, source, hint);
      if (!tenant.is_active) throw new TenantSuspendedError(tenant.id);
      return tenant.id as TenantId;
    },
  };
}
