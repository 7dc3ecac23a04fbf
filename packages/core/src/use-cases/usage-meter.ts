import type { EpcaStore } from "../ports/store.js";
import type { Clock } from "../ports/clock.js";
import type { UsageCounter } from "../ports/usage.js";

/** Daily usage counted in memory and written in batches: one row write per tenant and flush, not per request. */
export interface UsageMeter {
  /** Counts `amount` of `counter` for the tenant today, and `userId` as active today (no I/O). */
  count(tenantId: string, counter: Exclude<UsageCounter, "storage_bytes" | "ml_training_seconds">, amount?: number, userId?: number | null): void;
  /** Writes what was counted (one unit of work per tenant); resolves once written. */
  flush(): Promise<void>;
  /** Stops the timer (what is pending is flushed first). */
  stop(): Promise<void>;
}

interface Pending {
  date: string;
  counters: Partial<Record<UsageCounter, number>>;
  users: Set<number>;
}

/**
 * A usage meter over a store: increments stay in memory and are flushed every `flushMs`
 * (default 10 s; 0: only on `flush()`), or as soon as `maxPending` increments are waiting.
 * Usage is best effort: a tenant's batch that cannot be written (the store closed, the tenant
 * gone) is dropped, never a request's failure.
 */
export function createUsageMeter(store: EpcaStore, clock: Clock, options: { flushMs?: number; maxPending?: number } = {}): UsageMeter {
  const flushMs = options.flushMs ?? 10_000;
  const maxPending = options.maxPending ?? 10_000;
  let pending = new Map<string, Pending>();
  let waiting = 0;
  let timer: ReturnType<typeof setInterval> | null = null;
  let running: Promise<void> = Promise.resolve();

  const flushNow = async (): Promise<void> => {
    const batch = pending;
    pending = new Map();
    waiting = 0;
    for (const [key, entry] of batch) {
      const tenantId = key.slice(key.indexOf("|") + 1);
      try {
        await store.transaction(tenantId, (scope) => scope.usage.add(entry.date, entry.counters, [...entry.users]));
      } catch {
        // The store is closed or the tenant is gone: usage is best effort, never a request's failure.
      }
    }
  };
  const flush = (): Promise<void> => (running = running.then(flushNow));

  return {
    count(tenantId, counter, amount = 1, userId = null) {
      const date = clock.now().toISOString().slice(0, 10);
      const key = `${date}|${tenantId}`;
      let entry = pending.get(key);
      if (!entry) pending.set(key, (entry = { date, counters: {}, users: new Set() }));
      entry.counters[counter] = (entry.counters[counter] ?? 0) + amount;
      if (userId !== null) entry.users.add(userId);
      if (++waiting >= maxPending) void flush();
      if (timer === null && flushMs > 0) {
        timer = setInterval(() => void flush(), flushMs);
        (timer as { unref?: () => void }).unref?.();
      }
    },
    flush,
    async stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      await flush();
    },
  };
}
