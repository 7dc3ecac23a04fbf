import { ForbiddenError } from "../errors.js";
import type { PermissionScope } from "../schemas/role.js";
import type { Actor } from "./actor.js";
import { BUILT_IN_ROLES } from "./built-in-roles.js";
import { grantsAction, grantsResource, normalizePermission, type ReadonlyPermission } from "./permissions.js";

/**
 * The record a check is about, as far as scope needs it.
 * - `departmentIds`: the record's department(s): an employee's or project's department (old AND new
 *   when an update moves it), a department's own id, a timesheet's or allocation's employee's
 *   department. Scope `department` needs every entry to be the actor's department.
 * - `employeeId`: the employee the record belongs to (a timesheet's employee): scope `own`.
 * - `userId`: the user the record is (a user record): scope `own`.
 */
export interface PolicyTarget {
  readonly departmentIds?: readonly (number | null)[];
  readonly employeeId?: number | null;
  readonly userId?: number | null;
}

/**
 * Every grant the actor holds right now: their built-in role's, then their custom roles'.
 * Nothing is cached: a grant removed from `actor.customRoles` stops working on the next check.
 */
export function actorPermissions(actor: Actor): readonly ReadonlyPermission[] {
  // hasOwn: a role name read from storage is data, never a key into Object.prototype.
  const builtIn = Object.hasOwn(BUILT_IN_ROLES, actor.role) ? BUILT_IN_ROLES[actor.role] : [];
  const custom = actor.customRoles ?? [];
  if (custom.length === 0) return builtIn;
  return [...builtIn, ...custom.flatMap((role) => role.permissions)];
}

/** The scopes under which the actor's grants allow `action` on `resource` (empty: never). */
function matchingScopes(actor: Actor, action: string, resource: string): PermissionScope[] {
  const scopes: PermissionScope[] = [];
  for (const raw of actorPermissions(actor)) {
    const permission = normalizePermission(raw);
    if (!grantsResource(permission.resource, resource)) continue;
    if (!permission.actions.some((granted) => grantsAction(granted, action))) continue;
    scopes.push(permission.scope);
  }
  return scopes;
}

/** True when `scope` admits the target for this actor; without a target only `all` does. */
function scopeAdmits(scope: PermissionScope, actor: Actor, target: PolicyTarget | undefined): boolean {
  switch (scope) {
    case "all":
      return true;
    case "department": {
      const departmentIds = target?.departmentIds;
      const own = actor.departmentId;
      return (
        own !== null &&
        own !== undefined &&
        departmentIds !== undefined &&
        departmentIds.length > 0 &&
        departmentIds.every((id) => id === own)
      );
    }
    case "own":
      return (
        (target?.employeeId != null && target.employeeId === actor.employeeId) ||
        (target?.userId != null && target.userId === actor.userId)
      );
    default:
      // A scope read from storage that this version does not know grants nothing.
      return false;
  }
}

/**
 * May this actor do `action` on `resource` (on the record `target`, when given)?
 * The actor may do what any of their roles (built-in plus custom) allows. Without a target only
 * grants of scope `all` count.
 *
 * @example can(actor, "update", "employees", { departmentIds: [before.department_id, after.department_id] })
 */
export function can(actor: Actor, action: string, resource: string, target?: PolicyTarget): boolean {
  return matchingScopes(actor, action, resource).some((scope) => scopeAdmits(scope, actor, target));
}

/**
 * True when some grant of the actor, of any scope, allows `action` on `resource`: a route-level
 * gate that answers 403 early to roles that can never do it, before the record is loaded.
 */
export function canSomewhere(actor: Actor, action: string, resource: string): boolean {
  return matchingScopes(actor, action, resource).length > 0;
}

/**
 * The scopes under which the actor may do `action` on `resource`, each once (empty: never).
 * What a list call filters by: `all` means no filter; otherwise records of the actor's department
 * (`department`) or the actor's own records (`own`), whichever are listed.
 */
export function grantedScopes(actor: Actor, action: string, resource: string): PermissionScope[] {
  return [...new Set(matchingScopes(actor, action, resource))];
}

/** Like `can`, but throws `ForbiddenError` ("Insufficient privileges") when the answer is no. */
export function authorize(actor: Actor, action: string, resource: string, target?: PolicyTarget): void {
  if (!can(actor, action, resource, target)) throw new ForbiddenError("Insufficient privileges");
}

/** Refuses early (`ForbiddenError`) an action the actor's roles grant in no scope at all, before any record is read. */
export function authorizeSomewhere(actor: Actor, action: string, resource: string): void {
  if (!canSomewhere(actor, action, resource)) throw new ForbiddenError();
}
