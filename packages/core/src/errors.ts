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

/** Stable codes of every domain error; the server maps each to one HTTP status. */
export type EpcaErrorCode =
  | "not_found"
  | "forbidden"
  | "conflict"
  | "validation_failed"
  | "unauthenticated"
  | "limit_exceeded";

/** Base class of every error core throws; `code` is stable across versions. */
export abstract class EpcaError extends Error {
  abstract readonly code: EpcaErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A record does not exist, or exists only in another tenant (never told apart). */
export class NotFoundError extends EpcaError {
  readonly code = "not_found" as const;

  constructor(
    readonly resource: string,
    readonly id: number | string,
    options?: { cause?: unknown },
  ) {
    super(`${resource} ${id} not found`, options);
  }
}

/** The actor is known but may not do this. */
export class ForbiddenError extends EpcaError {
  readonly code = "forbidden" as const;

  constructor(message = "Insufficient privileges", options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The request contradicts stored state: a duplicate, a locked record, a record still in use. */
export class ConflictError extends EpcaError {
  readonly code = "conflict" as const;
}

/** The actor could not be identified (bad credentials, expired or revoked token). */
export class UnauthenticatedError extends EpcaError {
  readonly code = "unauthenticated" as const;

  constructor(message = "Could not validate credentials", options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A tenant plan limit would be exceeded (`max_users`, `max_projects`, …). */
export class LimitExceededError extends EpcaError {
  readonly code = "limit_exceeded" as const;

  constructor(
    readonly limit: string,
    readonly max: number,
    options?: { cause?: unknown },
  ) {
    super(`Plan limit reached: ${limit} (${max})`, options);
  }
}

/** The input breaks one or more rules; `issues` lists every violation, not only the first. */
export class ValidationError extends EpcaError {
  readonly code = "validation_failed" as const;

  constructor(
    readonly issues: readonly ValidationIssue[],
    options?: { cause?: unknown },
  ) {
    super(issues.map((i) => `${i.path.join(".") || "(input)"}: ${i.message}`).join("; ") || "Invalid input", options);
  }
}

/** True for any error defined by core. */
export function isEpcaError(error: unknown): error is EpcaError {
  return error instanceof EpcaError;
}
