/**
 * @epca/adapter-postgres/reports — `@epca/reports`'s `ReportFileStore` as a scope part of the
 * PostgreSQL and PGlite stores (table `report_files`, migration 0008):
 * `createPostgresStore({ connectionString, parts: { reportFiles: postgresReportFiles } })`.
 *
 * @packageDocumentation
 */
import type { ReportFileInput, ReportFileStore, ReportFileSummary, StoredReportFile } from "@epca/reports";
import type { SqlExecutor } from "./sql-executor.js";
import type { PostgresScopePart } from "./store.js";
import { toIsoString, toNullableNumber } from "./values.js";

const COLUMNS = "tenant_id, id, name, content_type, size, created_at, expires_at, created_by";

function summaryOf(row: Record<string, unknown>): ReportFileSummary {
  return {
    tenant_id: String(row.tenant_id),
    id: String(row.id),
    name: String(row.name),
    content_type: String(row.content_type),
    size: Number(row.size),
    created_at: toIsoString(row.created_at),
    expires_at: toIsoString(row.expires_at),
    created_by: toNullableNumber(row.created_by),
  };
}

function fileOf(row: Record<string, unknown>): StoredReportFile {
  const content = row.content as Uint8Array;
  // A copy the caller owns (node-postgres answers a Buffer, PGlite a Uint8Array).
  return { ...summaryOf(row), bytes: Uint8Array.from(content) };
}

/**
 * The report files of the transaction's tenant, in `report_files` (row-level security keeps every
 * statement inside the tenant). A call naming another tenant sees nothing (and `save` is refused
 * by the policy); `deleteExpired` deletes the tenant's expired files with one
 * `DELETE … RETURNING`, so that two at once count each file once.
 */
export const postgresReportFiles: PostgresScopePart<ReportFileStore> = (sql: SqlExecutor, tenantId: string): ReportFileStore => ({
  async save(input: ReportFileInput) {
    const { rows } = await sql.query(
      `INSERT INTO report_files (tenant_id, id, name, content_type, content, size, created_at, expires_at, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (tenant_id, id) DO UPDATE SET name = EXCLUDED.name, content_type = EXCLUDED.content_type, content = EXCLUDED.content,
         size = EXCLUDED.size, created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at, created_by = EXCLUDED.created_by
       RETURNING ${COLUMNS}, content`,
      [
        input.tenant_id,
        input.id ?? globalThis.crypto.randomUUID(),
        input.name,
        input.content_type,
        Buffer.from(input.bytes.buffer, input.bytes.byteOffset, input.bytes.byteLength),
        input.bytes.byteLength,
        input.created_at,
        input.expires_at,
        input.created_by ?? null,
      ],
    );
    return fileOf(rows[0]!);
  },
  async get(tenant, id, now = new Date()) {
    if (tenant !== tenantId) return null;
    const { rows } = await sql.query(`SELECT ${COLUMNS}, content FROM report_files WHERE tenant_id = $1 AND id = $2 AND expires_at > $3`, [tenant, id, now.toISOString()]);
    return rows[0] ? fileOf(rows[0]) : null;
  },
  async list(tenant, now = new Date()) {
    if (tenant !== tenantId) return [];
    const { rows } = await sql.query(`SELECT ${COLUMNS} FROM report_files WHERE tenant_id = $1 AND expires_at > $2 ORDER BY created_at DESC, id`, [tenant, now.toISOString()]);
    return rows.map(summaryOf);
  },
  async deleteExpired(now) {
    const { rows } = await sql.query("DELETE FROM report_files WHERE tenant_id = $1 AND expires_at <= $2 RETURNING id", [tenantId, now.toISOString()]);
    return rows.length;
  },
});
