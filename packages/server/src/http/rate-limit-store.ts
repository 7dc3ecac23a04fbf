import type { RateLimitCounters } from "@epca/adapter-postgres";
import type { ClientRateLimitInfo, IncrementResponse, Options, Store } from "express-rate-limit";

// How often (at most) one process deletes the rows of ended windows, piggy-backing on a hit.
const PRUNE_EVERY_MS = 5 * 60_000;
let lastPrune = 0;

/**
 * An express-rate-limit `Store` over the `rate_limit_counters` table of the PostgreSQL the server
 * runs on (`PostgresStore.rateLimitCounters`): every instance on the database shares the counts.
 * A fixed window per key from its first hit, as express-rate-limit's memory store; the database
 * clock decides when it ends. One store per limiter: `prefix` keeps the limiters' keys apart.
 */
export class PostgresRateLimitStore implements Store {
  /** Keys incremented here are seen by every instance (express-rate-limit's double-count check). */
  readonly localKeys = false;
  private windowMs = 60_000;

  constructor(
    private readonly counters: RateLimitCounters,
    /** Prepended to every key, e.g. `"api-minute:"`. */
    readonly prefix: string,
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
    if (now - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = now;
    // Housekeeping only: a failure (the store closing, say) must not fail the request.
    this.counters.prune().catch(() => undefined);
  }
}
