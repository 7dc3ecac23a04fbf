import type { AuditEntry, AuditLog } from "@epca/core";
import type { MemoryDatabase } from "./database.js";
import { copy, pageOf, type TransactionContext } from "./table.js";

/** A JSON value as a `jsonb` column would store it (dates become strings, functions vanish). */
function asJson(value: unknown): unknown {
  if (value === undefined) return null;
  const text = JSON.stringify(value);
  return text === undefined ? null : JSON.parse(text);
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
      // `from` / `to` are dates, compared with the date part of `created_at` (UTC).
      const rows = table.select(
        tx.tenantId,
        (e) =>
          (f.resource_type === undefined || e.resource_type === f.resource_type) &&
          (f.resource_id === undefined || e.resource_id === f.resource_id) &&
          (f.user_id === undefined || e.user_id === f.user_id) &&
          (f.action === undefined || e.action === f.action) &&
          (f.from === undefined || e.created_at.slice(0, 10) >= f.from) &&
          (f.to === undefined || e.created_at.slice(0, 10) <= f.to),
      );
      return pageOf(rows, page ?? {});
    },
  };
}
