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

/*
 * Text rules, the same on every store. PostgreSQL `text` and `jsonb` cannot hold U+0000 at all, and
 * cannot hold a lone UTF-16 surrogate (U+D800–U+DFFF not part of a pair) either, which drivers
 * silently replace with U+FFFD. Other control characters are storable but are never wanted in
 * user text: they hide in names, break exports and terminals. So:
 * - free text (descriptions, notes) refuses the C0 controls U+0000–U+001F except tab (U+0009),
 *   line feed (U+000A) and carriage return (U+000D), and lone surrogates;
 * - single-line values (names, emails, skills, permission names) refuse every control character,
 *   C0 (U+0000–U+001F, tab and line breaks included), DEL (U+007F) and C1 (U+0080–U+009F), and
 *   lone surrogates.
 * Emoji, combining marks, right-to-left scripts, quotes and backslashes are all fine.
 * The patterns use the `u` flag, so a surrogate pair is one code point and only a lone surrogate
 * falls in U+D800–U+DFFF.
 */
const FREE_TEXT_PATTERN = /^[^\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF]*$/u;
const SINGLE_LINE_PATTERN = /^[^\u0000-\u001F\u007F-\u009F\uD800-\uDFFF]*$/u;
const FREE_TEXT_MESSAGE =
  "Must not contain control characters other than tab and line breaks (U+0000–U+0008, U+000B, U+000C, U+000E–U+001F) or unpaired surrogates";
const SINGLE_LINE_MESSAGE =
  "Must not contain control characters (U+0000–U+001F, U+007F–U+009F), tabs, line breaks or unpaired surrogates";

/** Free text of at most `max` characters (a description, a note): tab and line breaks allowed, other control characters refused. */
export function textSchema(max: number) {
  return z.string().max(max).regex(FREE_TEXT_PATTERN, FREE_TEXT_MESSAGE);
}

/** A single-line name, trimmed, of `min`–`max` characters: no control character of any kind. */
export function nameSchema(min: number, max: number) {
  return z.string().trim().min(min).max(max).regex(SINGLE_LINE_PATTERN, SINGLE_LINE_MESSAGE);
}

/**
 * An email address of at most 254 characters, stored lower-cased (unique regardless of case). Its
 * format admits ASCII letters, digits and `_'+-.@` only, so no control character gets through.
 */
export const emailSchema = z
  .email()
  .max(254)
  .transform((e) => e.toLowerCase());
