import {
  ConfigurationError,
  DEFAULT_TENANT_ID,
  NestedTransactionError,
  NotFoundError,
  PLAN_LIMITS,
  ScopeExpiredError,
  StoreClosedError,
  systemClock,
  type Clock,
  type EpcaStore,
  type Tenant,
  type TenantId,
  type TenantScope,
} from "@epca/core";
import { memoryAllocationRepository } from "./allocations.js";
import { memoryAnalyticsStore } from "./analytics.js";
import { memoryAuditLog } from "./audit-log.js";
import { memoryCounterStore } from "./counters.js";
import { createDatabase, type MemoryDatabase } from "./database.js";
import { memoryDepartmentRepository } from "./departments.js";
import { memoryEmployeeRepository } from "./employees.js";
import { memoryProjectRepository } from "./projects.js";
import { memoryRefreshTokenRepository } from "./refresh-tokens.js";
import { memoryRoleRepository } from "./roles.js";
import { memoryTenantRepository } from "./tenants.js";
import { memoryTimesheetRepository } from "./timesheets.js";
import { TenantTable, UndoLog, copy, type Row, type TransactionContext } from "./table.js";
import { memoryUserRepository } from "./users.js";
import { memoryUsageStore } from "./usage.js";

/** Builds one port of another package over a transaction: a part of the scope. */
export type MemoryScopePart<P> = (tx: TransactionContext) => P;

/** The scope a memory store hands out: core's ports plus one port per part. */
export type MemoryScope<Parts extends Record<string, MemoryScopePart<unknown>>> = TenantScope & {
  readonly [K in keyof Parts]: ReturnType<Parts[K]>;
};

/** Options of `createMemoryStore`. */
export interface MemoryStoreOptions<Parts extends Record<string, MemoryScopePart<unknown>> = Record<never, never>> {
  /** Where `created_at` and `updated_at` come from; the wall clock by default. */
  readonly clock?: Clock;
  /** Ports of other packages to add to every scope, by the name they take in it. */
  readonly parts?: Parts;
}

/** A complete `EpcaStore` whose data lives in the process and vanishes with it. */
export type MemoryStore<S extends TenantScope = TenantScope> = EpcaStore<S>;

/** The part of Node's `AsyncLocalStorage` used to tell a nested transaction from a concurrent one. */
interface AsyncContext<T> {
  run<R>(store: T, callback: () => R): R;
  getStore(): T | undefined;
}

/**
 * An async context where the runtime has one (Node, Deno, Bun, workers), looked up at run time so
 * that browsers bundle nothing from Node; `null` in browsers.
 */
function createAsyncContext<T>(): AsyncContext<T> | null {
  const runtime = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const hooks = runtime?.getBuiltinModule?.("node:async_hooks") as
    | { AsyncLocalStorage?: new () => AsyncContext<T> }
    | undefined;
  return hooks?.AsyncLocalStorage ? new hooks.AsyncLocalStorage() : null;
}

/** Core's ports, by their name in the scope. */
const CORE_PORTS = {
  departments: memoryDepartmentRepository,
  employees: memoryEmployeeRepository,
  projects: memoryProjectRepository,
  timesheets: memoryTimesheetRepository,
  allocations: memoryAllocationRepository,
  users: memoryUserRepository,
  roles: memoryRoleRepository,
  refreshTokens: memoryRefreshTokenRepository,
  analytics: memoryAnalyticsStore,
  audit: memoryAuditLog,
  usage: memoryUsageStore,
} satisfies Record<Exclude<keyof TenantScope, "tenantId" | "tenant">, (tx: TransactionContext, db: MemoryDatabase) => unknown>;

/**
 * The scope of one transaction. Each port is built on first use, as most transactions touch one
 * or two of them; the getters are own enumerable properties, so spreading a scope still works.
 */
function lazyScope<S extends TenantScope>(tenant: Tenant, tx: TransactionContext, db: MemoryDatabase, parts: Record<string, MemoryScopePart<unknown>>): S {
  const scope: Record<string, unknown> = { tenantId: tenant.id, tenant };
  const define = (name: string, make: () => unknown) => {
    let built: unknown;
    Object.defineProperty(scope, name, { enumerable: true, get: () => (built ??= make()) });
  };
  for (const [name, make] of Object.entries(CORE_PORTS)) define(name, () => make(tx, db));
  for (const [name, make] of Object.entries(parts)) define(name, () => make(tx));
  return scope as S;
}

/** A transaction as its `work` sees it: open until it settles. */
interface RunningTransaction {
  open: boolean;
}

/**
 * Creates an empty memory store holding the tenant `"default"` (plan `enterprise`).
 *
 * Transactions run one at a time, in call order: that makes every `ForUpdate` read a lock and
 * makes `consume` atomic. A transaction whose `work` rejects is undone write by write. `parts`
 * adds other packages' ports to every scope (each builds its port over the transaction, and keeps
 * its rows in `tx.table(name)`).
 * @example
 * const store = createMemoryStore();
 * const sales = await store.transaction("default", (scope) =>
 *   scope.departments.insert({ name: "Sales", budget: 100_000, description: null }),
 * );
 */
