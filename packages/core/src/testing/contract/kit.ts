import type { EpcaStore, TenantScope } from "../../ports/store.js";
import { PLAN_LIMITS } from "../../schemas/tenant.js";
import { contractFixtures } from "./fixtures.js";

/** The parts of a test runner the suites need (vitest, jest, mocha and node:test all fit). */
export interface ContractRunner {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>, timeout?: number): void;
  beforeAll(body: () => Promise<void>, timeout?: number): void;
  afterAll(body: () => Promise<void>, timeout?: number): void;
  /** Registers a skipped test (vitest's `it.skip`); without it a skipped test is left out. */
  skip?(name: string, body: () => Promise<void>): void;
}

/** A stored row as the adapter's storage holds it, read around the ports (`null` when absent). */
export type RawRead = (tenantId: string, table: string, id: number) => Promise<Record<string, unknown> | null>;

/** How to reach the adapter under test. */
export interface StoreContractOptions<S extends EpcaStore = EpcaStore> {
  /** Shown in the suite's name, e.g. `memory` or `pglite`. */
  readonly name: string;
  /**
   * Creates the store once for the whole suite. Every test works in tenants of its own, so a
   * store shared with other suites (one database per test file) is fine.
   */
  createStore(): Promise<S>;
  /** Releases the store after the suite; defaults to `store.close()`. */
  closeStore?(store: S): Promise<void>;
  /** Records in the analytics dataset (default 3,000 timesheets); raise it for a heavier check. */
  readonly analyticsTimesheets?: number;
  /**
   * Tests to skip, by their full title within the suite (`"<part> > <test>"`), each with the
   * reason, which the skipped test's name shows: an adapter says what it does not do and why.
   */
  readonly skip?: Readonly<Record<string, string>>;
  /**
   * Reads a row of a table (`departments`, `employees`, …) the way the adapter stores it, so that
   * the suite checks what was written, not only what a port returned. Optional.
   */
  readonly rawRead?: RawRead;
}

/** What each contract part is handed: the runner, the store (once created) and helpers. */
export interface ContractContext<S extends EpcaStore = EpcaStore> {
  readonly describe: ContractRunner["describe"];
  /** The runner's `it`, honouring `options.skip`. */
  readonly it: ContractRunner["it"];
  readonly beforeAll: ContractRunner["beforeAll"];
  readonly afterAll: ContractRunner["afterAll"];
  /** The store under test (available inside hooks and tests). */
  readonly store: S;
  readonly options: StoreContractOptions<S>;
  /** A new, active tenant of plan `starter` no other test uses. */
  newTenant(): Promise<string>;
  /** One unit of work in `tenant`. */
  run<T>(tenant: string, work: (scope: TenantScope) => Promise<T>): Promise<T>;
  readonly department: typeof contractFixtures.department;
  readonly employeeValues: typeof contractFixtures.employeeValues;
  readonly projectValues: typeof contractFixtures.projectValues;
  readonly timesheetValues: typeof contractFixtures.timesheetValues;
  readonly basics: typeof contractFixtures.basics;
}

let tenantCounter = 0;

/** A fresh tenant id no other run uses. */
export function uniqueTenantId(): string {
  tenantCounter += 1;
  return `ct-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}-${tenantCounter}`;
}

/** The error a test throws on purpose to roll a unit of work back. */
export const ROLLBACK = new Error("deliberate rollback");

/**
 * Creates the store in `beforeAll` of the enclosing `describe` (closed in `afterAll`) and the
 * context the parts run with. Call it inside a `describe`.
 */
export function contractContext<S extends EpcaStore>(runner: ContractRunner, options: StoreContractOptions<S>): ContractContext<S> {
  let store: S | undefined;
  const stack: string[] = [];
  runner.beforeAll(async () => {
    store = await options.createStore();
  }, 120_000);
  runner.afterAll(async () => {
    if (!store) return;
    if (options.closeStore) await options.closeStore(store);
    else await store.close();
  }, 60_000);
  const current = (): S => {
    if (!store) throw new Error("the contract's store is created in beforeAll: use it inside hooks and tests");
    return store;
  };
  return {
    describe(name, body) {
      runner.describe(name, () => {
        stack.push(name);
        try {
          body();
        } finally {
          stack.pop();
        }
      });
    },
    it(name, body, timeout) {
      const title = [...stack, name].join(" > ");
      const reason = options.skip?.[title];
      if (reason === undefined) runner.it(name, body, timeout);
      else runner.skip?.(`${name} (skipped: ${reason})`, body);
    },
    beforeAll: runner.beforeAll,
    afterAll: runner.afterAll,
    get store() {
      return current();
    },
    options,
    async newTenant() {
      const id = uniqueTenantId();
      await current().tenants.insert({ id, name: `Contract ${id}`, subdomain: id.slice(0, 63), plan: "starter", is_active: true, limits: PLAN_LIMITS.starter });
      return id;
    },
    run: (tenant, work) => current().transaction(tenant, work),
    ...contractFixtures,
  };
}
