import { z } from "zod";

/** Integer primary key of a stored record. */
export const idSchema = z.number().int().positive();
/** Tenant identifier; single-tenant installations use `"default"`. */
export const tenantIdSchema = z
  .string()
  .min(1)
  .max(63)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, "letters, digits, '-' and '_'");
export type TenantId = z.infer<typeof tenantIdSchema>;

/** The tenant of single-tenant installations. */
export const DEFAULT_TENANT_ID: TenantId = "default";

/** A calendar date, `YYYY-MM-DD`. */
export const isoDateSchema = z.iso.date();
/** A finite JSON number that money or hours may hold. */
export const amountSchema = z.number().finite().max(1e15);

/** Paging of list calls: offset `skip`, at most `limit` (≤ 1000) records, ordered by id. */
export const pageSchema = z.object({
  skip: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(1000).default(100),
});
export type Page = z.infer<typeof pageSchema>;

/** One page of records and the number of records that match in all. */
export interface PageResult<T> {
  readonly items: T[];
  readonly total: number;
}

/** Inclusive date range over `date` fields. */
export interface DateRange {
  readonly from?: string;
  readonly to?: string;
}

/** Fields every stored record carries. */
export const storedFields = {
  id: idSchema,
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
};
