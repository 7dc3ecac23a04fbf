import type { AuditEntry, AuditEntryInsert, AuditFilter } from "../schemas/audit.js";
import type { Page, PageResult } from "../schemas/common.js";

/** Append-only record of every change. */
export interface AuditLog {
  /** Appends an entry in the current unit of work (it MUST roll back with it) and returns it. */
  append(entry: AuditEntryInsert): Promise<AuditEntry>;
  /** One page of entries matching the filter, newest id last (ordered by id ascending), and the total. */
  list(filter: AuditFilter, page: Page): Promise<PageResult<AuditEntry>>;
}
