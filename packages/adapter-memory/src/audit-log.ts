import type { AuditEntry, AuditLog } from "@epca/core";
import type { MemoryDatabase } from "./database.js";
import { copy, pageOf, type TransactionContext } from "./table.js";

/** A JSON value as a `jsonb` column would store it (dates become strings, functions vanish). */
function asJson(value: unknown): unknown {
  if (value === undefined) return null;
  const text = JSON.stringify(value);
  return text === undefined ? null : JSON.parse(text);
}

/** A bare calendar date, `YYYY-MM-DD`. */
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A `from` / `to` bound of the audit filter as epoch milliseconds: an ISO instant as written, a bare
 * date read in UTC (as `from` its first millisecond, as `to` its last); `undefined` when unset.
 */
function boundOf(value: string | undefined, side: "from" | "to"): number | undefined {
  if (value === undefined) return undefined;
  const instant = DATE_ONLY.test(value) ? `${value}T${side === "from" ? "00:00:00.000" : "23:59:59.999"}Z` : value;
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new RangeError(`audit filter: "${side}" is neither an ISO instant nor a YYYY-MM-DD date: ${value}`);
  return ms;
}

/** The append-only audit log of the transaction's tenant; entries roll back with the transaction. */
export function memoryAuditLog(tx: TransactionContext, db: MemoryDatabase): AuditLog {
  const table = db.audit;
  return {
    async append(entry) {
      tx.assertOpen();
      const row: AuditEntry = {
        id: table.nextId(),
        user_id: entry.user_id ?? null,
        action: entry.action,
        resource_type: entry.resource_type,
        resource_id: entry.resource_id ?? null,
        changes: { before: asJson(entry.changes?.before), after: asJson(entry.changes?.after) },
        ip_address: entry.ip_address ?? null,
        user_agent: entry.user_agent ?? null,
        request_id: entry.request_id ?? null,
        created_at: tx.now(),
      };
      table.insert(tx, row);
      return copy(row);
    },
    async list(filter, page) {
      tx.assertOpen();
      const f = filter ?? {};
      // Inclusive bounds on `created_at`, compared as instants.
      const from = boundOf(f.from, "from");
      const to = boundOf(f.to, "to");
      const rows = table.select(
        tx.tenantId,
        (e) =>
          (f.resource_type === undefined || e.resource_type === f.resource_type) &&
          (f.resource_id === undefined || e.resource_id === f.resource_id) &&
          (f.user_id === undefined || e.user_id === f.user_id) &&
          (f.action === undefined || e.action === f.action) &&
          (from === undefined || Date.parse(e.created_at) >= from) &&
          (to === undefined || Date.parse(e.created_at) <= to),
      );
      return pageOf(rows, page ?? {});
    },
  };
}
