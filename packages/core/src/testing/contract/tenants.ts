import { ConflictError } from "../../errors.js";
import { PLAN_LIMITS } from "../../schemas/tenant.js";
import { check, checkEqual, checkRejects } from "../assertions.js";
import { uniqueTenantId, type ContractContext } from "./kit.js";

/** The contract part "tenants". */
export function tenantRepositoryContract(ctx: ContractContext): void {
  const { describe, it } = ctx;
  describe("tenants", () => {
    it("stores, finds and updates tenants; subdomains are unique", async () => {
      const id = uniqueTenantId();
      const created = await ctx.store.tenants.insert({ id, name: "Acme", subdomain: id, plan: "professional", is_active: true, limits: PLAN_LIMITS.professional });
      checkEqual({ id: created.id, plan: created.plan, limits: created.limits }, { id, plan: "professional", limits: PLAN_LIMITS.professional }, "tenant fields");
      checkEqual(await ctx.store.tenants.findBySubdomain(id), created, "by subdomain");
      await checkRejects(
        ctx.store.tenants.insert({ id: `${id}-2`, name: "Acme 2", subdomain: id, plan: "starter", is_active: true, limits: PLAN_LIMITS.starter }),
        ConflictError,
        "duplicate subdomain",
      );
      const suspended = await ctx.store.tenants.update(id, { is_active: false });
      checkEqual(suspended?.is_active, false, "suspended");
      check((await ctx.store.tenants.list()).some((t) => t.id === id), "listed");
      checkEqual(await ctx.store.tenants.findById(`none-${id}`), null, "unknown tenant is null");
    });
  });
}
