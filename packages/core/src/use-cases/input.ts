import type { z } from "zod";
import { NotFoundError, ValidationError, type ValidationIssue } from "../errors.js";
import { pageSchema, type Page } from "../schemas/common.js";
import type { PageInput } from "./types.js";

/** Parses `input` with `schema`, turning zod's issues into one `ValidationError` listing all of them. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(
    result.error.issues.map(
      (issue): ValidationIssue => ({
        path: issue.path.map((key) => (typeof key === "symbol" ? String(key) : key)),
        message: issue.message,
        code: issue.code,
      }),
    ),
    { cause: result.error },
  );
}

/** Paging with its defaults (skip 0, limit 100) and bounds (limit ≤ 1000); unset fields take the defaults. */
export function parsePage(page: PageInput | undefined): Page {
  return parseInput(pageSchema, withoutUndefined(page ?? {}));
}

/** A patch that names only what changes: the keys whose parsed value is not `undefined`. */
export function withoutUndefined<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * Refuses an id no record can have (not a positive safe integer) as not found, before it reaches
 * a store: a database would reject it as bad input, a map would simply miss it.
 */
export function assertRecordId(resource: string, id: number): void {
  if (!Number.isSafeInteger(id) || id <= 0) throw new NotFoundError(resource, id);
}
