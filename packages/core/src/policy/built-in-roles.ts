import type { Permission, PermissionScope } from "../schemas/role.js";
import { builtInRoleNameSchema, type BuiltInRoleName } from "../schemas/user.js";
import type { KnownAction, KnownResource, ReadonlyPermission } from "./permissions.js";

/** A frozen grant; built-in roles are constants nobody may alter at run time. */
function grant(resource: KnownResource | "*", actions: readonly (KnownAction | "*")[], scope?: PermissionScope): ReadonlyPermission {
  return Object.freeze({ resource, actions: Object.freeze([...actions]), ...(scope ? { scope } : {}) });
}

/** What every authenticated user may do to their own records, whatever their role. */
const SELF_SERVICE: readonly ReadonlyPermission[] = [
  // "Owner" of the timesheet tables: the user whose employee record the timesheet belongs to.
  grant("timesheets", ["create", "update", "delete", "submit"], "own"),
  // "Self" of the user tables: read and edit their own user (not role/is_active/…: that is `manage`).
  grant("users", ["read", "update"], "own"),
  // Background jobs they asked for (a report, an import): follow them and cancel them.
  grant("jobs", ["read", "update"], "own"),
];

/** The reads every documented role has ("All authenticated" rows of the endpoint tables). */
const COMMON_READS: readonly ReadonlyPermission[] = [
  grant("departments", ["read"]),
  grant("employees", ["read"]),
  grant("projects", ["read"]),
  grant("timesheets", ["read"]),
  grant("allocations", ["read"]),
  grant("analytics", ["read"]),
];

/**
 * The four documented roles as seed-003 permission lists, derived from the endpoint tables of
 * spec 000 section 4 and the scope rules of the API contract section 4. Frozen, deeply.
 */
export const BUILT_IN_ROLES: Readonly<Record<BuiltInRoleName, readonly ReadonlyPermission[]>> = Object.freeze({
  admin: Object.freeze([grant("*", ["*"])]),
  department_head: Object.freeze([
    ...COMMON_READS,
    grant("departments", ["create"]),
    grant("departments", ["update"], "department"),
    grant("employees", ["create", "update"], "department"),
    grant("projects", ["create", "update"], "department"),
    grant("timesheets", ["create", "update", "delete", "submit", "approve"], "department"),
    grant("allocations", ["create", "update", "delete"], "department"),
    grant("uploads", ["create"]),
    ...SELF_SERVICE,
  ]),
  analyst: Object.freeze([
    ...COMMON_READS,
    grant("company_analytics", ["read"]),
    grant("reports", ["read"]),
    grant("predictions", ["read"]),
    // Spec 003's ML pipeline: read models, metrics and training jobs, and predict; training and
    // deploying stay with admins (spec 003's `admin`: `*` on `*`).
    grant("ml", ["read", "predict"]),
    ...SELF_SERVICE,
  ]),
  read_only: Object.freeze([...COMMON_READS, ...SELF_SERVICE]),
});

/** One-line descriptions of the built-in roles, as `GET /roles` lists them. */
export const BUILT_IN_ROLE_DESCRIPTIONS: Readonly<Record<BuiltInRoleName, string>> = Object.freeze({
  admin: "Full system access",
  department_head: "Reads everything a read-only user reads; manages the employees, projects, timesheets and allocations of their department",
  analyst: "Reads all data, company analytics, reports and predictions; predicts with the deployed ML models",
  read_only: "Reads departments, employees, projects, timesheets, allocations and their analytics; edits own timesheets and user",
});

/** A built-in role as `GET /roles` shows it (the store adds `id` and timestamps). */
export interface BuiltInRole {
  readonly name: BuiltInRoleName;
  readonly description: string;
  readonly permissions: Permission[];
  readonly is_system: true;
}

/** The four built-in roles, in documented order, as fresh copies a caller may serialize or alter. */
export function builtInRoles(): BuiltInRole[] {
  return builtInRoleNameSchema.options.map((name) => ({
    name,
    description: BUILT_IN_ROLE_DESCRIPTIONS[name],
    permissions: BUILT_IN_ROLES[name].map((p) => ({
      resource: p.resource,
      actions: [...p.actions],
      ...(p.scope ? { scope: p.scope } : {}),
    })),
    is_system: true,
  }));
}

/** True for the names of the four built-in roles (a custom role may not take one). */
export function isBuiltInRoleName(name: string): name is BuiltInRoleName {
  return Object.hasOwn(BUILT_IN_ROLES, name);
}
