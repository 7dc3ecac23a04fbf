import { ConfigurationError, ConflictError, ForbiddenError, TenantSuspendedError, UnknownTenantError, ValidationError } from "../errors.js";
import type { Actor } from "../policy/actor.js";
import { DEFAULT_TENANT_ID, tenantIdSchema, type TenantId } from "../schemas/common.js";
import { isoDay } from "../schemas/dates.js";
import {
  BYTES_PER_GB,
  PLAN_LIMITS,
  tenantCreateSchema,
  tenantUpdateSchema,
  type Tenant,
  type TenantLimits,
} from "../schemas/tenant.js";
import { toPublicUser } from "../schemas/user.js";
import { recordChange } from "./audit-trail.js";
import { parseInput } from "./input.js";
import { chargeStorage, chargeTrainingTime, enforceUserLimit, monthStart, recordTrainingTime, requireTrainingTime } from "./plan-limits.js";
import { found } from "./records.js";
import type { TenantUseCases } from "./types.js";
import { inTenant, type UseCaseContext } from "./unit-of-work.js";

/** Only a platform administrator manages tenants. */
function requirePlatformAdmin(actor: Actor): void {
  if (actor.isPlatformAdmin !== true) throw new ForbiddenError("Only a platform administrator manages tenants");
}

/** A fresh tenant id: `t_` and 16 hex digits (a valid id, never a subdomain anyone picks by chance). */
function newTenantId(): string {
  const bytes = new Uint8Array(8);
  globalThis.crypto.getRandomValues(bytes);
  return `t_${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function dayParam(name: "from" | "to", value: string | undefined, fallback: string): string {
  if (value === undefined) return fallback;
  if (!DATE_ONLY.test(value) || Number.isNaN(Date.parse(value))) {
    throw new ValidationError([{ path: [name], message: "Expected a date YYYY-MM-DD", code: "invalid_date" }]);
  }
  return value;
}

/** Who did a platform change, as the tenant's own audit entry records it (the admin is no user of that tenant). */
function platformSource(actor: Actor): Pick<Actor, "userId" | "request"> {
  return { userId: null, ...(actor.request ? { request: actor.request } : {}) };
}

/** Tenant resolution, provisioning, plan limits and usage. */
export function tenantUseCases(ctx: UseCaseContext): TenantUseCases {
  /** Records a platform change in the platform administrator's own tenant too. */
  const recordInPlatform = (actor: Actor, change: Parameters<typeof recordChange>[2]) =>
    ctx.run(actor.tenantId, (scope) => recordChange(scope, actor, change));

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

    async create(actor, input) {
      requirePlatformAdmin(actor);
      const values = parseInput(tenantCreateSchema, input);
      const hasher = ctx.passwordHasher;
      if (hasher === null) throw new ConfigurationError("passwordHasher", "is null: a tenant's first admin needs a password");
      const passwordHash = await hasher.hash(values.admin_password);
      const { tenant } = await ctx.store.tenants.provision(
        { id: newTenantId(), name: values.name, subdomain: values.subdomain, plan: values.plan, is_active: true, limits: { ...PLAN_LIMITS[values.plan] } },
        async (scope) => {
          await recordChange(scope, platformSource(actor), { action: "create", resourceType: "tenant", resourceId: scope.tenantId, before: null, after: scope.tenant });
          await enforceUserLimit(scope);
          const admin = await scope.users.insert({
            email: values.admin_email,
            password_hash: passwordHash,
            full_name: "Administrator",
            role: "admin",
            is_active: true,
            department_id: null,
            employee_id: null,
          });
          await recordChange(scope, platformSource(actor), { action: "create", resourceType: "user", resourceId: admin.id, before: null, after: toPublicUser(admin) });
        },
      );
      await recordInPlatform(actor, { action: "create", resourceType: "tenant", resourceId: tenant.id, before: null, after: tenant });
      return tenant;
    },

    async list(actor) {
      requirePlatformAdmin(actor);
      return ctx.store.tenants.list();
    },

    async get(actor, id) {
      requirePlatformAdmin(actor);
      return found(await ctx.store.tenants.findById(id), "tenant", id);
    },

    async update(actor, id, input) {
      requirePlatformAdmin(actor);
      const patch = parseInput(tenantUpdateSchema, input);
      if (patch.is_active === false && (id === DEFAULT_TENANT_ID || id === actor.tenantId)) {
        throw new ConflictError("The platform's own tenant cannot be suspended");
      }
      // The change and the tenant's own audit entry are written in ONE transaction: a change that
      // fails leaves no entry, and no change is stored without its entry.
      const changed = await ctx.store.tenants.change(
        id,
        (before) => {
          const plan = patch.plan ?? before.plan;
          const base: TenantLimits = patch.plan !== undefined && patch.plan !== before.plan ? PLAN_LIMITS[plan] : before.limits;
          const limits: TenantLimits = { ...base, ...Object.fromEntries(Object.entries(patch.limits ?? {}).filter(([, v]) => v !== undefined)) };
          return { ...(patch.is_active !== undefined ? { is_active: patch.is_active } : {}), plan, limits };
        },
        async (scope, before) => {
          const after = scope.tenant;
          const action = before.is_active && !after.is_active ? "suspend" : !before.is_active && after.is_active ? "reactivate" : "update";
          const change = { action, resourceType: "tenant", resourceId: id, before, after };
          await recordChange(scope, platformSource(actor), change);
          return change;
        },
      );
      const { tenant: after, result: change } = found(changed, "tenant", id);
      // The platform tenant's copy (with the admin's user id) goes in that tenant's own unit of work, after the commit.
      if (id !== actor.tenantId) await recordInPlatform(actor, change);
      return after;
    },

    async usage(actor, id, period = {}) {
      requirePlatformAdmin(actor);
      const tenant: Tenant = found(await ctx.store.tenants.findById(id), "tenant", id);
      const now = ctx.clock.now();
      const today = isoDay(now);
      const to = dayParam("to", period.to, today);
      const from = dayParam("from", period.from, isoDay(new Date(Date.parse(`${to}T00:00:00Z`) - 29 * 86_400_000)));
      if (from > to) throw new ValidationError([{ path: ["from"], message: "from must not be after to", code: "invalid_range" }]);
      await ctx.usage.flush();
      return ctx.store.transaction(id, async (scope) => {
        const totals = await scope.usage.totals();
        const month = await scope.usage.totals(monthStart(now));
        return {
          tenant_id: tenant.id,
          plan: tenant.plan,
          limits: tenant.limits,
          current: {
            users: await scope.users.count(),
            projects: (await scope.projects.list({}, { skip: 0, limit: 1 })).total,
            storage_bytes: totals.storage_bytes,
            storage_gb: totals.storage_bytes / BYTES_PER_GB,
            ml_training_hours_this_month: month.ml_training_seconds / 3600,
          },
          from,
          to,
          days: await scope.usage.days(from, to),
        };
      });
    },

    async chargeStorage(actor, bytes) {
      if (!Number.isSafeInteger(bytes)) throw new ValidationError([{ path: ["bytes"], message: "Expected a whole number of bytes", code: "invalid_type" }]);
      return inTenant(ctx, actor, (scope) => chargeStorage(scope, bytes, isoDay(ctx.clock.now())));
    },

    async chargeTrainingTime(actor, seconds) {
      if (!Number.isFinite(seconds) || seconds < 0) throw new ValidationError([{ path: ["seconds"], message: "Expected seconds ≥ 0", code: "invalid_type" }]);
      return inTenant(ctx, actor, (scope) => chargeTrainingTime(scope, seconds, ctx.clock.now()));
    },

    async checkTrainingTime(actor) {
      return inTenant(ctx, actor, (scope) => requireTrainingTime(scope, ctx.clock.now()));
    },

    async recordTrainingTime(actor, seconds) {
      if (!Number.isFinite(seconds) || seconds < 0) throw new ValidationError([{ path: ["seconds"], message: "Expected seconds ≥ 0", code: "invalid_type" }]);
      return inTenant(ctx, actor, (scope) => recordTrainingTime(scope, seconds, ctx.clock.now()));
    },

    countUsage(tenantId, counter, amount = 1, userId = null) {
      ctx.usage.count(tenantId, counter, amount, userId);
    },

    flushUsage() {
      return ctx.usage.flush();
    },
  };
}
