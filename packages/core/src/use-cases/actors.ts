import { ForbiddenError, TenantSuspendedError, UnauthenticatedError } from "../errors.js";
import type { Actor, RequestMetadata } from "../policy/actor.js";
import type { TenantScope } from "../ports/store.js";
import type { UserRecord } from "../schemas/user.js";
import { DEFAULT_TENANT_ID } from "../schemas/common.js";

/** Who a request says it is, once its token was verified: the unit of work looks the user up. */
export interface Credentials {
  readonly tenantId: string;
  readonly userId: number;
  /** The session (refresh-token family) the token belongs to. */
  readonly sessionId?: string;
  /** A tenant the request names besides its token (`X-Tenant-ID`): it must be the token's (id or subdomain). */
  readonly tenantHint?: string | null;
  readonly request?: RequestMetadata;
}

/**
 * The actor a stored user acts as, with their custom roles read in the same unit of work. An
 * admin of the default tenant whose email is one of `platformAdmins` is a platform administrator.
 */
export async function actorOfUser(scope: TenantScope, user: UserRecord, request?: RequestMetadata, platformAdmins?: ReadonlySet<string>): Promise<Actor> {
  const customRoles = user.role_ids.length > 0 ? await scope.roles.findByIds(user.role_ids) : [];
  const isPlatformAdmin = scope.tenantId === DEFAULT_TENANT_ID && user.role === "admin" && (platformAdmins?.has(user.email.toLowerCase()) ?? false);
  return {
    ...(isPlatformAdmin ? { isPlatformAdmin } : {}),
    userId: user.id,
    tenantId: scope.tenantId,
    role: user.role,
    departmentId: user.department_id,
    employeeId: user.employee_id,
    ...(customRoles.length > 0 ? { customRoles: customRoles.map((role) => ({ name: role.name, permissions: role.permissions })) } : {}),
    ...(request ? { request } : {}),
  };
}

/**
 * Refuses a unit of work whose tenant is suspended, or that a request names differently
 * (`tenantHint` neither the tenant's id nor its subdomain): 403 either way.
 */
export function checkTenantOf(scope: TenantScope, tenantHint: string | null | undefined): void {
  const { tenant } = scope;
  if (tenantHint && tenantHint !== tenant.id && tenantHint.toLowerCase() !== tenant.subdomain) {
    throw new ForbiddenError("Token does not belong to this tenant");
  }
  if (!tenant.is_active) throw new TenantSuspendedError(tenant.id);
}

/**
 * The actor of verified credentials, in the unit of work: an active user of an active tenant, and
 * when the credentials name a session, a session that has not ended. Logout, logout of every
 * session, a password change and a deactivation revoke the sessions' refresh-token families, so
 * the access tokens already issued to them stop working at once rather than at their expiry.
 */
export async function resolveActor(scope: TenantScope, credentials: Credentials, platformAdmins?: ReadonlySet<string>): Promise<Actor> {
  checkTenantOf(scope, credentials.tenantHint);
  // One read: the user, and the session's liveness with it (one round trip on PostgreSQL).
  const found =
    credentials.sessionId === undefined
      ? await scope.users.findById(credentials.userId).then((user) => user && { user, sessionActive: true })
      : await scope.users.findWithSession(credentials.userId, credentials.sessionId);
  const user = found?.user;
  if (!user || !user.is_active) throw new UnauthenticatedError("Inactive or unknown user");
  if (!found.sessionActive) throw new UnauthenticatedError("The session has ended; log in again");
  return actorOfUser(scope, user, credentials.request, platformAdmins);
}
