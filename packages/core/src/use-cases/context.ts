import type { z } from "zod";
import { NotFoundError, ValidationError, type ValidationIssue } from "../errors.js";
import type { Actor } from "../policy/actor.js";
import { canSomewhere } from "../policy/policy.js";
import { ForbiddenError } from "../errors.js";
import type { Clock } from "../ports/clock.js";
import type { PasswordHasher } from "../ports/password-hasher.js";
import type { TenantScope, UnitOfWork } from "../ports/store.js";
import { pageSchema, type Page } from "../schemas/common.js";
import type { PageInput } from "./types.js";

/** What every use case runs on, with the defaults filled in. */
export interface UseCaseContext {
  readonly store: UnitOfWork;
  readonly clock: Clock;
  readonly passwordHasher: PasswordHasher | undefined;
  readonly standardAnnualHours: number;
}

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

/** Paging with its defaults (skip 0, limit 100) and bounds (limit ≤ 1000). */
export function parsePage(page: PageInput | undefined): Page {
  return parseInput(pageSchema, page ?? {});
}

/** The record, or `NotFoundError` when the port answered `null`. */
export function found<T>(record: T | null, resource: string, id: number | string): T {
  if (record === null) throw new NotFoundError(resource, id);
  return record;
}

/**
 * Refuses an id no record can have (not a positive safe integer) as not found, before it reaches
 * a store: a database would reject it as bad input, a map would simply miss it.
 */
export function assertRecordId(resource: string, id: number): void {
  if (!Number.isSafeInteger(id) || id <= 0) throw new NotFoundError(resource, id);
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

/** Refuses early an action the actor's roles grant in no scope at all (before any lookup). */
export function gate(actor: Actor, action: string, resource: string): void {
  if (!canSomewhere(actor, action, resource)) throw new ForbiddenError();
}

/** Runs `work` in the actor's tenant. */
export function inTenant<T>(ctx: UseCaseContext, actor: Actor, work: (scope: TenantScope) => Promise<T>): Promise<T> {
  return ctx.store.transaction(actor.tenantId, work);
}

/** Appends one audit entry for a change (by `source`: an actor, or an anonymous request), in the same unit of work. */
export async function recordChange(
  scope: TenantScope,
  source: Pick<Actor, "userId" | "request">,
  change: { action: string; resourceType: string; resourceId: number | string | null; before: unknown; after: unknown },
): Promise<void> {
  await scope.audit.append({
    user_id: source.userId,
    action: change.action,
    resource_type: change.resourceType,
    resource_id: change.resourceId === null ? null : String(change.resourceId),
    changes: { before: change.before ?? null, after: change.after ?? null },
    ip_address: source.request?.ip ?? null,
    user_agent: source.request?.userAgent ?? null,
    request_id: source.request?.id ?? null,
  });
}

/** `YYYY-MM-DD` of an instant, in UTC. */
export function isoDay(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}

/** Drops keys whose value is `undefined`, so a patch only names what changes. */
export function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}
