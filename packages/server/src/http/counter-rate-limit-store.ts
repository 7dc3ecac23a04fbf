import type { CounterStore, CounterWindow } from "@epca/core";
import type { ClientRateLimitInfo, IncrementResponse, Options, Store } from "express-rate-limit";

/** How often (at most) the limiters of one API delete ended windows, piggy-backing on a hit. */
const PRUNE_EVERY_MS = 5 * 60_000;

/** How the limiters of one API batch their hits (`rateLimitStoresFor`). */
export interface CounterBatchOptions {
  /** How long hits counted in memory wait before one statement adds them all (default 100 ms). */
  readonly flushMs?: number;
  /**
   * How old this process's view of a key's count may be and still answer a hit from memory
   * (default 250 ms); an older view is refreshed by the hit, in a round trip.
   */
  readonly maxStaleMs?: number;
}

/** The defaults of `CounterBatchOptions`. */
export const COUNTER_BATCH_DEFAULTS = { flushMs: 100, maxStaleMs: 250 } as const;

/** Keys per flush statement. */
const FLUSH_CHUNK = 500;

/** One key as this process sees it. */
interface LocalCount {
  readonly windowMs: number;
  /** The count the database last answered (it includes every hit this process sent before). */
  base: number;
  /** Hits counted here, not sent yet. */
  pending: number;
  /** Hits sent, not answered yet. */
  sending: number;
  /** When the window ends (the database's answer; a guess before the first). */
  resetAt: number;
  /** When `base` was answered (this process's clock); 0 before the first answer. */
  syncedAt: number;
}

/**
 * The hits of one API's limiters, counted in memory and added to the store's shared counters in
 * batches, so that a request usually costs no round trip while N instances on one database still
 * allow each limit once, within a tolerance:
 *
 * - A hit is answered from memory only while this process's view of the key is fresh (answered by
 *   the database within `maxStaleMs`) and below HALF the limit. Every `flushMs` one statement adds
 *   the hits counted so far (`CounterStore.incrementMany`) and refreshes the views of those keys.
 * - Any other hit is a round trip that adds it (with the key's hits not sent yet) and answers the
 *   exact total: so a limit of 2 or 3 is counted exactly, hit by hit, and the second half of any
 *   limit is counted exactly too, except for hits other instances answered from memory and have not
 *   sent yet (at most one flush interval of them, and fewer than half the limit).
 * - Once the database answered a count above the limit, the key stays refused here until its
 *   window ends, without further round trips (hits are still sent in the next batch).
 *
 * Hits counted in memory when the process dies (at most `flushMs` of them) are lost: the counts
 * err on the side of letting a request through, as the counters' table does on a crash.
 */
export class CounterBatch {
  private readonly keys = new Map<string, LocalCount>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private flushing: Promise<void> | null = null;
  readonly flushMs: number;
  readonly maxStaleMs: number;

  constructor(
    readonly counters: CounterStore,
    options: CounterBatchOptions = {},
  ) {
    this.flushMs = options.flushMs ?? COUNTER_BATCH_DEFAULTS.flushMs;
    this.maxStaleMs = options.maxStaleMs ?? COUNTER_BATCH_DEFAULTS.maxStaleMs;
  }

  /** Counts one hit of `key` under a limit of `limit` hits per `windowMs` (0: no local answers). */
  async increment(key: string, windowMs: number, limit: number): Promise<CounterWindow> {
    const now = Date.now();
    let local = this.keys.get(key);
    if (local && local.resetAt <= now && local.sending === 0) {
      this.keys.delete(key);
      local = undefined;
    }
    if (local && local.resetAt > now) {
      const estimate = local.base + local.sending + local.pending + 1;
      const refused = limit > 0 && local.base > limit && local.syncedAt > 0;
      const fresh = local.syncedAt > 0 && now - local.syncedAt <= this.maxStaleMs;
      if (refused || (fresh && estimate <= Math.floor(limit / 2))) {
        local.pending += 1;
        this.schedule();
        return { hits: estimate, resetAt: new Date(local.resetAt) };
      }
    }
    if (!local) {
      local = { windowMs, base: 0, pending: 0, sending: 0, resetAt: now + windowMs, syncedAt: 0 };
      this.keys.set(key, local);
    }
    // A round trip: this hit and the key's hits not sent yet, answered with the exact total.
    const hits = local.pending + 1;
    local.pending = 0;
    local.sending += hits;
    let answer: CounterWindow;
    try {
      [answer] = (await this.counters.incrementMany([{ key, windowMs, hits }])) as [CounterWindow];
    } catch (error) {
      local.sending -= hits;
      local.pending += hits - 1; // the earlier hits go with the next batch; this one failed its request
      if (local.pending > 0) this.schedule();
      throw error;
    }
    local.sending -= hits;
    this.answered(local, answer);
    return answer;
  }

  /** Takes one hit of `key` back (a hit not sent yet, else in the database). */
  async decrement(key: string): Promise<void> {
    const local = this.keys.get(key);
    if (local && local.pending > 0) {
      local.pending -= 1;
      return;
    }
    await this.counters.decrement(key);
    if (local) local.base = Math.max(0, local.base - 1);
  }

