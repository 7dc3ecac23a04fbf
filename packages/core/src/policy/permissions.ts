import type { PermissionScope } from "../schemas/role.js";

/** Stands for any resource or any action in a grant (seed-003: `{"resource": "*", "actions": ["*"]}`). */
export const WILDCARD = "*";

/**
 * The resources EPCA checks, in the words of the seed-003 permission model.
 * `analytics` is entity-level analytics (one department, employee or project); `company_analytics`
 * is the company figures and the top-performer / top-project rankings. `predictions` is the
 * forecasts of spec 000 (`/predict/…`); `ml` is the ML pipeline of spec 003 (`/ml/…`: its models,
 * training jobs and allocation predictions), with that document's actions `read`, `predict`,
 * `train` and `deploy`.
 */
export const RESOURCES = [
  "departments",
  "employees",
  "projects",
  "timesheets",
  "allocations",
  "users",
  "roles",
  "analytics",
  "company_analytics",
  "reports",
  "uploads",
  "predictions",
  "audit_logs",
  "jobs",
  "ml",
] as const;

/** One of the resources EPCA checks. */
export type KnownResource = (typeof RESOURCES)[number];

/** A resource of a grant or a check: a known one, the wildcard, or any name a custom role uses. */
export type Resource = KnownResource | typeof WILDCARD | (string & {});

/**
 * The actions EPCA checks. `approve` covers approving and rejecting a timesheet; `manage` is what
 * only an administrator does beyond plain CRUD, e.g. on `users`: changing anyone's `role`,
 * `is_active`, `department_id` or `employee_id` (and assigning custom roles). `predict` and
 * `deploy` are spec 003's actions on `ml`: predict with the deployed model (and report its
 * outcome), deploy a model version.
 */
export const ACTIONS = ["read", "create", "update", "delete", "submit", "approve", "train", "manage", "predict", "deploy"] as const;

/** One of the actions EPCA checks. */
export type KnownAction = (typeof ACTIONS)[number];

/** An action of a grant or a check: a known one, the wildcard, or any name a custom role uses. */
export type Action = KnownAction | typeof WILDCARD | (string & {});

/**
 * Other spellings of an action, and the action they mean. Seed-003 writes `create` as `write`
 * (its default roles grant `["read", "write", "update"]`), and a reviewer's reject is the same
 * permission as approve. Both sides of a check are read through this table, so a granted `write`
 * grants `create` and a check for `reject` asks for `approve`.
 */
export const ACTION_SYNONYMS: Readonly<Record<string, KnownAction>> = Object.freeze({
  write: "create",
  reject: "approve",
});

/**
 * Other spellings of a resource. Seed-003's default `user` role grants `{"resource": "self"}`:
 * the user's own record, i.e. `users` with scope `own`.
 */
export const SELF_RESOURCE = "self";

/** A permission as the policy reads it (a `Permission` of `schemas/role.ts`, or a frozen built-in one). */
export interface ReadonlyPermission {
  readonly resource: string;
  readonly actions: readonly string[];
  readonly scope?: PermissionScope | undefined;
}

/** The action a spelling means (`write` → `create`, `reject` → `approve`, anything else unchanged). */
export function canonicalAction(action: string): string {
  return (Object.hasOwn(ACTION_SYNONYMS, action) && ACTION_SYNONYMS[action]) || action;
}

/** A grant as the policy reads it: `self` becomes `users` with scope `own`; a missing scope is `all`. */
export function normalizePermission(permission: ReadonlyPermission): ReadonlyPermission & { readonly scope: PermissionScope } {
  if (permission.resource === SELF_RESOURCE) {
    return { resource: "users", actions: permission.actions, scope: "own" };
  }
  return { resource: permission.resource, actions: permission.actions, scope: permission.scope ?? "all" };
}

/** True when a grant's resource covers the resource asked for (equal, or the grant says `*`). */
export function grantsResource(granted: string, requested: string): boolean {
  return granted === WILDCARD || granted === requested;
}

/** True when a grant's action covers the action asked for (equal up to synonyms, or the grant says `*`). */
export function grantsAction(granted: string, requested: string): boolean {
  return granted === WILDCARD || canonicalAction(granted) === canonicalAction(requested);
}
