import { z } from "zod";

/** A decimal integer from a path or query string; anything else stays as is and fails the number check. */
export function integerFromString(value: unknown): unknown {
  return typeof value === "string" && /^-?\d{1,20}$/.test(value) ? Number(value) : value;
}

/** A positive record id in a path or query string (`abc`, `-1`, `1e3` and overflows are 422). */
export const idParam = z.preprocess(integerFromString, z.number().int().positive().max(Number.MAX_SAFE_INTEGER));

/** `{ [name]: id }` for a path with one id. */
export function idParams<const N extends string>(name: N) {
  return z.object({ [name]: idParam } as { [K in N]: typeof idParam });
}

/** Paging of every list: `skip` ≥ 0, `1 ≤ limit ≤ 1000`. */
export const pageQuery = z.object({
  skip: z.preprocess(integerFromString, z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)).optional(),
  limit: z.preprocess(integerFromString, z.number().int().min(1).max(1000)).optional(),
});

/** `true` / `false` in a query string. */
export const booleanQuery = z.preprocess(
  (v) => (v === "true" || v === "1" ? true : v === "false" || v === "0" ? false : v),
  z.boolean(),
);

/** An inclusive ISO date bound of a list filter. */
export const dateQuery = z.iso.date();
