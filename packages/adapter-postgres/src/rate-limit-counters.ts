import type { SqlDriver } from "./sql-executor.js";

/** A key's hits in its current window and when that window ends. */
export interface RateLimitCount {
  readonly hits: number;
  readonly resetAt: Date;
}

/**
 * Fixed-window hit counters in the `rate_limit_counters` table (migration 0002): one row per key,
 * a window that starts at the key's first hit and lasts `windowMs`. Every statement is a single
 * autocommit statement on the database clock, so any number of processes on the same database
 * share the counts exactly (the reference server's express-rate-limit store is built on this).
 */
export interface RateLimitCounters {
  /**
   * Counts one hit: one atomic `INSERT … ON CONFLICT DO UPDATE … RETURNING`. A key without a row,
   * or whose window has ended, starts a new window of `windowMs` with 1 hit.
   */
  increment(key: string, windowMs: number): Promise<RateLimitCount>;
  /** Takes one hit back (not below 0) in the key's current window, if any. */
  decrement(key: string): Promise<void>;
  /** The key's count in its current window, or `undefined` when it has none. */
  get(key: string): Promise<RateLimitCount | undefined>;
  /** Forgets the key. */
  reset(key: string): Promise<void>;
  /** Forgets every key whose name starts with `prefix`. */
  resetPrefix(prefix: string): Promise<void>;
  /** Deletes the rows of windows that ended (rows of live windows are untouched); returns how many. */
  prune(): Promise<number>;
}

const INCREMENT = `
INSERT INTO rate_limit_counters AS c (key, hits, reset_at)
VALUES ($1, 1, now() + make_interval(secs => $2::float8 / 1000))
ON CONFLICT (key) DO UPDATE SET
  hits = CASE WHEN c.reset_at <= now() THEN 1 ELSE c.hits + 1 END,
  reset_at = CASE WHEN c.reset_at <= now() THEN EXCLUDED.reset_at ELSE c.reset_at END
RETURNING hits, (extract(epoch FROM reset_at) * 1000)::float8 AS reset_ms`;

type Row = { hits: number; reset_ms: number };
const toCount = (row: Row): RateLimitCount => ({ hits: Number(row.hits), resetAt: new Date(Number(row.reset_ms)) });
// LIKE pattern for "starts with `prefix`".
const startsWith = (prefix: string) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The counters over a driver (the statements run as the connecting user, outside any tenant). */
export function rateLimitCounters(driver: SqlDriver, open: () => void): RateLimitCounters {
  return {
    async increment(key, windowMs) {
      open();
      if (!Number.isFinite(windowMs) || windowMs <= 0) throw new RangeError(`windowMs must be a positive number, got ${windowMs}`);
      const { rows } = await driver.query<Row>(INCREMENT, [key, windowMs]);
      return toCount(rows[0]!);
    },
    async decrement(key) {
      open();
      await driver.query("UPDATE rate_limit_counters SET hits = greatest(hits - 1, 0) WHERE key = $1 AND reset_at > now()", [key]);
    },
    async get(key) {
      open();
      const { rows } = await driver.query<Row>(
        "SELECT hits, (extract(epoch FROM reset_at) * 1000)::float8 AS reset_ms FROM rate_limit_counters WHERE key = $1 AND reset_at > now()",
        [key],
      );
      return rows[0] ? toCount(rows[0]) : undefined;
    },
    async reset(key) {
      open();
      await driver.query("DELETE FROM rate_limit_counters WHERE key = $1", [key]);
    },
    async resetPrefix(prefix) {
      open();
      await driver.query("DELETE FROM rate_limit_counters WHERE key LIKE $1", [startsWith(prefix)]);
    },
    async prune() {
      open();
      const { rowCount } = await driver.query("DELETE FROM rate_limit_counters WHERE reset_at <= now()");
      return rowCount;
    },
  };
}
