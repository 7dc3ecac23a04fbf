/**
 * @epca/adapter-memory/reports — `@epca/reports`'s `ReportFileStore` as a scope part of the
 * memory store: `createMemoryStore({ parts: { reportFiles: memoryReportFiles } })`.
 *
 * @packageDocumentation
 */
import type { ReportFileInput, ReportFileStore, ReportFileSummary, StoredReportFile } from "@epca/reports";
import type { MemoryScopePart } from "./store.js";
import type { TransactionContext } from "./table.js";

interface FileRow {
  readonly id: number;
  readonly file: StoredReportFile;
}

const TABLE = "report_files";

const copyOf = (f: StoredReportFile): StoredReportFile => ({ ...f, bytes: f.bytes.slice() });
const summaryOf = ({ bytes: _bytes, ...rest }: StoredReportFile): ReportFileSummary => rest;
const live = (f: StoredReportFile, now: Date) => Date.parse(f.expires_at) > now.getTime();

/**
 * The report files of the transaction's tenant, kept in the store's `report_files` table (undone
 * with the transaction like every other write). A call naming another tenant sees nothing and may
 * not save; `deleteExpired` deletes the tenant's expired files.
 */
export const memoryReportFiles: MemoryScopePart<ReportFileStore> = (tx: TransactionContext): ReportFileStore => {
  const table = tx.table<FileRow>(TABLE);
  const find = (id: string) => table.find(tx.tenantId, (r) => r.file.id === id);
  const own = (tenantId: string) => tenantId === tx.tenantId;
  return {
    async save(input: ReportFileInput) {
      tx.assertOpen();
      if (!own(input.tenant_id)) throw new Error(`reportFiles.save: tenant ${input.tenant_id} outside the transaction's tenant`);
      const file: StoredReportFile = {
        tenant_id: input.tenant_id,
        id: input.id ?? globalThis.crypto.randomUUID(),
        name: input.name,
        content_type: input.content_type,
        bytes: input.bytes.slice(),
        size: input.bytes.byteLength,
        created_at: input.created_at,
        expires_at: input.expires_at,
        created_by: input.created_by ?? null,
      };
      const existing = find(file.id);
      if (existing) table.replace(tx, { id: existing.id, file });
      else table.insert(tx, { id: table.nextId(), file });
      return copyOf(file);
    },
    async get(tenantId, id, now = new Date()) {
      tx.assertOpen();
      if (!own(tenantId)) return null;
      const row = find(id);
      return row && live(row.file, now) ? copyOf(row.file) : null;
    },
    async list(tenantId, now = new Date()) {
      tx.assertOpen();
      if (!own(tenantId)) return [];
      return table
        .select(tx.tenantId, (r) => live(r.file, now))
        .map((r) => r.file)
        .sort((a, b) => b.created_at.localeCompare(a.created_at) || a.id.localeCompare(b.id))
        .map(summaryOf);
    },
    async deleteExpired(now) {
      tx.assertOpen();
      const expired = table.select(tx.tenantId, (r) => !live(r.file, now));
      for (const row of expired) table.remove(tx, row.id);
      return expired.length;
    },
  };
};
