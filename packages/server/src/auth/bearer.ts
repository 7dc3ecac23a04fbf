import { DEFAULT_TENANT_ID, UnauthenticatedError, type SessionClaims } from "@epca/core";
import type { TokenService } from "./tokens.js";

/** The bearer token of an `Authorization` header value, or `null`. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/** True when an `Authorization` header uses the Bearer scheme (another scheme, Basic say, is not ours). */
export function isBearer(header: string | undefined): boolean {
  return /^bearer(\s|$)/i.test(header ?? "");
}

/**
 * The claims of a request's access token, checked without any storage (signature, expiry, type,
 * and in single-tenant mode the `default` tenant): `UnauthenticatedError` (401) otherwise. Whether
 * the user is still active is for the unit of work to tell.
 */
export async function verifyAccessToken(header: string | undefined, tokens: TokenService, multiTenant: boolean): Promise<SessionClaims> {
  const token = bearerToken(header);
  if (token === null) throw new UnauthenticatedError("Not authenticated");
  const claims = await tokens.verify(token, "access");
  if (claims === null) throw new UnauthenticatedError("Could not validate credentials");
  if (!multiTenant && claims.tenantId !== DEFAULT_TENANT_ID) throw new UnauthenticatedError("Could not validate credentials");
  return { tenantId: claims.tenantId, userId: claims.userId, sessionId: claims.sessionId };
}
