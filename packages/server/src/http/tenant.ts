import { DEFAULT_TENANT_ID, ForbiddenError, tenantIdSchema } from "@epca/core";
import type { Request, RequestHandler } from "express";
import { HttpError } from "./errors.js";
import type { ApiServices } from "./services.js";

/**
 * The tenant of a request made before login (login, register, refresh): `default` when
 * single-tenant; otherwise the `X-Tenant-ID` header (a tenant id or subdomain), else the first
 * label of the host name. An unknown tenant is a 404 whose detail names it; a suspended tenant is
 * refused (403) before anything else happens.
 */
export async function tenantOfRequest(req: Request, services: ApiServices): Promise<string> {
  if (!services.config.MULTI_TENANT) return DEFAULT_TENANT_ID;
  const header = req.get("x-tenant-id")?.trim();
  const candidate = header || (req.hostname ?? "").split(".")[0] || "";
  const unknown = () =>
    new HttpError(
      404,
      header
        ? `Unknown tenant "${candidate.slice(0, 63)}" (X-Tenant-ID): expected a tenant id or subdomain`
        : `Unknown tenant "${candidate.slice(0, 63)}" (from the host name): send X-Tenant-ID with a tenant id or subdomain`,
    );
  // Every subdomain (a DNS label) is also a well-formed tenant id: a value that is not one names no
  // tenant and costs no lookup. The subdomain is only looked up when the id matched nothing.
  if (!tenantIdSchema.safeParse(candidate).success) throw unknown();
  const tenant =
    (await services.store.tenants.findById(candidate)) ?? (await services.store.tenants.findBySubdomain(candidate.toLowerCase()));
  if (!tenant) throw unknown();
  if (!tenant.is_active) throw new ForbiddenError("Tenant is suspended");
  return tenant.id;
}

/**
 * Checks a token's tenant against the request: with `MULTI_TENANT`, an `X-Tenant-ID` naming
 * another tenant is a 403; a suspended tenant is a 403.
 */
export async function checkTokenTenant(req: Request, services: ApiServices, tokenTenantId: string): Promise<void> {
  if (!services.config.MULTI_TENANT) return;
  const header = req.get("x-tenant-id")?.trim();
  const tenant = await services.store.tenants.findById(tokenTenantId);
  if (!tenant) throw new ForbiddenError("Tenant not available");
  if (header && header !== tenant.id && header.toLowerCase() !== tenant.subdomain) {
    throw new ForbiddenError("Token does not belong to this tenant");
  }
  if (!tenant.is_active) throw new ForbiddenError("Tenant is suspended");
}

/**
 * Middleware resolving the tenant of a request made before login (`tenantOfRequest`) into
 * `res.locals.tenantId`, for what runs after it (the per-account login limit, the handler).
 */
export function resolveTenant(services: ApiServices): RequestHandler {
  return async (req, res, next) => {
    try {
      res.locals.tenantId = await tenantOfRequest(req, services);
      next();
    } catch (error) {
      next(error);
    }
  };
}
