import type { Clock, CounterIncrement, CounterStore, CounterWindow } from "@epca/core";

function checkWindow(windowMs: number): void {
  if (!Number.isFinite(windowMs) || windowMs <= 0) throw new RangeError(`windowMs must be a positive number, got ${windowMs}`);
}

/** `incrementMany`'s rules: positive windows, whole hits ≥ 1, distinct keys. */
function checkIncrements(increments: readonly CounterIncrement[]): void {
  const keys = new Set<string>();
  for (const { key, windowMs, hits } of increments) {
    checkWindow(windowMs);
    if (!Number.isInteger(hits) || hits < 1) throw new RangeError(`hits must be a whole number ≥ 1, got ${hits}`);
    if (keys.has(key)) throw new RangeError(`the key ${JSON.stringify(key)} appears twice`);
    keys.add(key);
  }
}

/** Counters in this process (a memory store is one process's), on the store's clock. */
export function memoryCounterStore(clock: Clock, assertUsable: () => void): CounterStore {
  const windows = new Map<string, { hits: number; resetAt: number }>();
  const live = (key: string, now: number) => {
    const window = windows.get(key);
    return window !== undefined && window.resetAt > now ? window : undefined;
  };
  const view = (w: { hits: number; resetAt: number }): CounterWindow => ({ hits: w.hits, resetAt: new Date(w.resetAt) });
  const add = (key: string, windowMs: number, hits: number, now: number) => {
    const window = live(key, now) ?? { hits: 0, resetAt: now + windowMs };
    window.hits += hits;
    windows.set(key, window);
    return view(window);
  };
  return {
    async increment(key, windowMs) {
      assertUsable();
      checkWindow(windowMs);
      return add(key, windowMs, 1, clock.now().getTime());
    },
    async incrementMany(increments) {
      assertUsable();
      checkIncrements(increments);
      const now = clock.now().getTime();
      return increments.map((i) => add(i.key, i.windowMs, i.hits, now));
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
