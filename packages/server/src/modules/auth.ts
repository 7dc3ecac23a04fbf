import { DEFAULT_TENANT_ID, type Epca, type TenantId } from "@epca/core";
import type { Request, RequestHandler } from "express";
import type { ServerModule } from "../http/module.js";
import { ok } from "../http/replies.js";
import { credentialRateLimits } from "../http/rate-limits.js";
import { requestMetadata } from "../http/request-metadata.js";
import type { RouteTable } from "../http/route-table.js";
import { loginSchema, messageSchema, refreshSchema, registerSchema, schemas, tokenSchema } from "./schemas.js";

const tags = ["auth"];

/**
 * The tenant of a request made before login (login, register, refresh): `default` when
 * single-tenant; otherwise the `X-Tenant-ID` header (a tenant id or subdomain), else the first
 * label of the host name, resolved by core (unknown: 404 naming it; suspended: 403).
 */
function tenantOfRequest(req: Request, epca: Epca, multiTenant: boolean): Promise<TenantId> {
  if (!multiTenant) return Promise.resolve(DEFAULT_TENANT_ID);
  const header = req.get("x-tenant-id")?.trim();
  return header
    ? epca.tenants.resolve({ value: header, source: "X-Tenant-ID" })
    : epca.tenants.resolve({ value: (req.hostname ?? "").split(".")[0] ?? "", source: "from the host name" });
}

/** `/auth`: spec 000 section 4, "Authentication Endpoints", with contract section 3. */
function routes(api: RouteTable): void {
  const limits = credentialRateLimits(api.config, api.rateLimitStores);
  const multiTenant = api.config.MULTI_TENANT;
  // The tenant is resolved before the per-account limit, which counts per resolved tenant.
  const resolveTenant: RequestHandler = async (req, res, next) => {
    try {
      res.locals.tenantId = await tenantOfRequest(req, api.epca, multiTenant);
      next();
    } catch (error) {
      next(error);
    }
  };

  api.define(
    {
      method: "post",
      path: "/auth/login",
      summary: "User login with credentials",
      errors: { 403: "The tenant is suspended (multi-tenant)", 404: "Unknown tenant (multi-tenant: `X-Tenant-ID` or the host name)" },
      description: "OAuth2 password flow: form-encoded `username` (the email) and `password`; JSON with the same fields is accepted too.",
      tags,
      auth: "none",
      before: limits.login,
      afterBody: [resolveTenant, ...limits.perAccount],
      request: { body: loginSchema, form: true },
      responses: {
        200: { description: "Access and refresh tokens", schema: tokenSchema },
        401: { description: "Incorrect email or password" },
        429: { description: "Too many attempts" },
      },
    },
    async ({ epca, body, req, res }) => {
      res.set("Cache-Control", "no-store");
      const tenantId = String(res.locals.tenantId);
      return ok(await epca.sessions.login(tenantId, { email: body.username, password: body.password }, requestMetadata(req)));
    },
  );

  api.define(
    {
      method: "post",
      path: "/auth/refresh",
      summary: "Refresh access token",
      errors: { 403: "The tenant is suspended (multi-tenant)" },
      description:
        "Rotates the refresh token: the presented one stops working. Presenting a used one again revokes the whole session, except once within `REFRESH_REUSE_GRACE_SECONDS` of its rotation (two tabs refreshing at once), which answers the same new pair. JSON, or the OAuth2 form (`grant_type=refresh_token&refresh_token=…`) the flow's `refreshUrl` promises.",
      tags,
      auth: "none",
      before: limits.refresh,
      request: { body: refreshSchema, form: true },
      responses: { 200: { description: "A new token pair", schema: tokenSchema }, 401: { description: "Invalid, expired, revoked or reused refresh token" } },
    },
    async ({ epca, body, req, res }) => {
      res.set("Cache-Control", "no-store");
      const tenantHint = multiTenant ? (req.get("x-tenant-id")?.trim() ?? null) : null;
      return ok(await epca.sessions.refresh(body.refresh_token, { tenantHint, request: requestMetadata(req) }));
    },
  );

  api.define(
    {
      method: "post",
      path: "/auth/logout",
      summary: "Log out",
      description:
        "Revokes the refresh-token family of the caller's session (and of `refresh_token`, when sent): their refresh tokens and the access tokens already issued to them stop working.",
      tags,
      request: { body: refreshSchema.partial().optional() },
      responses: { 200: { description: "Logged out", schema: messageSchema } },
    },
    async ({ epca, actor, sessionId, body }) => {
      await epca.sessions.logout(actor, String(sessionId), body?.refresh_token ? { refreshToken: body.refresh_token } : {});
      return ok({ detail: "Logged out" });
    },
  );

  api.define(
    {
      method: "get",
      path: "/auth/me",
      summary: "Get current user info",
      tags,
      responses: { 200: { description: "The authenticated user", schema: schemas.User } },
    },
    async ({ epca, actor }) => ok(await epca.users.get(actor, actor.userId as number)),
  );

  api.define(
    {
      method: "post",
      path: "/auth/register",
      summary: "Register new user",
      conflicts: "A user with this email already exists",
      errors: { 403: "A role other than `read_only` without an admin token, registration closed, or the tenant suspended", 404: "Unknown tenant (multi-tenant)" },
      description:
        "Open while `REGISTRATION_ENABLED` is true. Anonymous registration creates `read_only` users only (another role: 403); an admin's token may register any role.",
      tags,
      auth: "optional",
      before: limits.register,
      request: { body: registerSchema },
      responses: { 201: { description: "The created user", schema: schemas.User, headers: ["Location"] } },
    },
    async ({ epca, body, req, res, optionalActor }) => {
      res.set("Cache-Control", "no-store");
      const tenantId = optionalActor?.tenantId ?? (await tenantOfRequest(req, epca, multiTenant));
      const user = await epca.users.register(tenantId, body, optionalActor, requestMetadata(req));
      return { status: 201, body: user, headers: { Location: `${req.baseUrl}${api.basePath}/users/${user.id}` } };
    },
  );
}

/** The `auth` module: login, refresh, logout, the current user, registration. */
export const authModule: ServerModule = {
  name: "auth",
  tags: [{ name: "auth", description: "OAuth2 password login, rotating refresh tokens, logout and registration (contract section 3)." }],
  routes,
};