  /** The key's count as this process sees it (the database's, when it has no view of its own). */
  async get(key: string): Promise<CounterWindow | undefined> {
    const local = this.keys.get(key);
    if (local && local.syncedAt > 0 && local.resetAt > Date.now()) {
      return { hits: local.base + local.sending + local.pending, resetAt: new Date(local.resetAt) };
    }
    return this.counters.get(key);
  }

  /** Forgets the key, here and in the database. */
  async reset(key: string): Promise<void> {
    this.keys.delete(key);
    await this.counters.reset(key);
  }

  /** Forgets every key starting with `prefix`, here and in the database. */
  async resetPrefix(prefix: string): Promise<void> {
    for (const key of [...this.keys.keys()]) if (key.startsWith(prefix)) this.keys.delete(key);
    await this.counters.resetPrefix(prefix);
  }

  /** Sends the hits counted so far now (a flush also runs on its own every `flushMs`). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    while (this.flushing) await this.flushing;
    this.flushing = this.send().finally(() => (this.flushing = null));
    await this.flushing;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.flush().catch(() => undefined); // the hits stay pending and go with the next batch
    }, this.flushMs);
    // Counting never keeps a process alive.
    this.timer.unref?.();
  }

  private async send(): Promise<void> {
    const now = Date.now();
    const batch: { key: string; local: LocalCount; hits: number }[] = [];
    for (const [key, local] of this.keys) {
      if (local.pending > 0) {
        batch.push({ key, local, hits: local.pending });
        local.sending += local.pending;
        local.pending = 0;
      } else if (local.sending === 0 && local.resetAt <= now) {
        this.keys.delete(key);
      }
    }
    let failure: unknown = null;
    for (let start = 0; start < batch.length; start += FLUSH_CHUNK) {
      const chunk = batch.slice(start, start + FLUSH_CHUNK);
      try {
        const answers = await this.counters.incrementMany(chunk.map(({ key, local, hits }) => ({ key, windowMs: local.windowMs, hits })));
        chunk.forEach(({ local, hits }, i) => {
          local.sending -= hits;
          this.answered(local, answers[i]!);
        });
      } catch (error) {
        for (const { local, hits } of chunk) {
          local.sending -= hits;
          local.pending += hits;
        }
        failure = error;
      }
    }
    if (failure !== null) {
      this.schedule();
      throw failure;
    }
  }

  /** Takes in the database's answer for a key (answers may arrive out of order within a window). */
  private answered(local: LocalCount, answer: CounterWindow): void {
    const resetAt = answer.resetAt.getTime();
    if (resetAt === local.resetAt) local.base = Math.max(local.base, answer.hits);
    else if (resetAt > local.resetAt || local.syncedAt === 0) {
      local.resetAt = resetAt;
      local.base = answer.hits;
    } else return; // an answer from a window that has since ended
    local.syncedAt = Date.now();
  }
}

/** When the counters of one API were last pruned: shared by its limiters, owned by the API (no module state). */
export interface PruneSchedule {
  lastPrune: number;
}

/**
 * An express-rate-limit `Store` over the store's shared counters (`EpcaStore.counters` of a store
 * whose `capabilities.sharedAcrossProcesses`: the `rate_limit_counters` table on PostgreSQL), so
 * every instance on the database shares the counts, through a `CounterBatch` (hits counted in
 * memory, sent in batches; see there for the tolerance). A fixed window per key from its first
 * hit, as express-rate-limit's memory store; the storage's clock decides when it ends. One store
 * per limiter: `prefix` keeps the limiters' keys apart.
 */
export class CounterRateLimitStore implements Store {
  /** Keys incremented here are seen by every instance (express-rate-limit's double-count check). */
  readonly localKeys = false;
  private windowMs = 60_000;
  private limit = 0;
  private readonly batch: CounterBatch;

  constructor(
    counters: CounterStore | CounterBatch,
    /** Prepended to every key, e.g. `"api-minute:"`. */
    readonly prefix: string,
    private readonly schedule: PruneSchedule = { lastPrune: 0 },
  ) {
    this.batch = counters instanceof CounterBatch ? counters : new CounterBatch(counters);
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
    // A limit computed per request is not known here: every hit is then counted in the database.
    this.limit = typeof options.limit === "number" ? options.limit : 0;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const count = await this.batch.get(this.prefix + key);
    return count ? { totalHits: count.hits, resetTime: count.resetAt } : undefined;
  }

  async increment(key: string): Promise<IncrementResponse> {
    const count = await this.batch.increment(this.prefix + key, this.windowMs, this.limit);
    this.maybePrune();
    return { totalHits: count.hits, resetTime: count.resetAt };
  }

  async decrement(key: string): Promise<void> {
    await this.batch.decrement(this.prefix + key);
  }

  async resetKey(key: string): Promise<void> {
    await this.batch.reset(this.prefix + key);
  }

  async resetAll(): Promise<void> {
    await this.batch.resetPrefix(this.prefix);
  }

  private maybePrune(): void {
    const now = Date.now();
    if (now - this.schedule.lastPrune < PRUNE_EVERY_MS) return;
    this.schedule.lastPrune = now;
    // Housekeeping only: a failure (the store closing, say) must not fail the request.
    this.batch.counters.prune().catch(() => undefined);
  }
}
