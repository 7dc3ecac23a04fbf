import { z } from "zod";
import { idSchema } from "./common.js";

/** One append-only audit entry: who changed what, with the record before and after. */
export const auditEntrySchema = z.object({
  id: idSchema,
  user_id: idSchema.nullable(),
  action: z.string(),
  resource_type: z.string(),
  resource_id: z.string().nullable(),
  changes: z.object({ before: z.unknown().nullable(), after: z.unknown().nullable() }),
  ip_address: z.string().nullable(),
  user_agent: z.string().nullable(),
  request_id: z.string().nullable(),
  created_at: z.iso.datetime(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;
export type AuditEntryInsert = Omit<AuditEntry, "id" | "created_at">;

/**
 * Filters of the audit log listing. `from` and `to` bound `created_at` inclusively; each is an
 * ISO instant or a bare `YYYY-MM-DD` read in UTC (as `from`: that day's start; as `to`: its end).
 */
export interface AuditFilter {
  resource_type?: string;
  resource_id?: string;
  user_id?: number;
  action?: string;
  from?: string;
  to?: string;
}