export function createMemoryStore<Parts extends Record<string, MemoryScopePart<unknown>> = Record<never, never>>(
  options: MemoryStoreOptions<Parts> = {},
): MemoryStore<MemoryScope<Parts>> {
  const clock = options.clock ?? systemClock;
  if (typeof clock?.now !== "function") {
    throw new ConfigurationError("clock", "createMemoryStore: options.clock must be a Clock (an object with a now() method)");
  }
  const parts: Record<string, MemoryScopePart<unknown>> = options.parts ?? {};
  for (const [name, part] of Object.entries(parts)) {
    if (name in CORE_PORTS || name === "tenantId" || name === "tenant") throw new ConfigurationError(`parts.${name}`, "is a name core's scope already uses");
    if (typeof part !== "function") throw new ConfigurationError(`parts.${name}`, "must be a function (tx) => port");
  }

  const db = createDatabase();
  const extraTables = new Map<string, TenantTable<Row>>();
  const tenants = new Map<TenantId, Tenant>();
  tenants.set(DEFAULT_TENANT_ID, {
    id: DEFAULT_TENANT_ID,
    name: "Default",
    subdomain: "default",
    plan: "enterprise",
    is_active: true,
    limits: { ...PLAN_LIMITS.enterprise },
    created_at: clock.now().toISOString(),
  });

  let closed = false;
  const assertUsable = () => {
    if (closed) throw new StoreClosedError("memory store");
  };
  // The lock: each transaction starts when the one before it has settled.
  let queue: Promise<void> = Promise.resolve();
  const context = createAsyncContext<RunningTransaction>();

  async function run<T>(tenantId: TenantId, work: (scope: MemoryScope<Parts>) => Promise<T>): Promise<T> {
    const tenant = tenants.get(tenantId);
    if (tenant === undefined) throw new NotFoundError("tenant", tenantId);
    const running: RunningTransaction = { open: true };
    const log = new UndoLog();
    const tx: TransactionContext = {
      tenantId,
      log,
      now: () => clock.now().toISOString(),
      assertOpen() {
        if (!running.open) throw new ScopeExpiredError();
      },
      table<R extends Row>(name: string): TenantTable<R> {
        let table = extraTables.get(name);
        if (table === undefined) {
          table = new TenantTable<Row>();
          extraTables.set(name, table);
        }
        return table as unknown as TenantTable<R>;
      },
    };
    const scope = lazyScope<MemoryScope<Parts>>(copy(tenant), tx, db, parts);
    try {
      const result = await (context ? context.run(running, () => work(scope)) : work(scope));
      running.open = false;
      log.clear();
      return result;
    } catch (error) {
      running.open = false;
      log.rollbackTo(0);
      throw error;
    }
  }

  const tenantRepository = memoryTenantRepository(tenants, clock, assertUsable);
  const transaction = <T>(tenantId: TenantId, work: (scope: MemoryScope<Parts>) => Promise<T>): Promise<T> => {
    if (closed) return Promise.reject(new StoreClosedError("memory store"));
    // Waiting for the lock held by our own caller would never end.
    if (context?.getStore()?.open) return Promise.reject(new NestedTransactionError());
    const result = queue.then(() => run(tenantId, work));
    queue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  };
  return {
    tenants: {
      ...tenantRepository,
      // The tenant is stored, then its first unit of work runs; when that rejects the tenant goes too.
      async provision(values, work) {
        const tenant = await tenantRepository.insert(values);
        try {
          const result = await transaction(tenant.id, work);
          return { tenant, result };
        } catch (error) {
          tenants.delete(tenant.id);
          throw error;
        }
      },
      // Changed in the transaction's turn, then its unit of work runs; when that rejects the tenant is restored.
      async change(id, patchOf, work) {
        if (closed) throw new StoreClosedError("memory store");
        if (context?.getStore()?.open) throw new NestedTransactionError();
        const result = queue.then(async () => {
          const before = tenants.get(id);
          if (before === undefined) return null;
          try {
            const tenant = (await tenantRepository.update(id, patchOf(copy(before))))!;
            return { before: copy(before), tenant, result: await run(id, (scope) => work(scope, copy(before))) };
          } catch (error) {
            tenants.set(id, before);
            throw error;
          }
        });
        queue = result.then(
          () => undefined,
          () => undefined,
        );
        return result;
      },
    },
    counters: memoryCounterStore(clock, assertUsable),
    capabilities: { sharedAcrossProcesses: false, durable: false },

    transaction,

    async ping() {
      assertUsable();
    },

    async close() {
      if (closed) return;
      closed = true;
      // Transactions called before `close` still run to their end; none starts after it.
      await queue;
    },
  };
}
