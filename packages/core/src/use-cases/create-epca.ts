import { DEFAULT_STANDARD_ANNUAL_HOURS } from "../metrics/ratio.js";
import { authorize } from "../policy/policy.js";
import { systemClock } from "../ports/clock.js";
import { allocationUseCases } from "./allocations.js";
import { analyticsUseCases } from "./analytics.js";
import { inTenant, parsePage, type UseCaseContext } from "./context.js";
import { departmentUseCases } from "./departments.js";
import { employeeUseCases } from "./employees.js";
import { projectUseCases } from "./projects.js";
import { roleUseCases } from "./roles.js";
import { timesheetUseCases } from "./timesheets.js";
import type { Epca, EpcaDependencies } from "./types.js";
import { userUseCases } from "./users.js";

/**
 * Binds every use case to a store: the application layer an HR platform embeds.
 *
 * @example
 * const epca = createEpca({ store: createMemoryStore() });
 * const admin = systemActor("default");
 * const dept = await epca.departments.create(admin, { name: "Engineering", budget: 500_000 });
 */
export function createEpca(dependencies: EpcaDependencies): Epca {
  const standardAnnualHours = dependencies.standardAnnualHours ?? DEFAULT_STANDARD_ANNUAL_HOURS;
  if (!(standardAnnualHours > 0)) throw new RangeError("standardAnnualHours must be a positive number");
  const ctx: UseCaseContext = {
    store: dependencies.store,
    clock: dependencies.clock ?? systemClock,
    passwordHasher: dependencies.passwordHasher,
    standardAnnualHours,
  };
  return {
    departments: departmentUseCases(ctx),
    employees: employeeUseCases(ctx),
    projects: projectUseCases(ctx),
    timesheets: timesheetUseCases(ctx),
    allocations: allocationUseCases(ctx),
    users: userUseCases(ctx),
    roles: roleUseCases(ctx),
    analytics: analyticsUseCases(ctx),
    audit: {
      async list(actor, filter = {}, page) {
        authorize(actor, "read", "audit_logs");
        const paging = parsePage(page);
        return inTenant(ctx, actor, (scope) => scope.audit.list(filter, paging));
      },
    },
  };
}
