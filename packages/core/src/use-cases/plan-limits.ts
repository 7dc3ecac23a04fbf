import { LimitExceededError } from "../errors.js";
import type { TenantScope } from "../ports/store.js";
import { BYTES_PER_GB, type TenantLimits } from "../schemas/tenant.js";

/**
 * Checks a plan limit inside the unit of work of the write it guards: takes the tenant's lock of
 * that limit (held until the unit of work ends), reads what is used, and refuses with
 * `LimitExceededError` (`plan_limit_reached`) when `adding` more would pass the plan's value.
 * Called before the write, so that of parallel writes exactly the limit's number succeed.
 */
export async function enforcePlanLimit(
  scope: TenantScope,
  limit: keyof TenantLimits,
  used: () => Promise<number>,
  adding: number,
  unit = 1,
): Promise<void> {
  await scope.usage.lockLimit(limit);
  const max = scope.tenant.limits[limit];
  if ((await used()) + adding > max * unit) throw new LimitExceededError(limit, max);
}

/** `max_users`: one more user. */
export function enforceUserLimit(scope: TenantScope): Promise<void> {
  return enforcePlanLimit(scope, "max_users", () => scope.users.count(), 1);
}

/** `max_projects`: one more project. */
export function enforceProjectLimit(scope: TenantScope): Promise<void> {
  return enforcePlanLimit(scope, "max_projects", async () => (await scope.projects.list({}, { skip: 0, limit: 1 })).total, 1);
}

/** The first day of the month of `now` (UTC), `YYYY-MM-01`. */
export function monthStart(now: Date): string {
  return `${now.toISOString().slice(0, 7)}-01`;
}

/**
 * `max_storage_gb`: stores `bytes` more (report files, model artifacts) and counts them in the
 * day's usage, in the same unit of work; negative `bytes` (a deletion) is never refused.
 */
export async function chargeStorage(scope: TenantScope, bytes: number, today: string): Promise<void> {
  if (bytes > 0) await enforcePlanLimit(scope, "max_storage_gb", async () => (await scope.usage.totals()).storage_bytes, bytes, BYTES_PER_GB);
  if (bytes !== 0) await scope.usage.add(today, { storage_bytes: bytes });
}

/**
 * `max_storage_gb`: gives back `bytes` (a purged report file, a deleted model artifact) in the
 * day's usage. Takes the limit's lock first, like a charge: a caller that reads what to release
 * after calling this (the files it is about to delete) reads what the units of work before it
 * committed, so two parallel purges cannot release the same file twice.
 */
export async function releaseStorage(scope: TenantScope, bytes: number, today: string): Promise<void> {
  await scope.usage.lockLimit("max_storage_gb");
  if (bytes > 0) await scope.usage.add(today, { storage_bytes: -bytes });
}

/**
 * `ml_training_hours`: refuses (`LimitExceededError`) to start a training when the month's
 * training time (UTC calendar month) is used up. The duration is charged when the training ends
 * (`recordTrainingTime`), since it is not known before.
 */
export async function requireTrainingTime(scope: TenantScope, now: Date): Promise<void> {
  await scope.usage.lockLimit("ml_training_hours");
  const max = scope.tenant.limits.ml_training_hours;
  // A month used to the second has no time left either.
  if ((await scope.usage.totals(monthStart(now))).ml_training_seconds >= max * 3600) throw new LimitExceededError("ml_training_hours", max);
}

/**
 * `ml_training_hours`: counts `seconds` of a training that ran (its measured duration), never
 * refused: the time was spent. `requireTrainingTime` before the start is what keeps the month
 * within the limit (a month can end over it by the trainings that were running when it ran out).
 */
export async function recordTrainingTime(scope: TenantScope, seconds: number, now: Date): Promise<void> {
  if (!(seconds > 0)) return;
  await scope.usage.add(now.toISOString().slice(0, 10), { ml_training_seconds: seconds });
}

/** `ml_training_hours` (per calendar month, UTC): counts `seconds` more of model training. */
export async function chargeTrainingTime(scope: TenantScope, seconds: number, now: Date): Promise<void> {
  if (!(seconds > 0)) return;
  await enforcePlanLimit(scope, "ml_training_hours", async () => (await scope.usage.totals(monthStart(now))).ml_training_seconds, seconds, 3600);
  await scope.usage.add(now.toISOString().slice(0, 10), { ml_training_seconds: seconds });
}
