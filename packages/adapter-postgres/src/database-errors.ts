import type { SqlExecutor } from "./sql-executor.js";
import { ConflictError, NotFoundError, ValidationError } from "@epca/core";

/** The fields of a PostgreSQL error both drivers expose. */
interface PostgresError {
  code?: string;
  constraint?: string;
  detail?: string;
  table?: string;
}

function isPostgresError(error: unknown): error is Error & PostgresError {
  return error instanceof Error && typeof (error as PostgresError).code === "string";
}

/** Messages for the unique constraints, naming the field that collided. */
const UNIQUE_MESSAGES: Record<string, string> = {
  tenants_pkey: "A tenant with this id already exists",
  tenants_subdomain_key: "A tenant with this subdomain already exists",
  departments_tenant_name_key: "A department with this name already exists",
  employees_tenant_email_key: "An employee with this email already exists",
  users_tenant_email_key: "A user with this email already exists",
  roles_tenant_name_key: "A role with this name already exists",
  refresh_tokens_tenant_hash_key: "A refresh token with this hash already exists",
};

/** The resource each foreign key points at and the column holding its id, for NotFoundError. */
const FOREIGN_KEY_TARGETS: Record<string, { resource: string; column: string }> = {
  employees_department_fkey: { resource: "department", column: "department_id" },
  projects_department_fkey: { resource: "department", column: "department_id" },
  users_department_fkey: { resource: "department", column: "department_id" },
  users_employee_fkey: { resource: "employee", column: "employee_id" },
  timesheets_employee_fkey: { resource: "employee", column: "employee_id" },
  timesheets_project_fkey: { resource: "project", column: "project_id" },
  allocations_employee_fkey: { resource: "employee", column: "employee_id" },
  allocations_project_fkey: { resource: "project", column: "project_id" },
  user_roles_user_fkey: { resource: "user", column: "user_id" },
  user_roles_role_fkey: { resource: "role", column: "role_id" },
  refresh_tokens_user_fkey: { resource: "user", column: "user_id" },
};

/**
 * The referenced id: from the values written when known (row-level security makes PostgreSQL
 * leave the key out of the error detail), else from a `Key (a, b)=(x, y)` detail.
 */
function referencedId(column: string, values: Record<string, unknown> | undefined, detail: string | undefined): number | string {
  const given = values?.[column];
  if (typeof given === "number" || typeof given === "string") return given;
  const last = detail?.match(/\)=\((.*)\)/)?.[1]?.split(",").pop()?.trim();
  if (last === undefined) return "unknown";
  const asNumber = Number(last);
  return Number.isSafeInteger(asNumber) ? asNumber : last;
}

/**
 * Translates constraint violations into core's domain errors (keeping the database error as
 * `cause`); every other error is returned unchanged.
 */
export function translateDatabaseError(error: unknown, values?: Record<string, unknown>): unknown {
  if (!isPostgresError(error)) return error;
  const constraint = error.constraint ?? "";
  switch (error.code) {
    case "23505":
      return new ConflictError(UNIQUE_MESSAGES[constraint] ?? `Duplicate value (${constraint || "unique constraint"})`, {
        cause: error,
      });
    case "23503": {
      // "is still referenced": a delete or key change of a row others point at.
      if (error.detail?.includes("still referenced")) {
        return new ConflictError(`The record is still referenced by ${error.table ?? "other records"}`, { cause: error });
      }
      const target = FOREIGN_KEY_TARGETS[constraint];
      if (target) return new NotFoundError(target.resource, referencedId(target.column, values, error.detail), { cause: error });
      return error;
    }
    case "23514": {
      const field = constraint.replace(/^[a-z_]+?_(?=[a-z_]+_check$)/, "").replace(/_check$/, "");
      return new ValidationError(
        [{ path: [field], message: `violates the rule ${constraint}`, code: "check_violation" }],
        { cause: error },
      );
    }
    default:
      return error;
  }
}

/** Runs a statement-level operation outside a transaction, translating constraint violations. */
export async function translated<T>(operation: () => Promise<T>, values?: Record<string, unknown>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw translateDatabaseError(error, values);
  }
}

/**
 * Runs statements that may fail on their input (a constraint violation, a malformed date) inside a
 * savepoint: on failure the transaction is rolled back to it and stays usable (as with the memory
 * adapter, where a caught error undoes nothing else), and the error is translated. Locks taken
 * inside are kept once the savepoint is released.
 */
export async function inSavepoint<T>(sql: SqlExecutor, operation: () => Promise<T>, values?: Record<string, unknown>): Promise<T> {
  await sql.query("SAVEPOINT epca_guard");
  let result: T;
  try {
    result = await operation();
  } catch (error) {
    try {
      await sql.query("ROLLBACK TO SAVEPOINT epca_guard");
      await sql.query("RELEASE SAVEPOINT epca_guard");
    } catch {
      // The connection itself failed: the original error says more than this one.
    }
    throw translateDatabaseError(error, values);
  }
  await sql.query("RELEASE SAVEPOINT epca_guard");
  return result;
}

/** A write that may violate a constraint, in a savepoint (see `inSavepoint`). */
export const guardedWrite = inSavepoint;

/** A read whose parameters are cast from caller strings (dates, instants), in a savepoint (see `inSavepoint`). */
export const guardedRead = inSavepoint;
