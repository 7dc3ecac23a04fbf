import type { EpcaStore } from "../ports/store.js";
import { accountContract } from "./contract/accounts.js";
import { allocationContract } from "./contract/allocations.js";
import { analyticsContract } from "./contract/analytics.js";
import { auditLogContract } from "./contract/audit-log.js";
import { counterContract } from "./contract/counters.js";
import { departmentContract } from "./contract/departments.js";
import { employeeProjectContract } from "./contract/employees-projects.js";
import { contractContext, type ContractContext, type ContractRunner, type StoreContractOptions } from "./contract/kit.js";
import { scopeContract } from "./contract/scope.js";
import { tenantIsolationContract } from "./contract/tenant-isolation.js";
import { tenantRepositoryContract } from "./contract/tenants.js";
import { timesheetContract } from "./contract/timesheets.js";
import { unitOfWorkContract } from "./contract/unit-of-work.js";
import { usageContract } from "./contract/usage.js";

/** Every part of the store contract, one per port (or promise), by name. */
export const storeContractParts = {
  "unit of work": unitOfWorkContract,
  scope: scopeContract,
  "tenant isolation": tenantIsolationContract,
  departments: departmentContract,
  "employees and projects": employeeProjectContract,
  timesheets: timesheetContract,
  allocations: allocationContract,
  "users, roles and refresh tokens": accountContract,
  "audit log": auditLogContract,
  tenants: tenantRepositoryContract,
  counters: counterContract,
  analytics: analyticsContract,
  "usage and provisioning": usageContract,
} as const satisfies Record<string, (ctx: ContractContext) => void>;

/** The name of one part of the store contract. */
export type StoreContractPart = keyof typeof storeContractParts;

/**
 * Runs the contract every `EpcaStore` adapter must pass: each port's behaviour, tenant isolation,
 * uniqueness conflicts, rollback of a failed unit of work, stable paging by id, the locking and
 * atomicity promises, the counters, and analytics equal to core's reference formulas on a
 * generated dataset. `parts` picks some of them (default: all); `options.skip` skips single tests
 * by title, with a reason.
 *
 * @example
 * import { describe, it, beforeAll, afterAll } from "vitest";
 * runStoreContract({ describe, it, beforeAll, afterAll, skip: it.skip }, { name: "memory", createStore: async () => createMemoryStore() });
 */
export function runStoreContract<S extends EpcaStore>(
  runner: ContractRunner,
  options: StoreContractOptions<S>,
  parts: readonly StoreContractPart[] = Object.keys(storeContractParts) as StoreContractPart[],
): void {
  runner.describe(`EpcaStore contract: ${options.name}`, () => {
    const ctx = contractContext(runner, options);
    for (const part of parts) storeContractParts[part](ctx as unknown as ContractContext);
  });
}
