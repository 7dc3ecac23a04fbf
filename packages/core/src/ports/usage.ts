import type { TenantLimits } from "../schemas/tenant.js";

/** The daily usage counters a tenant accumulates (increments; storage may go down). */
export type UsageCounter = "api_calls" | "predictions" | "storage_bytes" | "ml_training_seconds";

/** Every usage counter, in the order reports list them. */
export const USAGE_COUNTERS: readonly UsageCounter[] = ["api_calls", "predictions", "storage_bytes", "ml_training_seconds"];

/** One day of a tenant's usage: the counters' increments of that day and its distinct active users. */
export interface UsageDay {
  /** `YYYY-MM-DD` (UTC). */
  readonly date: string;
  readonly api_calls: number;
  readonly predictions: number;
  /** Distinct users that made an authenticated request that day. */
  readonly active_users: number;
  /** Bytes stored (report files, model artifacts) minus bytes deleted that day. */
  readonly storage_bytes: number;
  readonly ml_training_seconds: number;
}

/**
 * Plan-limit locks and daily usage of the unit of work's tenant. Usage rows are written in
 * batches (see `createUsageMeter`), never one per request.
 */
export interface TenantUsageStore {
  /**
   * Serializes the checks of one plan limit of this tenant: MUST block a concurrent unit of work
   * calling it with the same `limit` until this one ends, so that a count read after it and the
   * write it guards cannot be overtaken (20 parallel creates at a limit of 5 store exactly 5).
   */
  lockLimit(limit: keyof TenantLimits): Promise<void>;
  /** Adds the increments to the day's counters and records the users as active that day. */
  add(date: string, increments: Partial<Readonly<Record<UsageCounter, number>>>, activeUserIds?: readonly number[]): Promise<void>;
  /** The days in `[from, to]` that have usage, ascending. */
  days(from: string, to: string): Promise<UsageDay[]>;
  /** Each counter summed over the days from `since` (inclusive; every day when left out). */
  totals(since?: string): Promise<Record<UsageCounter, number>>;
}
