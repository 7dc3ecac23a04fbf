import { StoreClosedError } from "../../errors.js";
import type { TenantScope } from "../../ports/store.js";
import { check, checkEqual, checkRejects } from "../assertions.js";
import type { ContractContext } from "./kit.js";

/** The contract part "scope": what a unit of work hands out besides the repositories. */
export function scopeContract(ctx: ContractContext): void {
  const { describe, it, run, newTenant } = ctx;
  describe("scope", () => {
    it("names its tenant and carries the tenant as stored when the unit of work began", async () => {
      const tenant = await newTenant();
      const stored = await ctx.store.tenants.findById(tenant);
      const seen = await run(tenant, async (s) => ({ id: s.tenantId, tenant: s.tenant }));
      checkEqual(seen.id, tenant, "scope.tenantId");
      checkEqual(seen.tenant, stored, "scope.tenant equals the stored tenant");
      await ctx.store.tenants.update(tenant, { is_active: false });
      checkEqual((await run(tenant, async (s) => s.tenant)).is_active, false, "a suspended tenant reads as suspended in the next unit of work");
    });

    it("refuses a scope used after its unit of work settled", async () => {
      const tenant = await newTenant();
      let leaked: TenantScope | undefined;
      await run(tenant, async (s) => {
        leaked = s;
      });
      check(leaked, "the scope was handed out");
      let refused = false;
      try {
        await leaked.departments.list({}, { skip: 0, limit: 1 });
      } catch (error) {
        refused = (error as { code?: unknown }).code === "scope_expired";
      }
      check(refused, "a late call is refused with code scope_expired");
    });

    it("declares its capabilities", async () => {
      const { capabilities } = ctx.store;
      checkEqual(typeof capabilities.durable, "boolean", "capabilities.durable");
      checkEqual(typeof capabilities.sharedAcrossProcesses, "boolean", "capabilities.sharedAcrossProcesses");
    });
  });
}

/** Checks that a closed store refuses work with `StoreClosedError` (used by adapters' own tests). */
export async function checkClosedStoreRefuses(store: { transaction(tenant: string, work: () => Promise<unknown>): Promise<unknown> }): Promise<void> {
  await checkRejects(store.transaction("default", async () => 1), StoreClosedError, "a closed store refuses transactions");
}
