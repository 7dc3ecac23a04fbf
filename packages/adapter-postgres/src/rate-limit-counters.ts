import type { CounterStore, CounterWindow } from "@epca/core";
import type { SqlDriver } from "./sql-executor.js";

/**
 * The store's `counters` (core's `CounterStore`) in the `rate_limit_counters` table (migration
 * 0002): one row per key, a window that starts at the key's first hit and lasts `windowMs`. Every
 * statement is a single autocommit statement on the database clock, so any number of processes on
 * the same database share the counts exactly (increment is one atomic
 * `INSERT … ON CONFLICT DO UPDATE … RETURNING`).
 */
const INCREMENT = `
INSERT INTO rate_limit_counters AS c (key, hits, reset_at)
VALUES ($1, 1, now() + make_interval(secs => $2::float8 / 1000))
ON CONFLICT (key) DO UPDATE SET
  hits = CASE WHEN c.reset_at <= now() THEN 1 ELSE c.hits + 1 END,
  reset_at = CASE WHEN c.reset_at <= now() THEN EXCLUDED.reset_at ELSE c.reset_at END
RETURNING hits, (extract(epoch FROM reset_at) * 1000)::float8 AS reset_ms`;

/** Many keys' hits in one statement (`incrementMany`): the same rules as INCREMENT, per key. */
const INCREMENT_MANY = `
INSERT INTO rate_limit_counters AS c (key, hits, reset_at)
SELECT k, h, now() + make_interval(secs => w / 1000)
FROM unnest($1::text[], $2::int[], $3::float8[]) AS i(k, h, w)
ON CONFLICT (key) DO UPDATE SET
  hits = CASE WHEN c.reset_at <= now() THEN EXCLUDED.hits ELSE c.hits + EXCLUDED.hits END,
  reset_at = CASE WHEN c.reset_at <= now() THEN EXCLUDED.reset_at ELSE c.reset_at END
RETURNING key, hits, (extract(epoch FROM reset_at) * 1000)::float8 AS reset_ms`;

type Row = { hits: number; reset_ms: number };
const toCount = (row: Row): CounterWindow => ({ hits: Number(row.hits), resetAt: new Date(Number(row.reset_ms)) });
// LIKE pattern for "starts with `prefix`".
const startsWith = (prefix: string) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The counters over a driver (the statements run as the connecting user, outside any tenant). */
export function rateLimitCounters(driver: SqlDriver, open: () => void): CounterStore {
  return {
    async increment(key, windowMs) {
      open();
      if (!Number.isFinite(windowMs) || windowMs <= 0) throw new RangeError(`windowMs must be a positive number, got ${windowMs}`);
      const { rows } = await driver.query<Row>(INCREMENT, [key, windowMs]);
      return toCount(rows[0]!);
    },
    async incrementMany(increments) {
      open();
      const keys = new Set<string>();
      for (const { key, windowMs, hits } of increments) {
        if (!Number.isFinite(windowMs) || windowMs <= 0) throw new RangeError(`windowMs must be a positive number, got ${windowMs}`);
        if (!Number.isInteger(hits) || hits < 1) throw new RangeError(`hits must be a whole number ≥ 1, got ${hits}`);
        if (keys.has(key)) throw new RangeError(`the key ${JSON.stringify(key)} appears twice`);
        keys.add(key);
      }
      if (increments.length === 0) return [];
      const { rows } = await driver.query<Row & { key: string }>(INCREMENT_MANY, [
        increments.map((i) => i.key),
        increments.map((i) => i.hits),
        increments.map((i) => i.windowMs),
      ]);
      const byKey = new Map(rows.map((row) => [row.key, toCount(row)]));
      return increments.map((i) => byKey.get(i.key)!);
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
