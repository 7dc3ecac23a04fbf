import { ConfigurationError, NotFoundError, ForbiddenError, UnauthenticatedError } from "../errors.js";
import { DEFAULT_STANDARD_ANNUAL_HOURS } from "../metrics/ratio.js";
import { authorize } from "../policy/policy.js";
import { systemClock } from "../ports/clock.js";
import type { TenantScope, TransactionOptions } from "../ports/store.js";
import { resolveActor } from "./actors.js";
import { allocationUseCases } from "./allocations.js";
import { analyticsUseCases } from "./analytics.js";
import { departmentUseCases } from "./departments.js";
import { employeeUseCases } from "./employees.js";
import { healthUseCases } from "./health.js";
import { jobUseCases } from "./jobs.js";
import { parsePage, withoutUndefined } from "./input.js";
import { projectUseCases } from "./projects.js";
import { roleUseCases } from "./roles.js";
import { DEFAULT_REFRESH_REUSE_GRACE_SECONDS, sessionUseCases } from "./sessions.js";
import { tenantUseCases } from "./tenants.js";
import { timesheetUseCases } from "./timesheets.js";
import type { Epca, EpcaDependencies, UseCaseFactory, UseCaseHost } from "./types.js";
import { inTenant, joinedRunner, transactionRunner, type UseCaseContext } from "./unit-of-work.js";
import { userUseCases } from "./users.js";
import { createUsageMeter } from "./usage-meter.js";
import { personalDataUseCases } from "./personal-data.js";

function requireMethods(setting: string, value: unknown, methods: readonly string[]): void {
  const missing = methods.filter((m) => typeof (value as Record<string, unknown> | null | undefined)?.[m] !== "function");
  if (missing.length > 0) {
    throw new ConfigurationError(setting, value == null ? "is required" : `must have ${missing.map((m) => `${m}()`).join(", ")}`);
  }
}

/** The dependencies with their defaults, each checked now rather than at first use. */
function contextOf(dependencies: EpcaDependencies): UseCaseContext {
  requireMethods("store", dependencies?.store, ["transaction", "ping", "close"]);
  if (dependencies.passwordHasher === undefined) {
    throw new ConfigurationError("passwordHasher", "is required: pass a PasswordHasher, or null when the application keeps no passwords");
  }
  if (dependencies.passwordHasher !== null) requireMethods("passwordHasher", dependencies.passwordHasher, ["hash", "verify"]);
  if (dependencies.sessionTokens !== undefined) requireMethods("sessionTokens", dependencies.sessionTokens, ["issue", "verifyRefresh", "hashRefreshToken", "seal", "open"]);
  if (dependencies.clock !== undefined) requireMethods("clock", dependencies.clock, ["now"]);
  if (dependencies.jobs !== undefined) requireMethods("jobs", dependencies.jobs, ["enqueue", "get", "list", "cancel", "work"]);
  const standardAnnualHours = dependencies.standardAnnualHours ?? DEFAULT_STANDARD_ANNUAL_HOURS;
  if (!(standardAnnualHours > 0) || !Number.isFinite(standardAnnualHours)) {
    throw new ConfigurationError("standardAnnualHours", `must be a positive number, got ${String(standardAnnualHours)}`);
  }
  const refreshReuseGraceSeconds = dependencies.refreshReuseGraceSeconds ?? DEFAULT_REFRESH_REUSE_GRACE_SECONDS;
  if (!(refreshReuseGraceSeconds >= 0) || !Number.isFinite(refreshReuseGraceSeconds)) {
    throw new ConfigurationError("refreshReuseGraceSeconds", `must be a number of seconds ≥ 0, got ${String(refreshReuseGraceSeconds)}`);
  }
  const usageFlushMs = dependencies.usageFlushMs ?? 10_000;
  if (!(usageFlushMs >= 0) || !Number.isFinite(usageFlushMs)) {
    throw new ConfigurationError("usageFlushMs", `must be a number of milliseconds ≥ 0, got ${String(usageFlushMs)}`);
  }
  const clock = dependencies.clock ?? systemClock;
  return {
    store: dependencies.store,
    run: transactionRunner(dependencies.store),
    clock,
    passwordHasher: dependencies.passwordHasher,
    sessionTokens: dependencies.sessionTokens ?? null,
    standardAnnualHours,
    selfRegistration: dependencies.selfRegistration ?? false,
    jobs: dependencies.jobs ?? null,
    refreshReuseGraceSeconds,
    platformAdmins: new Set((dependencies.platformAdmins ?? []).map((email) => email.toLowerCase())),
    usage: createUsageMeter(dependencies.store, clock, { flushMs: usageFlushMs }),
  };
}

