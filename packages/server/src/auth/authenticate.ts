import { DEFAULT_TENANT_ID, UnauthenticatedError, type Actor } from "@epca/core";
import type { Request, Response } from "express";
import { requestMetadata, type ApiServices } from "../http/services.js";
import { checkTokenTenant } from "../http/tenant.js";

/** The bearer token of a request, or `null`. */
export function bearerToken(req: Request): string | null {
  const header = req.get("authorization");
  if (!header) return null;
  const match = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

/**
 * Who the request acts as: a valid access token of an active user. Throws
 * `UnauthenticatedError` (401) otherwise. Authenticated answers are never cached.
 */
export async function authenticate(req: Request, res: Response, services: ApiServices): Promise<Actor> {
  const token = bearerToken(req);
  if (token === null) throw new UnauthenticatedError("Not authenticated");
  const claims = await services.tokens.verify(token, "access");
  if (claims === null) throw new UnauthenticatedError("Could not validate credentials");
  if (!services.config.MULTI_TENANT && claims.tenantId !== DEFAULT_TENANT_ID) {
    throw new UnauthenticatedError("Could not validate credentials");
  }
  await checkTokenTenant(req, services, claims.tenantId);
  const actor = await services.epca.users.actorFor(claims.tenantId, claims.userId, requestMetadata(req));
  if (actor === null) throw new UnauthenticatedError("Inactive or unknown user");
  res.locals.actor = actor;
  res.locals.sessionId = claims.sessionId;
  res.set("Cache-Control", "no-store");
  return actor;
}
