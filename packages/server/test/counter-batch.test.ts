/**
 * The rate limiters' batching over the store's counters (`CounterBatch`): how many round trips a
 * hit costs, and what two instances on one set of counters allow. The counters are a memory
 * store's, counted per call; the same class runs over PostgreSQL in
 * `packages/cli/test/instances.postgres.test.ts` (two real server processes).
 */
import { createMemoryStore } from "@epca/adapter-memory";
import type { CounterStore } from "@epca/core";
import { describe, expect, it } from "vitest";
import { CounterBatch } from "../src/http/counter-rate-limit-store.js";

/** A memory store's counters, with the calls that would be round trips counted. */
function countedCounters(): { counters: CounterStore; calls: { incrementMany: number; increment: number; decrement: number } } {
  const inner = createMemoryStore().counters;
  const calls = { incrementMany: 0, increment: 0, decrement: 0 };
  const counters: CounterStore = {
    ...inner,
    incrementMany: (increments) => {
      calls.incrementMany += 1;
      return inner.incrementMany(increments);
    },
    increment: (key, windowMs) => {
      calls.increment += 1;
      return inner.increment(key, windowMs);
    },
    decrement: (key) => {
      calls.decrement += 1;
      return inner.decrement(key);
    },
  };
  return { counters, calls };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("CounterBatch", () => {
  it("far below the limit, 1,000 hits cost one round trip to start and one statement per flush", async () => {
    const { counters, calls } = countedCounters();
    const batch = new CounterBatch(counters, { flushMs: 50, maxStaleMs: 10_000 });
    const answers = [];
    for (let i = 0; i < 1000; i++) answers.push((await batch.increment("k", 60_000, 1_000_000)).hits);
    expect(answers).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(calls.incrementMany).toBe(1); // the first hit: the key's window is learnt from the store
    await sleep(120);
    expect(calls.incrementMany).toBe(2); // one flush sent the other 999
    expect((await counters.get("k"))?.hits).toBe(1000);
  });

  it("a small limit is counted hit by hit in the store: exact, as before batching", async () => {
    const { counters, calls } = countedCounters();
    const batch = new CounterBatch(counters, { flushMs: 50 });
    const hits = [];
    for (let i = 0; i < 5; i++) hits.push((await batch.increment("k", 60_000, 3)).hits);
    expect(hits).toEqual([1, 2, 3, 4, 5]);
    // 1 (first hit), 2 and 3 (at or above half the limit), then the store said 4 > 3: refused
    // from memory until the window ends, the refused hits sent in the next batch.
    expect(calls.incrementMany).toBe(4);
    await batch.flush();
    expect((await counters.get("k"))?.hits).toBe(5);
  });

  it("answers from memory only while its view is fresh: an older view costs the hit a round trip", async () => {
    const { counters, calls } = countedCounters();
    const batch = new CounterBatch(counters, { flushMs: 10_000, maxStaleMs: 30 });
    await batch.increment("k", 60_000, 1000);
    await batch.increment("k", 60_000, 1000);
    expect(calls.incrementMany).toBe(1);
    await sleep(60);
    expect((await batch.increment("k", 60_000, 1000)).hits).toBe(3);
    expect(calls.incrementMany).toBe(2); // the stale view was refreshed, with the pending hit
    expect((await counters.get("k"))?.hits).toBe(3);
  });

  it("two instances on one set of counters allow the limit once (sequential hits, alternating)", async () => {
    const { counters } = countedCounters();
    const a = new CounterBatch(counters, { flushMs: 20 });
    const b = new CounterBatch(counters, { flushMs: 20 });
    let allowed = 0;
    for (let i = 0; i < 300; i++) {
      const { hits } = await (i % 2 ? b : a).increment("user", 60_000, 100);
      if (hits <= 100) allowed += 1;
      if (i % 10 === 0) await sleep(1);
    }
    expect(allowed).toBe(100);
    await Promise.all([a.flush(), b.flush()]);
    expect((await counters.get("user"))?.hits).toBe(300);
  });

  it("two instances hammering one key concurrently allow at least the limit and at most half again", async () => {
    const { counters } = countedCounters();
    const instances = [new CounterBatch(counters, { flushMs: 20 }), new CounterBatch(counters, { flushMs: 20 })];
    let allowed = 0;
    await Promise.all(
      instances.flatMap((batch) =>
        Array.from({ length: 10 }, async () => {
          for (let i = 0; i < 40; i++) {
            if ((await batch.increment("hot", 60_000, 200)).hits <= 200) allowed += 1;
            await sleep(0);
          }
        }),
      ),
    );
    expect(allowed).toBeGreaterThanOrEqual(200);
    expect(allowed).toBeLessThanOrEqual(300);
  });

  it("takes a hit back in memory when one is pending, else in the store; reset forgets it in both", async () => {
    const { counters, calls } = countedCounters();
    const batch = new CounterBatch(counters, { flushMs: 10_000, maxStaleMs: 10_000 });
    await batch.increment("k", 60_000, 1000);
    await batch.increment("k", 60_000, 1000);
    await batch.decrement("k");
    expect(calls.decrement).toBe(0);
    expect((await batch.get("k"))?.hits).toBe(1);
    await batch.decrement("k");
    expect(calls.decrement).toBe(1);
    expect((await counters.get("k"))?.hits).toBe(0);
    await batch.increment("k", 60_000, 1000);
    await batch.reset("k");
    expect(await batch.get("k")).toBeUndefined();
    await batch.flush();
    expect(await counters.get("k")).toBeUndefined();
  });

  it("a failed flush keeps the hits for the next one", async () => {
    const { counters } = countedCounters();
    let failing = false;
    const flaky: CounterStore = { ...counters, incrementMany: (i) => (failing ? Promise.reject(new Error("down")) : counters.incrementMany(i)) };
    const batch = new CounterBatch(flaky, { flushMs: 10_000, maxStaleMs: 10_000 });
    await batch.increment("k", 60_000, 1000);
    await batch.increment("k", 60_000, 1000);
    failing = true;
    await expect(batch.flush()).rejects.toThrow("down");
    failing = false;
    await batch.flush();
    expect((await counters.get("k"))?.hits).toBe(2);
  });
});
