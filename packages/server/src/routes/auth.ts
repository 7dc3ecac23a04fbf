import { ForbiddenError, UnauthenticatedError } from "@epca/core";
import type { RouteTable } from "../http/define-route.js";
import { ok } from "../http/replies.js";
import { credentialRateLimits } from "../http/rate-limits.js";
import { requestMetadata } from "../http/services.js";
import { checkTokenTenant, resolveTenant, tenantOfRequest } from "../http/tenant.js";
import { endSession, rotateSession, startSession } from "../auth/sessions.js";
import { loginSchema, messageSchema, refreshSchema, registerSchema, schemas, tokenSchema } from "../openapi/schemas.js";

const tags = ["auth"];
const WRONG_CREDENTIALS = "Incorrect email or password";

/** `/auth`: spec 000 section 4, "Authentication Endpoints", with contract section 3. */
export function authRoutes(api: RouteTable): void {
  const limits = credentialRateLimits(api.services.config, api.services.rateLimitStores);

  api.define(
    {
      method: "post",
      path: "/auth/login",
      summary: "User login with credentials",
      description: "OAuth2 password flow: form-encoded `username` (the email) and `password`; JSON with the same fields is accepted too.",
      tags,
      auth: "none",
      before: limits.login,
      // The tenant is resolved before the per-account limit, which counts per resolved tenant.
      afterBody: [resolveTenant(api.services), ...limits.perAccount],
      request: { body: loginSchema, form: true },
      responses: {
        200: { description: "Access and refresh tokens", schema: tokenSchema },
        401: { description: WRONG_CREDENTIALS },
        429: { description: "Too many attempts" },
      },
    },
    async ({ services, body, res }) => {
      res.set("Cache-Control", "no-store");
      const tenantId = String(res.locals.tenantId);
      const user = await services.epca.users.authenticate(tenantId, body.username.trim().toLowerCase(), body.password);
      if (user === null) throw new UnauthenticatedError(WRONG_CREDENTIALS);
      return ok(await startSession(services, tenantId, user.id));
    },
  );

  api.define(
    {
      method: "post",
      path: "/auth/refresh",
      summary: "Refresh access token",
      description: "Rotates the refresh token: the presented one stops working. Presenting a used one again revokes the whole session.",
      tags,
      auth: "none",
      before: limits.refresh,
      request: { body: refreshSchema },
      responses: { 200: { description: "A new token pair", schema: tokenSchema }, 401: { description: "Invalid, expired, revoked or reused refresh token" } },
    },
    async ({ services, body, req, res }) => {
      res.set("Cache-Control", "no-store");
      return ok(await rotateSession(services, body.refresh_token, (tenantId) => checkTokenTenant(req, services, tenantId)));
    },
  );

  api.define(
    {
      method: "post",
      path: "/auth/logout",
      summary: "Log out",
      description: "Revokes the refresh-token family of the caller's session (and of `refresh_token`, when sent).",
      tags,
      request: { body: refreshSchema.partial().optional() },
      responses: { 200: { description: "Logged out", schema: messageSchema } },
    },
    async ({ services, actor, res, body }) => {
      await endSession(services, actor.tenantId, String(res.locals.sessionId));
      if (body?.refresh_token) {
        const claims = await services.tokens.verify(body.refresh_token, "refresh");
        if (claims && claims.userId === actor.userId && claims.tenantId === actor.tenantId) {
          await endSession(services, actor.tenantId, claims.sessionId);
        }
      }
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
    async ({ services, actor }) => ok(await services.epca.users.get(actor, actor.userId as number)),
  );

  api.define(
    {
      method: "post",
      path: "/auth/register",
      summary: "Register new user",
      description:
        "Open while `REGISTRATION_ENABLED` is true. Anonymous registration creates `read_only` users only (another role: 403); an admin's token may register any role.",
      tags,
      auth: "optional",
      before: limits.register,
      request: { body: registerSchema },
      responses: { 201: { description: "The created user", schema: schemas.User, headers: ["Location"] } },
    },
    async ({ services, body, req, res, optionalActor }) => {
      res.set("Cache-Control", "no-store");
      if (!services.config.REGISTRATION_ENABLED && optionalActor?.role !== "admin") {
        throw new ForbiddenError("Registration is disabled");
      }
      const tenantId = optionalActor?.tenantId ?? (await tenantOfRequest(req, services));
      const user = await services.epca.users.register(tenantId, body, optionalActor, requestMetadata(req));
      return { status: 201, body: user, headers: { Location: `${req.baseUrl}${api.basePath}/users/${user.id}` } };
    },
  );
}
