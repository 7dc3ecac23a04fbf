import type { CounterStore } from "@epca/core";
import type { ClientRateLimitInfo, IncrementResponse, Options, Store } from "express-rate-limit";

/** How often (at most) the limiters of one API delete ended windows, piggy-backing on a hit. */
const PRUNE_EVERY_MS = 5 * 60_000;

/** When the counters of one API were last pruned: shared by its limiters, owned by the API (no module state). */
export interface PruneSchedule {
  lastPrune: number;
}

/**
 * An express-rate-limit `Store` over the store's shared counters (`EpcaStore.counters` of a store
 * whose `capabilities.sharedAcrossProcesses`: the `rate_limit_counters` table on PostgreSQL), so
 * every instance on the database shares the counts. A fixed window per key from its first hit, as
 * express-rate-limit's memory store; the storage's clock decides when it ends. One store per
 * limiter: `prefix` keeps the limiters' keys apart.
 */
export class CounterRateLimitStore implements Store {
  /** Keys incremented here are seen by every instance (express-rate-limit's double-count check). */
  readonly localKeys = false;
  private windowMs = 60_000;

  constructor(
    private readonly counters: CounterStore,
    /** Prepended to every key, e.g. `"api-minute:"`. */
    readonly prefix: string,
    private readonly schedule: PruneSchedule = { lastPrune: 0 },
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const count = await this.counters.get(this.prefix + key);
    return count ? { totalHits: count.hits, resetTime: count.resetAt } : undefined;
  }

  async increment(key: string): Promise<IncrementResponse> {
    const count = await this.counters.increment(this.prefix + key, this.windowMs);
    this.maybePrune();
    return { totalHits: count.hits, resetTime: count.resetAt };
  }

  async decrement(key: string): Promise<void> {
    await this.counters.decrement(this.prefix + key);
  }

  async resetKey(key: string): Promise<void> {
    await this.counters.reset(this.prefix + key);
  }

  async resetAll(): Promise<void> {
    await this.counters.resetPrefix(this.prefix);
  }

  private maybePrune(): void {
    const now = Date.now();
    if (now - this.schedule.lastPrune < PRUNE_EVERY_MS) return;
    this.schedule.lastPrune = now;
    // Housekeeping only: a failure (the store closing, say) must not fail the request.
    this.counters.prune().catch(() => undefined);
  }
}
