import type { OpenAPIRegistry, RouteConfig } from "@asteasolutions/zod-to-openapi";
import { BUILT_IN_ROLES, ForbiddenError, canSomewhere, can, type Actor, type BuiltInRoleName } from "@epca/core";
import express, { type Request, type RequestHandler, type Response, type Router } from "express";
import type { z } from "zod";
import { authenticate } from "../auth/authenticate.js";
import { errorSchema } from "../openapi/schemas.js";
import { HttpError, RequestValidationError, zodIssuesToDetail, type IssueLocation } from "./errors.js";
import type { ApiServices } from "./services.js";

/** HTTP methods the API uses. */
export type RouteMethod = "get" | "post" | "put" | "patch" | "delete";

/**
 * The permission a route needs somewhere (any scope) before the request is even parsed; the use
 * case then checks the record itself. `everywhere: true` asks for an unscoped grant (admin-only
 * listings).
 */
export interface RoutePermission {
  readonly action: string;
  readonly resource: string;
  readonly everywhere?: boolean;
}

type Maybe<S> = S extends z.ZodType ? z.output<S> : undefined;

/** One documented endpoint: mounted on the router and registered in the OpenAPI document at once. */
export interface RouteDefinition<
  P extends z.ZodType | undefined,
  Q extends z.ZodType | undefined,
  B extends z.ZodType | undefined,
> {
  readonly method: RouteMethod;
  /** OpenAPI-style path under the API base, e.g. `/departments/{dept_id}` (a trailing `/` is optional on requests). */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  /** `required` (default): a valid access token; `optional`: used when sent; `none`: public. */
  readonly auth?: "required" | "optional" | "none";
  readonly permission?: RoutePermission;
  readonly request?: {
    readonly params?: P;
    readonly query?: Q;
    readonly body?: B;
    /** Also accept `application/x-www-form-urlencoded` bodies (OAuth2 password flow). */
    readonly form?: boolean;
  };
  /** Middleware run first (e.g. a stricter rate limit). */
  readonly before?: readonly RequestHandler[];
  /** Middleware run once the body is read, before it is validated (e.g. a per-account limit). */
  readonly afterBody?: readonly RequestHandler[];
  /** Success responses by status; errors (401/403/404/422) are documented automatically. */
  readonly responses: Readonly<Record<number, { readonly description: string; readonly schema?: z.ZodType; readonly headers?: readonly string[] }>>;
}

/** What a handler receives: parsed input and the actor. */
export interface RouteContext<P, Q, B> {
  readonly params: Maybe<P>;
  readonly query: Maybe<Q>;
  readonly body: Maybe<B>;
  /** The authenticated actor (routes with `auth: "required"`). */
  readonly actor: Actor;
  /** The actor when a token was sent (`auth: "optional"`), else `null`. */
  readonly optionalActor: Actor | null;
  readonly req: Request;
  readonly res: Response;
  readonly services: ApiServices;
}

/** What a handler answers; `undefined` when it wrote the response itself. */
export interface Reply {
  readonly status?: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A route as mounted, for tests comparing the router and the document. */
export interface MountedRoute {
  readonly method: RouteMethod;
  /** The OpenAPI path, e.g. `/api/v1/departments/{dept_id}`. */
  readonly path: string;
  /** The Express path, e.g. `/api/v1/departments/:dept_id`. */
  readonly expressPath: string;
}

/** Collects the routes of one API instance. */
export interface RouteTable {
  define<P extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, B extends z.ZodType | undefined = undefined>(
    definition: RouteDefinition<P, Q, B>,
    handler: (ctx: RouteContext<P, Q, B>) => Promise<Reply | undefined>,
  ): void;
  readonly mounted: readonly MountedRoute[];
  /** The base path routes are defined under, e.g. `/api/v1`. */
  readonly basePath: string;
  readonly services: ApiServices;
}

const ROLE_NAMES = Object.keys(BUILT_IN_ROLES) as BuiltInRoleName[];

/** The built-in roles a permission admits (documentation only; the policy decides at run time). */
export function rolesFor(permission: RoutePermission | undefined): BuiltInRoleName[] {
  if (!permission) return [...ROLE_NAMES];
  return ROLE_NAMES.filter((role) => {
    const actor: Actor = { userId: 1, tenantId: "default", role, departmentId: 1, employeeId: 1 };
    return permission.everywhere ? can(actor, permission.action, permission.resource) : canSomewhere(actor, permission.action, permission.resource);
  });
}

function parsePart(schema: z.ZodType | undefined, value: unknown, location: IssueLocation): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) throw new RequestValidationError(zodIssuesToDetail(result.error.issues, location));
  return result.data;
}