/**
 * The use cases over one context. Groups are built on first use: a request touches one or two of
 * them, and `actingAs` builds a context per request.
 */
function useCases(ctx: UseCaseContext): Epca {
  const built: Partial<Record<string, unknown>> = {};
  const lazy = <T>(key: string, make: () => T): T => (built[key] ??= make()) as T;
  const extensions = new WeakMap<UseCaseFactory<unknown, never>, unknown>();
  const epca: Epca = {
    extend<U, S extends TenantScope>(factory: UseCaseFactory<U, S>): U {
      const key = factory as unknown as UseCaseFactory<unknown, never>;
      if (!extensions.has(key)) {
        // The scope's type is the factory's promise: the store was created with its parts.
        const host: UseCaseHost<S> = { run: ctx.run as UseCaseHost<S>["run"], clock: ctx.clock, epca };
        extensions.set(key, factory(host));
      }
      return extensions.get(key) as U;
    },
    actingAs(credentials, work, options) {
      const attempt = (transactionOptions: TransactionOptions | undefined): ReturnType<typeof work> => {
        let resolved = false;
        return ctx
          .run(credentials.tenantId, async (scope: TenantScope) => {
            const actor = await resolveActor(scope, credentials, ctx.platformAdmins);
            resolved = true;
            return work(actor, useCases({ ...ctx, run: joinedRunner(scope) }));
          }, transactionOptions)
          .catch((error: unknown) => {
            // A read-only unit of work may run on a replica that has not yet replayed a login
            // (the session) or a new user: the caller is looked up again on the primary, once.
            // Only before `work` ran, so no work runs twice.
            if (transactionOptions?.readOnly && !resolved && error instanceof UnauthenticatedError) return attempt({ actor: transactionOptions.actor });
            throw error;
          });
      };
      // The store may read the caller with the transaction's opening (one round trip less).
      const actor = { userId: credentials.userId, ...(credentials.sessionId !== undefined ? { sessionId: credentials.sessionId } : {}) };
      return attempt({ ...options, actor }).catch((error: unknown) => {
        // A token of a tenant that no longer exists: refused, not "not found".
        if (error instanceof NotFoundError && error.resource === "tenant") throw new ForbiddenError("Tenant not available");
        throw error;
      });
    },
    get departments() {
      return lazy("departments", () => departmentUseCases(ctx));
    },
    get employees() {
      return lazy("employees", () => employeeUseCases(ctx));
    },
    get projects() {
      return lazy("projects", () => projectUseCases(ctx));
    },
    get timesheets() {
      return lazy("timesheets", () => timesheetUseCases(ctx));
    },
    get allocations() {
      return lazy("allocations", () => allocationUseCases(ctx));
    },
    get users() {
      return lazy("users", () => userUseCases(ctx));
    },
    get sessions() {
      return lazy("sessions", () => sessionUseCases(ctx, epca.users));
    },
    get jobs() {
      return lazy("jobs", () => jobUseCases(ctx));
    },
    get tenants() {
      return lazy("tenants", () => tenantUseCases(ctx));
    },
    get health() {
      return lazy("health", () => healthUseCases(ctx));
    },
    get roles() {
      return lazy("roles", () => roleUseCases(ctx));
    },
    get analytics() {
      return lazy("analytics", () => analyticsUseCases(ctx));
    },
    get personalData() {
      return lazy("personalData", () => personalDataUseCases(ctx));
    },
    get audit() {
      return lazy("audit", (): Epca["audit"] => ({
        async list(actor, filter = {}, page) {
          authorize(actor, "read", "audit_logs");
          const paging = parsePage(page);
          return inTenant(ctx, actor, (scope) => scope.audit.list(withoutUndefined(filter), paging));
        },
      }));
    },
  };
  return epca;
}

/**
 * Binds every use case to a store: the application layer an HR platform embeds. Every dependency
 * is checked here (`ConfigurationError` naming it), not at first use.
 *
 * @example
 * const epca = createEpca({ store: createMemoryStore(), passwordHasher: null });
 * const admin = systemActor("default");
 * const dept = await epca.departments.create(admin, { name: "Engineering", budget: 500_000 });
 */
export function createEpca(dependencies: EpcaDependencies): Epca {
  return useCases(contextOf(dependencies));
}
