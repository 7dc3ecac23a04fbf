import type { Clock, CounterStore, CounterWindow } from "@epca/core";

/** Counters in this process (a memory store is one process's), on the store's clock. */
export function memoryCounterStore(clock: Clock, assertUsable: () => void): CounterStore {
  const windows = new Map<string, { hits: number; resetAt: number }>();
  const live = (key: string, now: number) => {
    const window = windows.get(key);
    return window !== undefined && window.resetAt > now ? window : undefined;
  };
  const view = (w: { hits: number; resetAt: number }): CounterWindow => ({ hits: w.hits, resetAt: new Date(w.resetAt) });
  return {
    async increment(key, windowMs) {
      assertUsable();
      if (!Number.isFinite(windowMs) || windowMs <= 0) throw new RangeError(`windowMs must be a positive number, got ${windowMs}`);
      const now = clock.now().getTime();
      const window = live(key, now) ?? { hits: 0, resetAt: now + windowMs };
      window.hits += 1;
      windows.set(key, window);
      return view(window);
    },
    async decrement(key) {
      assertUsable();
      const window = live(key, clock.now().getTime());
      if (window) window.hits = Math.max(0, window.hits - 1);
    },
    async get(key) {
      assertUsable();
      const window = live(key, clock.now().getTime());
      return window ? view(window) : undefined;
    },
    async reset(key) {
      assertUsable();
      windows.delete(key);
    },
    async resetPrefix(prefix) {
      assertUsable();
      for (const key of [...windows.keys()]) if (key.startsWith(prefix)) windows.delete(key);
    },
    async prune() {
      assertUsable();
      const now = clock.now().getTime();
      let removed = 0;
      for (const [key, window] of [...windows]) {
        if (window.resetAt <= now) {
          windows.delete(key);
          removed += 1;
        }
      }
      return removed;
    },
  };
}
