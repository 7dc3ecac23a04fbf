import type { TenantUsageStore, UsageCounter } from "@epca/core";
import type { SqlExecutor } from "../sql-executor.js";

const ZERO = (): Record<UsageCounter, number> => ({ api_calls: 0, predictions: 0, storage_bytes: 0, ml_training_seconds: 0 });

/**
 * Plan-limit locks and daily usage of the transaction's tenant (migration 0011). A limit's lock
 * is a transaction-scoped advisory lock of (tenant, limit): concurrent checks of one limit of one
 * tenant queue behind it until the transaction that holds it ends, and each then counts what the
 * ones before it committed (READ COMMITTED reads a fresh snapshot per statement).
 */
export function usageStore(sql: SqlExecutor): TenantUsageStore {
  return {
    async lockLimit(limit) {
      await sql.query("SELECT pg_advisory_xact_lock(hashtextextended('epca-limit:' || current_setting('app.tenant_id', true) || ':' || $1, 0))", [limit]);
    },
    async add(date, increments, activeUserIds = []) {
      await sql.query(
        `INSERT INTO tenant_usage_days (date, api_calls, predictions, storage_bytes, ml_training_seconds)
         VALUES ($1::date, $2, $3, $4, $5)
         ON CONFLICT (tenant_id, date) DO UPDATE SET
           api_calls = tenant_usage_days.api_calls + EXCLUDED.api_calls,
           predictions = tenant_usage_days.predictions + EXCLUDED.predictions,
           storage_bytes = tenant_usage_days.storage_bytes + EXCLUDED.storage_bytes,
           ml_training_seconds = tenant_usage_days.ml_training_seconds + EXCLUDED.ml_training_seconds`,
        [date, increments.api_calls ?? 0, increments.predictions ?? 0, increments.storage_bytes ?? 0, increments.ml_training_seconds ?? 0],
      );
      if (activeUserIds.length > 0) {
        await sql.query(
          "INSERT INTO tenant_active_users (date, user_id) SELECT $1::date, unnest($2::bigint[]) ON CONFLICT DO NOTHING",
          [date, activeUserIds.map(String)],
        );
      }
    },
    async days(from, to) {
      const result = await sql.query<Record<string, unknown>>(
        `SELECT to_char(d.date, 'YYYY-MM-DD') AS date, d.api_calls, d.predictions, d.storage_bytes, d.ml_training_seconds,
                (SELECT count(*) FROM tenant_active_users a WHERE a.date = d.date)::int AS active_users
           FROM tenant_usage_days d WHERE d.date BETWEEN $1::date AND $2::date ORDER BY d.date`,
        [from, to],
      );
      return result.rows.map((r) => ({
        date: String(r.date),
        api_calls: Number(r.api_calls),
        predictions: Number(r.predictions),
        active_users: Number(r.active_users),
        storage_bytes: Number(r.storage_bytes),
        ml_training_seconds: Number(r.ml_training_seconds),
      }));
    },
    async totals(since) {
      const result = await sql.query<Record<string, unknown>>(
        `SELECT COALESCE(sum(api_calls), 0) AS api_calls, COALESCE(sum(predictions), 0) AS predictions,
                COALESCE(sum(storage_bytes), 0) AS storage_bytes, COALESCE(sum(ml_training_seconds), 0) AS ml_training_seconds
           FROM tenant_usage_days WHERE $1::date IS NULL OR date >= $1::date`,
        [since ?? null],
      );
      const row = result.rows[0];
      const sums = ZERO();
      if (row) for (const key of Object.keys(sums) as UsageCounter[]) sums[key] = Number(row[key]);
      return sums;
    },
  };
}
