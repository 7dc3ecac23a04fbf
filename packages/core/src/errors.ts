/** Where an issue sits in the input, e.g. `["hours_worked"]` or `[3, "salary"]`. */
export type IssuePath = ReadonlyArray<string | number>;

/** One problem with an input, reported with the field it belongs to. */
export interface ValidationIssue {
  /** The field, relative to the input that was validated. */
  readonly path: IssuePath;
  /** A sentence a person can act on. */
  readonly message: string;
  /** A stable machine-readable code, e.g. `too_big`, `future_date`, `daily_hours_exceeded`. */
  readonly code: string;
}

/**
 * The stable codes of the errors core defines. Other packages define their own codes (an adapter's
 * `transaction_rolled_back`, a module's `insufficient_history`): a code is any string, these are
 * core's.
 */
export type CoreErrorCode =
  | "not_found"
  | "unknown_tenant"
  | "forbidden"
  | "tenant_suspended"
  | "conflict"
  | "validation_failed"
  | "unauthenticated"
  | "plan_limit_reached"
  | "invalid_configuration"
  | "store_closed"
  | "scope_expired"
  | "nested_transaction"
  | "jobs_unavailable";

/** Any error code: core's, or one another package defines. */
export type EpcaErrorCode = CoreErrorCode | (string & {});

/**
 * Base class of every error EPCA's packages throw. `code` is stable across versions (callers and
 * the server's HTTP mapping switch on it, never on messages); `cause` keeps the underlying error,
 * and the stack trace is kept.
 */
export class EpcaError extends Error {
  constructor(
    readonly code: EpcaErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A record does not exist, or exists only in another tenant (never told apart). */
export class NotFoundError extends EpcaError {
  constructor(
    readonly resource: string,
    readonly id: number | string,
    options?: { cause?: unknown; code?: EpcaErrorCode; message?: string },
  ) {
    super(options?.code ?? "not_found", options?.message ?? `${resource} ${id} not found`, options);
  }
}

/** No tenant has this id or subdomain; the message says where the name came from. */
export class UnknownTenantError extends NotFoundError {
  constructor(
    readonly reference: string,
    /** Where the caller found the name, e.g. `X-Tenant-ID` or `the host name`. */
    readonly source: string,
    hint: string,
  ) {
    super("tenant", reference, { code: "unknown_tenant", message: `Unknown tenant "${reference.slice(0, 63)}" (${source}): ${hint}` });
  }
}

/** The actor is known but may not do this. */
export class ForbiddenError extends EpcaError {
  constructor(message = "Insufficient privileges", options?: { cause?: unknown; code?: EpcaErrorCode }) {
    super(options?.code ?? "forbidden", message, options);
  }
}

/** The tenant is suspended: every request of it, login included, is refused. */
export class TenantSuspendedError extends ForbiddenError {
  constructor(readonly tenantId: string) {
    super("Tenant is suspended", { code: "tenant_suspended" });
  }
}

/** The request contradicts stored state: a duplicate, a locked record, a record still in use. */
export class ConflictError extends EpcaError {
  constructor(message: string, options?: { cause?: unknown; code?: EpcaErrorCode }) {
    super(options?.code ?? "conflict", message, options);
  }
}

/** The actor could not be identified (bad credentials, expired or revoked token). */
export class UnauthenticatedError extends EpcaError {
  constructor(message = "Could not validate credentials", options?: { cause?: unknown }) {
    super("unauthenticated", message, options);
  }
}

/**
 * A write would take the tenant over a limit of its plan (`max_users`, `max_projects`,
 * `max_storage_gb`, `ml_training_hours`): code `plan_limit_reached`, answered 403; the message
 * names the limit and its value.
 */
export class LimitExceededError extends EpcaError {
  constructor(
    readonly limit: string,
    readonly max: number,
    options?: { cause?: unknown },
  ) {
    super("plan_limit_reached", `Plan limit reached: ${limit} is ${max} on this tenant's plan`, options);
  }
}

/** The input breaks one or more rules; `issues` lists every violation, not only the first. */
export class ValidationError extends EpcaError {
  constructor(
    readonly issues: readonly ValidationIssue[],
    options?: { cause?: unknown; code?: EpcaErrorCode },
  ) {
    super(
      options?.code ?? "validation_failed",
      issues.map((i) => `${i.path.join(".") || "(input)"}: ${i.message}`).join("; ") || "Invalid input",
      options,
    );
  }
}

/** A dependency or setting given to a factory cannot be used; `setting` names it. */
export class ConfigurationError extends EpcaError {
  constructor(
    readonly setting: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super("invalid_configuration", `Invalid configuration: ${setting}: ${message}`, options);
  }
}

/** The store was closed; nothing can run on it any more. */
export class StoreClosedError extends EpcaError {
  constructor(what = "store") {
    super("store_closed", `This ${what} is closed`);
  }
}

/** A scope (or its executor) was used after its unit of work settled. */
export class ScopeExpiredError extends EpcaError {
  constructor() {
    super("scope_expired", "This transaction has ended: the scope was used after its transaction settled (a TenantScope must not be used after its work settled)");
  }
}

/** `transaction()` was called inside a transaction of the same store, which would deadlock or escape it. */
export class NestedTransactionError extends EpcaError {
  constructor() {
    super(
      "nested_transaction",
      "store.transaction() was called inside another transaction of the same store; nested transactions are not supported: use the scope you were given",
    );
  }
}

/** True for any error EPCA's packages define. */
export function isEpcaError(error: unknown): error is EpcaError {
  return error instanceof EpcaError;
}