/** Creates the route table of one router: `define` mounts each route and registers its operation. */
export function createRouteTable(options: {
  router: Router;
  registry: OpenAPIRegistry;
  services: ApiServices;
  basePath: string;
}): RouteTable {
  const { router, registry, services, basePath } = options;
  const mounted: MountedRoute[] = [];
  const limit = services.config.BODY_MAX_BYTES;
  const jsonParser = express.json({ limit, strict: true });
  const formParser = express.urlencoded({ limit, extended: false, parameterLimit: 100 });

  return {
    mounted,
    basePath,
    services,
    define(definition, handler) {
      const auth = definition.auth ?? "required";
      const request = definition.request ?? {};
      const openApiPath = basePath + definition.path;
      const expressPath = (basePath + definition.path).replace(/\{(\w+)\}/g, ":$1").replace(/(.)\/$/, "$1");
      const accepted = request.form ? ["application/json", "application/x-www-form-urlencoded"] : ["application/json"];

      const steps: RequestHandler[] = [...(definition.before ?? [])];
      steps.push(async (req, res, next) => {
        try {
          // Optional auth acts on a Bearer credential only; another scheme (Basic, …) is not ours.
          if (auth === "required" || (auth === "optional" && /^bearer(\s|$)/i.test(req.get("authorization") ?? ""))) {
            const actor = await authenticate(req, res, services);
            const permission = definition.permission;
            if (permission) {
              const allowed = permission.everywhere
                ? can(actor, permission.action, permission.resource)
                : canSomewhere(actor, permission.action, permission.resource);
              if (!allowed) throw new ForbiddenError("Insufficient privileges");
            }
          }
          if (request.body) {
            // A body in a media type the route does not read: 415 rather than a confusing 422.
            const hasBody = req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
            if (hasBody && !req.is(accepted)) {
              throw new HttpError(415, `Unsupported media type; send ${accepted.join(" or ")}`);
            }
          }
          next();
        } catch (error) {
          next(error);
        }
      });
      if (request.body) {
        steps.push(jsonParser);
        if (request.form) steps.push(formParser);
      }
      steps.push(...(definition.afterBody ?? []));
      steps.push(async (req, res, next) => {
        try {
          const params = parsePart(request.params, req.params, "path");
          const query = parsePart(request.query, req.query ?? {}, "query");
          const body = parsePart(request.body, req.body, "body");
          const actor = (res.locals.actor as Actor | undefined) ?? null;
          const ctx: RouteContext<typeof request.params, typeof request.query, typeof request.body> = {
            params: params as never,
            query: query as never,
            body: body as never,
            get actor(): Actor {
              if (actor === null) throw new Error(`route ${definition.method} ${openApiPath} read an actor without auth`);
              return actor;
            },
            optionalActor: actor,
            req,
            res,
            services,
          };
          const reply = await handler(ctx as never);
          if (reply === undefined || res.headersSent) return;
          res.status(reply.status ?? 200);
          if (reply.headers) res.set(reply.headers);
          if (reply.body === undefined) res.end();
          else res.json(reply.body);
        } catch (error) {
          next(error);
        }
      });
      router[definition.method](expressPath, ...steps);
      mounted.push({ method: definition.method, path: openApiPath, expressPath });

      const roles = auth === "none" ? [] : rolesFor(definition.permission);
      const responses: RouteConfig["responses"] = {};
      for (const [status, response] of Object.entries(definition.responses)) {
        responses[status] = {
          description: response.description,
          ...(response.schema ? { content: { "application/json": { schema: response.schema } } } : {}),
          ...(response.headers
            ? { headers: Object.fromEntries(response.headers.map((h) => [h, { schema: { type: "string" as const } }])) }
            : {}),
        };
      }
      const error = (description: string) => ({ description, content: { "application/json": { schema: errorSchema } } });
      if (auth === "required") {
        responses["401"] = error("Not authenticated, or the token is invalid, expired or of an inactive user");
        if (definition.permission) responses["403"] = error("The user's role or scope does not allow this");
      }
      if (request.params) responses["404"] = error("The record does not exist (or belongs to another tenant)");
      if (request.params || request.query || request.body) responses["422"] = error("Validation error");
      registry.registerPath({
        method: definition.method,
        path: openApiPath,
        summary: definition.summary,
        description: [definition.description, auth === "none" ? "No authentication." : `Roles: ${roles.join(", ") || "none"}.`]
          .filter(Boolean)
          .join("\n\n"),
        tags: [...definition.tags],
        ...(auth === "required" ? { security: [{ OAuth2PasswordBearer: [] }] } : {}),
        ...(auth === "optional" ? { security: [{}, { OAuth2PasswordBearer: [] }] } : {}),
        "x-roles": roles,
        request: {
          ...(request.params ? { params: request.params as never } : {}),
          ...(request.query ? { query: request.query as never } : {}),
          ...(request.body
            ? {
                body: {
                  required: true,
                  content: {
                    "application/json": { schema: request.body },
                    ...(request.form ? { "application/x-www-form-urlencoded": { schema: request.body } } : {}),
                  },
                },
              }
            : {}),
        },
        responses,
      });
    },
  };
}
