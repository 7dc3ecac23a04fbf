import { createMemoryStore } from "@epca/adapter-memory";
import { createUsageMeter, fixedClock, PLAN_LIMITS, type EpcaStore } from "@epca/core";
import { describe, expect, it } from "vitest";

/** A store that counts the units of work opened on it. */
function counting(store: EpcaStore): { store: EpcaStore; transactions: () => number } {
  let count = 0;
  return {
    store: { ...store, tenants: store.tenants, counters: store.counters, capabilities: store.capabilities, ping: () => store.ping(), close: () => store.close(), transaction: (id, work) => ((count += 1), store.transaction(id, work)) },
    transactions: () => count,
  };
}

describe("createUsageMeter", () => {
  const clock = fixedClock(new Date("2026-12-01T10:00:00Z"));
  const day = (store: EpcaStore, tenant: string) => store.transaction(tenant, (s) => s.usage.days("2026-12-01", "2026-12-01"));

  it("counts in memory and writes one unit of work per tenant and day on flush, not one per call", async () => {
    const inner = createMemoryStore();
    await inner.tenants.insert({ id: "t_b", name: "B", subdomain: "b", plan: "starter", is_active: true, limits: PLAN_LIMITS.starter });
    const { store, transactions } = counting(inner);
    const meter = createUsageMeter(store, clock, { flushMs: 0 });
    for (let i = 0; i < 500; i++) meter.count("default", "api_calls", 1, i % 7);
    meter.count("t_b", "predictions", 3, null);
    expect(transactions()).toBe(0);
    await meter.flush();
    expect(transactions()).toBe(2);
    expect(await day(inner, "default")).toEqual([{ date: "2026-12-01", api_calls: 500, predictions: 0, active_users: 7, storage_bytes: 0, ml_training_seconds: 0 }]);
    expect(await day(inner, "t_b")).toEqual([{ date: "2026-12-01", api_calls: 0, predictions: 3, active_users: 0, storage_bytes: 0, ml_training_seconds: 0 }]);
    await meter.flush(); // nothing pending: no unit of work
    expect(transactions()).toBe(2);
  });

  it("flushes by itself at maxPending and on its timer; a tenant that cannot be written is dropped quietly", async () => {
    const store = createMemoryStore();
    const meter = createUsageMeter(store, clock, { flushMs: 20, maxPending: 10 });
    for (let i = 0; i < 10; i++) meter.count("default", "api_calls");
    meter.count("t_gone", "api_calls");
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect((await day(store, "default"))[0]?.api_calls).toBe(10);
    meter.count("default", "api_calls", 5);
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect((await day(store, "default"))[0]?.api_calls).toBe(15);
    await meter.stop();
  });
});
