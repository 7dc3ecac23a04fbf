import { NotFoundError } from "../errors.js";
import type { TenantScope } from "../ports/store.js";

/** The record, or `NotFoundError` when the port answered `null`. */
export function found<T>(record: T | null, resource: string, id: number | string): T {
  if (record === null) throw new NotFoundError(resource, id);
  return record;
}

/**
 * The departments a change touches: the record's own, plus the one it moves to (which must exist).
 * A department head may only make changes whose every department is theirs.
 */
export async function departmentsTouched(scope: TenantScope, current: number, next: number | undefined): Promise<number[]> {
  if (next === undefined || next === current) return [current];
  found(await scope.departments.findById(next), "department", next);
  return [current, next];
}
