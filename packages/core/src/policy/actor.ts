import type { TenantId } from "../schemas/common.js";
import type { Permission } from "../schemas/role.js";
import type { BuiltInRoleName } from "../schemas/user.js";

/** Who asks, for which tenant, and where the request came from (for the audit log). */
export interface Actor {
  /** The acting user; `null` for the system itself (seeding, migrations, imports run by an operator). */
  readonly userId: number | null;
  readonly tenantId: TenantId;
  /** The built-in role of the user. */
  readonly role: BuiltInRoleName;
  /** The user's department: a department head's scope. */
  readonly departmentId: number | null;
  /** The employee record of the user: what "own timesheets" means. */
  readonly employeeId: number | null;
  /** Custom roles granted on top of `role`: the actor may do what any of them allows. */
  readonly customRoles?: ReadonlyArray<{ readonly name: string; readonly permissions: readonly Permission[] }>;
  /** Platform administrators manage tenants. */
  readonly isPlatformAdmin?: boolean;
  /** Request metadata copied into audit entries. */
  readonly request?: RequestMetadata;
}

/** Where a request came from. */
export interface RequestMetadata {
  readonly id?: string | null;
  readonly ip?: string | null;
  readonly userAgent?: string | null;
}

/** An admin-equivalent actor for work the operator runs (seeding, imports from the command line). */
export function systemActor(tenantId: TenantId, request?: RequestMetadata): Actor {
  return {
    userId: null,
    tenantId,
    role: "admin",
    departmentId: null,
    employeeId: null,
    ...(request ? { request } : {}),
  };
}
