import type { AuditLog } from "@epca/core";
import type { SqlExecutor } from "../sql-executor.js";
import { Conditions, listPage } from "./entity-repository.js";
import { mapRow } from "./rows.js";

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** The append-only audit log of the transaction's tenant (the app role may only SELECT and INSERT). */
export function auditLog(sql: SqlExecutor): AuditLog {
  return {
    async append(entry) {
      const result = await sql.query(
        `INSERT INTO audit_logs (user_id, action, resource_type, resource_id, changes, ip_address, user_agent, request_id)
         VALUES ($1, $2, $3, $4, $5::text::jsonb, $6, $7, $8) RETURNING *`,
        [
          entry.user_id ?? null,
          entry.action,
          entry.resource_type,
          entry.resource_id ?? null,
          JSON.stringify({ before: entry.changes?.before ?? null, after: entry.changes?.after ?? null }),
          entry.ip_address ?? null,
          entry.user_agent ?? null,
          entry.request_id ?? null,
        ],
      );
      return mapRow.audit(result.rows[0]!);
    },
    async list(filter, page) {
      const conditions = new Conditions();
      conditions
        .when(filter?.resource_type, "resource_type = ?")
        .when(filter?.resource_id, "resource_id = ?")
        .when(filter?.user_id, "user_id = ?")
        .when(filter?.action, "action = ?");
      // A bare date is read in UTC, whatever the session's TimeZone: as `from` its first instant,
      // as `to` the whole day. An ISO instant carries its own offset.
      if (filter?.from !== undefined) {
        if (DATE_ONLY.test(filter.from)) conditions.add("created_at >= ?::date::timestamp AT TIME ZONE 'UTC'", filter.from);
        else conditions.add("created_at >= ?::timestamptz", filter.from);
      }
      if (filter?.to !== undefined) {
        if (DATE_ONLY.test(filter.to)) conditions.add("created_at < (?::date + 1)::timestamp AT TIME ZONE 'UTC'", filter.to);
        else conditions.add("created_at <= ?::timestamptz", filter.to);
      }
      return listPage(sql, "audit_logs", "*", conditions, page, mapRow.audit);
    },
  };
}
