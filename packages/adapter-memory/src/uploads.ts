import type { UploadImportStore, UploadReceipt } from "@epca/reports";
import type { MemoryScopePart } from "./store.js";

interface ReceiptRow extends UploadReceipt {
  readonly id: number;
}

/**
 * `@epca/reports`' upload store in memory, as a scope part:
 * `createMemoryStore({ parts: { uploads: memoryUploads } })`. Receipts live in the store's
 * `upload_receipts` table and roll back with the transaction. Memory transactions run one at a
 * time, so daily hours are read pair by pair (`batchesDailyHours: false`).
 */
export const memoryUploads: MemoryScopePart<UploadImportStore> = (tx) => {
  const table = tx.table<ReceiptRow>("upload_receipts");
  const find = (entity: string, sha256: string) => table.find(tx.tenantId, (r) => r.entity === entity && r.sha256 === sha256);
  return {
    batchesDailyHours: false,
    async findReceipt(entity, sha256) {
      tx.assertOpen();
      const row = find(entity, sha256);
      return row ? { entity: row.entity, sha256: row.sha256, result: structuredClone(row.result), created_at: row.created_at } : null;
    },
    async saveReceipt(receipt) {
      tx.assertOpen();
      if (find(receipt.entity, receipt.sha256)) return false;
      table.insert(tx, { ...structuredClone(receipt), id: table.nextId() });
      return true;
    },
    async dailyHoursForUpdate() {
      throw new Error("memoryUploads reads daily hours through timesheets.sumHoursOnDateForUpdate (batchesDailyHours is false)");
    },
  };
};
