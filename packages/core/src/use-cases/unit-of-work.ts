import type { Actor } from "../policy/actor.js";
import type { Clock } from "../ports/clock.js";
import type { PasswordHasher } from "../ports/password-hasher.js";
import type { JobQueue } from "../ports/jobs.js";
import type { SessionTokenService } from "../ports/session-tokens.js";
import type { EpcaStore, TenantScope, TransactionOptions } from "../ports/store.js";
import type { TenantId } from "../schemas/common.js";
import { ForbiddenError } from "../errors.js";
import type { UsageMeter } from "./usage-meter.js";

/**
 * Runs work in a unit of work of one tenant: a transaction of its own, or (inside
 * `epca.actingAs`) the one the caller already holds.
 */
export type UnitRunner = <T>(tenantId: TenantId, work: (scope: TenantScope) => Promise<T>, options?: TransactionOptions) => Promise<T>;

/** What every use case runs on, with the defaults filled in. */
export interface UseCaseContext {
  readonly store: EpcaStore;
  /** Where each use case's unit of work comes from. */
  readonly run: UnitRunner;
  readonly clock: Clock;
  /** `null` when the host said it keeps no passwords. */
  readonly passwordHasher: PasswordHasher | null;
  /** Signs session tokens; `null` when the host does not run sessions (logins then refuse). */
  readonly sessionTokens: SessionTokenService | null;
  readonly standardAnnualHours: number;
  /** Whether anonymous `register` is open. */
  readonly selfRegistration: boolean;
  /** The background job queue, when the host gave one. */
  readonly jobs: JobQueue | null;
  /** The refresh-token reuse grace window in seconds (0: none). */
  readonly refreshReuseGraceSeconds: number;
  /** Emails (lower case) of the default tenant's admins who are platform administrators. */
  readonly platformAdmins: ReadonlySet<string>;
  /** Daily usage counted in memory, written in batches. */
  readonly usage: UsageMeter;
}

/** The context's store transactions: one new unit of work per use case call. */
export function transactionRunner(store: EpcaStore): UnitRunner {
  return (tenantId, work, options) => (options ? store.transaction(tenantId, work, options) : store.transaction(tenantId, work));
}

/**
 * Every use case call joins `scope` (an open unit of work) instead of starting its own: what
 * `actingAs` hands its work. A call for another tenant is refused.
 */
export function joinedRunner(scope: TenantScope): UnitRunner {
  return (tenantId, work) =>
    tenantId === scope.tenantId ? work(scope) : Promise.reject(new ForbiddenError("This unit of work belongs to another tenant"));
}

/** Runs `work` in the actor's tenant. */
export function inTenant<T>(ctx: UseCaseContext, actor: Actor, work: (scope: TenantScope) => Promise<T>): Promise<T> {
  return ctx.run(actor.tenantId, work);
}
