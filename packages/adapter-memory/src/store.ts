import {
  DEFAULT_TENANT_ID,
  NotFoundError,
  PLAN_LIMITS,
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
import { createDatabase, type MemoryDatabase } from "./database.js";
import { memoryDepartmentRepository } from "./departments.js";
import { memoryEmployeeRepository } from "./employees.js";
import { memoryProjectRepository } from "./projects.js";
import { memoryRefreshTokenRepository } from "./refresh-tokens.js";
import { memoryRoleRepository } from "./roles.js";
import { memoryTenantRepository } from "./tenants.js";
import { memoryTimesheetRepository } from "./timesheets.js";
import { UndoLog, type TransactionContext } from "./table.js";
import { memoryUserRepository } from "./users.js";

/** Options of `createMemoryStore`. */
export interface MemoryStoreOptions {
  /** Where `created_at` and `updated_at` come from; the wall clock by default. */
  readonly clock?: Clock;
}

/** A complete `EpcaStore` whose data lives in the process and vanishes with it. */
export type MemoryStore = EpcaStore;

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

/**
 * The scope of one transaction. Each repository is built on first use, as most transactions touch
 * one or two of them; the getters are own enumerable properties, so spreading a scope still works.
 */
function lazyScope(tenantId: TenantId, tx: TransactionContext, db: MemoryDatabase): TenantScope {
  const built: { -readonly [K in Exclude<keyof TenantScope, "tenantId">]?: TenantScope[K] } = {};
  return {
    tenantId,
    get departments() {
      return (built.departments ??= memoryDepartmentRepository(tx, db));
    },
    get employees() {
      return (built.employees ??= memoryEmployeeRepository(tx, db));
    },
    get projects() {
      return (built.projects ??= memoryProjectRepository(tx, db));
    },
    get timesheets() {
      return (built.timesheets ??= memoryTimesheetRepository(tx, db));
    },
    get allocations() {
      return (built.allocations ??= memoryAllocationRepository(tx, db));
    },
    get users() {
      return (built.users ??= memoryUserRepository(tx, db));
    },
    get roles() {
      return (built.roles ??= memoryRoleRepository(tx, db));
    },
    get refreshTokens() {
      return (built.refreshTokens ??= memoryRefreshTokenRepository(tx, db));
    },
    get analytics() {
      return (built.analytics ??= memoryAnalyticsStore(tx, db));
    },
    get audit() {
      return (built.audit ??= memoryAuditLog(tx, db));
    },
  };
}

/** A transaction as its `work` sees it: open until it settles. */
interface RunningTransaction {
  open: boolean;
}

/**
 * Creates an empty memory store holding the tenant `"default"` (plan `enterprise`).
 *
 * Transactions run one at a time, in call order: that makes every `ForUpdate` read a lock and
 * makes `consume` atomic. A transaction whose `work` rejects is undone write by write.
 * @example
 * const store = createMemoryStore();
 * const sales = await store.transaction("default", (scope) =>
 *   scope.departments.insert({ name: "Sales", budget: 100_000, description: null }),
 * );
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): MemoryStore {
  const clock = options.clock ?? systemClock;
  if (typeof clock?.now !== "function") {
    throw new TypeError("createMemoryStore: options.clock must be a Clock (an object with a now() method)");
  }

  const db = createDatabase();
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
    if (closed) throw new Error("This memory store is closed");
  };
  // The lock: each transaction starts when the one before it has settled.
  let queue: Promise<void> = Promise.resolve();
  const context = createAsyncContext<RunningTransaction>();

  async function run<T>(tenantId: TenantId, work: (scope: TenantScope) => Promise<T>): Promise<T> {
    if (!tenants.has(tenantId)) throw new NotFoundError("tenant", tenantId);
    const running: RunningTransaction = { open: true };
    const log = new UndoLog();
    const tx: TransactionContext = {
      tenantId,
      log,
      now: () => clock.now().toISOString(),
      assertOpen() {
        if (!running.open) throw new Error("This transaction scope was used after its transaction settled");
      },
    };
    const scope = lazyScope(tenantId, tx, db);
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

  return {
    tenants: memoryTenantRepository(tenants, clock, assertUsable),

    transaction<T>(tenantId: TenantId, work: (scope: TenantScope) => Promise<T>): Promise<T> {
      if (closed) return Promise.reject(new Error("This memory store is closed"));
      if (context?.getStore()?.open) {
        // Waiting for the lock held by our own caller would never end.
        return Promise.reject(
          new Error(
            "store.transaction() was called inside another transaction of the same memory store; " +
              "nested transactions are not supported: use the scope you were given",
          ),
        );
      }
      const result = queue.then(() => run(tenantId, work));
      queue = result.then(
        () => undefined,
        () => undefined,
      );
      return result;
    },

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
