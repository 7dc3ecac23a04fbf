import { check, checkEqual } from "../assertions.js";
import { uniqueTenantId, type ContractContext } from "./kit.js";

/** The contract part "counters": the store's fixed-window counters. */
export function counterContract(ctx: ContractContext): void {
  const { describe, it } = ctx;
  describe("counters", () => {
    it("counts hits in a window, takes one back, resets a key and a prefix", async () => {
      const prefix = `${uniqueTenantId()}:`;
      const counters = ctx.store.counters;
      const first = await counters.increment(`${prefix}a`, 60_000);
      checkEqual(first.hits, 1, "a new key starts at 1");
      check(first.resetAt.getTime() > Date.now() + 50_000, "the window lasts windowMs from the first hit");
      checkEqual((await counters.increment(`${prefix}a`, 60_000)).hits, 2, "a second hit");
      checkEqual((await counters.get(`${prefix}a`))?.hits, 2, "get reads the count");
      await counters.decrement(`${prefix}a`);
      checkEqual((await counters.get(`${prefix}a`))?.hits, 1, "decrement takes one back");
      await counters.decrement(`${prefix}a`);
      await counters.decrement(`${prefix}a`);
      checkEqual((await counters.get(`${prefix}a`))?.hits, 0, "never below 0");
      await counters.increment(`${prefix}b`, 60_000);
      await counters.reset(`${prefix}b`);
      checkEqual(await counters.get(`${prefix}b`), undefined, "reset forgets the key");
      await counters.increment(`${prefix}c`, 60_000);
      await counters.increment(`other-${prefix}c`, 60_000);
      await counters.resetPrefix(prefix);
      checkEqual(await counters.get(`${prefix}c`), undefined, "resetPrefix forgets the prefix's keys");
      checkEqual((await counters.get(`other-${prefix}c`))?.hits, 1, "and only those");
      await counters.reset(`other-${prefix}c`);
    });

    it("starts a new window once the old one ended, and prunes only ended windows", async () => {
      const key = `${uniqueTenantId()}:short`;
      const live = `${uniqueTenantId()}:live`;
      const counters = ctx.store.counters;
      await counters.increment(key, 150);
      await counters.increment(key, 150);
      await counters.increment(live, 60_000);
      await new Promise((resolve) => setTimeout(resolve, 400));
      checkEqual(await counters.get(key), undefined, "an ended window reads as none");
      check((await counters.prune()) >= 1, "prune removes the ended window");
      checkEqual((await counters.get(live))?.hits, 1, "a live window survives prune");
      checkEqual((await counters.increment(key, 150)).hits, 1, "a hit after the end starts at 1");
      await counters.reset(key);
      await counters.reset(live);
    });

    it("adds several keys' hits in one call, in order, as increment would; rejects a key given twice", async () => {
      const prefix = `${uniqueTenantId()}:many:`;
      const counters = ctx.store.counters;
      checkEqual(await counters.incrementMany([]), [], "nothing to add");
      await counters.increment(`${prefix}a`, 60_000);
      const [a, b] = await counters.incrementMany([
        { key: `${prefix}a`, windowMs: 60_000, hits: 5 },
        { key: `${prefix}b`, windowMs: 60_000, hits: 3 },
      ]);
      checkEqual([a?.hits, b?.hits], [6, 3], "added to a live window, and a new one started with its hits");
      check(b!.resetAt.getTime() > Date.now() + 50_000, "a new window lasts windowMs");
      checkEqual((await counters.get(`${prefix}a`))?.hits, 6, "get sees the added hits");
      checkEqual((await counters.increment(`${prefix}b`, 60_000)).hits, 4, "increment continues the count");
      let rejected = false;
      try {
        await counters.incrementMany([
          { key: `${prefix}c`, windowMs: 60_000, hits: 1 },
          { key: `${prefix}c`, windowMs: 60_000, hits: 1 },
        ]);
      } catch (error) {
        rejected = error instanceof RangeError;
      }
      check(rejected, "a key given twice is a RangeError");
      checkEqual(await counters.get(`${prefix}c`), undefined, "and nothing was added");
      await counters.resetPrefix(prefix);
    });

    it("counts concurrent hits exactly", async () => {
      const key = `${uniqueTenantId()}:parallel`;
      const counters = ctx.store.counters;
      const hits = await Promise.all(Array.from({ length: 25 }, () => counters.increment(key, 60_000)));
      checkEqual(hits.map((h) => h.hits).sort((a, b) => a - b), Array.from({ length: 25 }, (_, i) => i + 1), "25 distinct counts");
      await counters.reset(key);
    });
  });
}
