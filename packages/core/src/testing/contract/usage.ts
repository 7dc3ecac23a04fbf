import { ConflictError } from "../../errors.js";
import { PLAN_LIMITS } from "../../schemas/tenant.js";
import { checkEqual, checkRejects } from "../assertions.js";
import { uniqueTenantId, type ContractContext } from "./kit.js";

/** The contract part "usage and provisioning": plan-limit locks, daily usage, `tenants.provision` and `tenants.change`. */
export function usageContract(ctx: ContractContext): void {
  const { describe, it } = ctx;
  const newTenant = async () => {
    const id = uniqueTenantId();
    await ctx.store.tenants.insert({ id, name: id, subdomain: id.toLowerCase(), plan: "starter", is_active: true, limits: PLAN_LIMITS.starter });
    return id;
  };

  describe("usage and provisioning", () => {
    it("lockLimit serializes check-then-insert: 12 parallel units of work at a limit of 4 store exactly 4", async () => {
      const id = await newTenant();
      const attempt = (i: number) =>
        ctx.store.transaction(id, async (s) => {
          await s.usage.lockLimit("max_projects");
          if ((await s.departments.list({}, { skip: 0, limit: 1 })).total >= 4) return false;
          await new Promise((resolve) => setTimeout(resolve, 2));
          await s.departments.insert({ name: `Limited ${i}`, budget: 1, description: null });
          return true;
        });
      const outcomes = await Promise.all(Array.from({ length: 12 }, (_, i) => attempt(i)));
      checkEqual(outcomes.filter(Boolean).length, 4, "units of work that passed the limit");
    });

    it("adds daily usage, counts distinct active users, sums totals from a day, keeps tenants apart", async () => {
      const id = await newTenant();
      const other = await newTenant();
      await ctx.store.transaction(id, async (s) => {
        await s.usage.add("2026-11-30", { api_calls: 3, storage_bytes: 100 }, [1, 2]);
        await s.usage.add("2026-11-30", { api_calls: 2, predictions: 1 }, [2, 3]);
        await s.usage.add("2026-12-01", { storage_bytes: -40, ml_training_seconds: 1.5 }, [1]);
      });
      checkEqual(
        await ctx.store.transaction(id, (s) => s.usage.days("2026-11-01", "2026-12-31")),
        [
          { date: "2026-11-30", api_calls: 5, predictions: 1, active_users: 3, storage_bytes: 100, ml_training_seconds: 0 },
          { date: "2026-12-01", api_calls: 0, predictions: 0, active_users: 1, storage_bytes: -40, ml_training_seconds: 1.5 },
        ],
        "days",
      );
      checkEqual(await ctx.store.transaction(id, (s) => s.usage.days("2026-12-01", "2026-12-01")).then((d) => d.map((x) => x.date)), ["2026-12-01"], "a range of one day");
      checkEqual(await ctx.store.transaction(id, (s) => s.usage.totals()), { api_calls: 5, predictions: 1, storage_bytes: 60, ml_training_seconds: 1.5 }, "totals");
      checkEqual(await ctx.store.transaction(id, (s) => s.usage.totals("2026-12-01")), { api_calls: 0, predictions: 0, storage_bytes: -40, ml_training_seconds: 1.5 }, "totals since");
      checkEqual(await ctx.store.transaction(other, (s) => s.usage.days("2026-11-01", "2026-12-31")), [], "another tenant's days");
    });

    it("provision stores the tenant with its first unit of work, or neither", async () => {
      const id = uniqueTenantId();
      const { tenant, result } = await ctx.store.tenants.provision(
        { id, name: "Provisioned", subdomain: id.toLowerCase(), plan: "starter", is_active: true, limits: PLAN_LIMITS.starter },
        async (s) => {
          checkEqual(s.tenantId, id, "the scope's tenant");
          return (await s.departments.insert({ name: "First", budget: 1, description: null })).id;
        },
      );
      checkEqual([tenant.id, tenant.plan, tenant.is_active], [id, "starter", true], "the tenant");
      checkEqual((await ctx.store.transaction(id, (s) => s.departments.findById(result)))?.name, "First", "its first write");
      const failing = uniqueTenantId();
      const boom = new Error("first admin failed");
      await checkRejects(
        ctx.store.tenants.provision({ id: failing, name: "F", subdomain: failing.toLowerCase(), plan: "starter", is_active: true, limits: PLAN_LIMITS.starter }, async (s) => {
          await s.departments.insert({ name: "Lost", budget: 1, description: null });
          throw boom;
        }),
        Error,
        "the work's error",
      );
      checkEqual(await ctx.store.tenants.findById(failing), null, "no tenant left behind");
      await checkRejects(
        ctx.store.tenants.provision({ id: uniqueTenantId(), name: "Dup", subdomain: id.toLowerCase(), plan: "starter", is_active: true, limits: PLAN_LIMITS.starter }, async () => 1),
        ConflictError,
        "a taken subdomain",
      );
    });

    it("change applies a patch and its unit of work together, or neither", async () => {
      const id = await newTenant();
      const outcome = await ctx.store.tenants.change(
        id,
        (before) => ({ is_active: false, limits: { ...before.limits, max_projects: 7 } }),
        async (s, before) => {
          checkEqual([s.tenantId, s.tenant.is_active, s.tenant.limits.max_projects, before.is_active], [id, false, 7, true], "the scope sees the changed tenant");
          return (await s.departments.insert({ name: "With the change", budget: 1, description: null })).id;
        },
      );
      checkEqual([outcome?.before.is_active, outcome?.tenant.is_active, outcome?.tenant.limits.max_projects], [true, false, 7], "before and after");
      checkEqual((await ctx.store.transaction(id, (s) => s.departments.findById(outcome!.result)))?.name, "With the change", "the unit of work's write");
      const boom = new Error("audit failed");
      await checkRejects(
        ctx.store.tenants.change(id, () => ({ is_active: true, plan: "enterprise" }), async (s) => {
          await s.departments.insert({ name: "Lost", budget: 1, description: null });
          throw boom;
        }),
        Error,
        "the work's error",
      );
      const kept = await ctx.store.tenants.findById(id);
      checkEqual([kept?.is_active, kept?.plan, kept?.limits.max_projects], [false, "starter", 7], "the change undone with its unit of work");
      checkEqual((await ctx.store.transaction(id, (s) => s.departments.list({}, { skip: 0, limit: 10 }))).total, 1, "the unit of work's write undone");
      checkEqual(await ctx.store.tenants.change("t_nobody", () => ({ is_active: false }), async () => 1), null, "no such tenant");
    });
  });
}
