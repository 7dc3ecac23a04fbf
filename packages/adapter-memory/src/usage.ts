import { USAGE_COUNTERS, type TenantUsageStore, type UsageCounter, type UsageDay } from "@epca/core";
import { copy, type Row, type TransactionContext } from "./table.js";

/** One stored day of usage (its id is a per-store sequence; the key is tenant and date). */
interface UsageRow extends Row, Record<UsageCounter, number> {
  date: string;
  user_ids: number[];
}

/**
 * Plan-limit locks and daily usage of the transaction's tenant. Memory transactions run one at a
 * time, so a limit's lock is the store's own serial order.
 */
export function memoryUsageStore(tx: TransactionContext): TenantUsageStore {
  const table = tx.table<UsageRow>("tenant_usage");
  const zero = (): Record<UsageCounter, number> => ({ api_calls: 0, predictions: 0, storage_bytes: 0, ml_training_seconds: 0 });
  return {
    async lockLimit() {
      tx.assertOpen();
    },
    async add(date, increments, activeUserIds = []) {
      tx.assertOpen();
      const current = table.find(tx.tenantId, (r) => r.date === date);
      const row: UsageRow = current ? copy(current) : { id: table.nextId(), date, user_ids: [], ...zero() };
      for (const counter of USAGE_COUNTERS) row[counter] += increments[counter] ?? 0;
      row.user_ids = [...new Set([...row.user_ids, ...activeUserIds])].sort((a, b) => a - b);
      if (current) table.replace(tx, row);
      else table.insert(tx, row);
    },
    async days(from, to) {
      tx.assertOpen();
      return table
        .select(tx.tenantId, (r) => r.date >= from && r.date <= to)
        .sort((a, b) => a.date.localeCompare(b.date))
        .map(
          (r): UsageDay => ({
            date: r.date,
            api_calls: r.api_calls,
            predictions: r.predictions,
            active_users: r.user_ids.length,
            storage_bytes: r.storage_bytes,
            ml_training_seconds: r.ml_training_seconds,
          }),
        );
    },
    async totals(since) {
      tx.assertOpen();
      const sums = zero();
      for (const r of table.select(tx.tenantId, (row) => since === undefined || row.date >= since)) {
        for (const counter of USAGE_COUNTERS) sums[counter] += r[counter];
      }
      return sums;
    },
  };
}
