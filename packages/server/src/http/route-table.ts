import type { OpenAPIRegistry, RouteConfig } from "@asteasolutions/zod-to-openapi";
import { BUILT_IN_ROLES, ForbiddenError, canSomewhere, can, type Actor, type BuiltInRoleName, type Epca, type PrefetchRecord, type ScheduleStorage, type SessionClaims, type TransactionOptions } from "@epca/core";
import express, { type Request, type RequestHandler, type Response, type Router } from "express";
import type { Logger } from "pino";
import type { z } from "zod";
import { isBearer, verifyAccessToken } from "../auth/bearer.js";
import type { TokenService } from "../auth/tokens.js";
import type { ServerConfig } from "../config/config.js";
import { HttpError, MALFORMED_PATH, RequestValidationError, zodIssuesToDetail, type IssueLocation } from "./errors.js";
import { errorSchema } from "./openapi.js";
import type { ModuleMetrics } from "./metrics.js";
import { isRateLimitExempt, type RateLimitStoreFactory } from "./rate-limits.js";
import { requestMetadata } from "./request-metadata.js";

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
  /**
   * `platform`: the actor and the permission are checked in a unit of work of the caller's
   * tenant, and the handler then runs outside it: its use cases open transactions of other
   * tenants (tenant provisioning and administration). Default: the handler joins the request's
   * one unit of work.
   */
  readonly unitOfWork?: "request" | "platform";
  readonly request?: {
    readonly params?: P;
    readonly query?: Q;
    readonly body?: B;
    /** Also accept `application/x-www-form-urlencoded` bodies (OAuth2 password flow). */
    readonly form?: boolean;
    /**
     * A `multipart/form-data` file upload: documented with this field as a binary part; the
     * route table leaves the request stream to the handler (nothing is read or buffered here).
     */
    readonly upload?: { readonly field: string; readonly description: string };
  };
  /**
   * The route only reads, and a moment-old answer is right for it (analytics, series, reports):
   * its unit of work runs `READ ONLY`, on the read replica when the store has one
   * (`DATABASE_READ_URL`). Never for a read that must see the caller's own recent write.
   */
  readonly readOnly?: boolean;
  /**
   * The route reads one record, `record` by the id in path parameter `param` (`GET /employees/{emp_id}`),
   * and nothing its answer depends on needs the same transaction as that read: its unit of work
   * names it (`TransactionOptions.prefetch`), so that the PostgreSQL store reads it, with the
   * tenant and the caller, in one round trip (BEGIN to COMMIT). A malformed id prefetches nothing
   * (the route answers 422 as before).
   */
  readonly prefetch?: { readonly record: PrefetchRecord; readonly param: string };
  /** Middleware run first (e.g. a stricter rate limit). */
  readonly before?: readonly RequestHandler[];
  /** Middleware run once the body is read, before it is validated (e.g. a per-account limit). */
  readonly afterBody?: readonly RequestHandler[];
  /**
   * A stable `operationId`; by default the summary in camelCase ("Get department details" →
   * `getDepartmentDetails`), or method and path when two summaries collide.
   */
  readonly operationId?: string;
  /**
   * What a 409 means on this route (a duplicate, a workflow state, a rule over several records).
   * Every write behind a permission documents a 409 anyway; this says which conflict it is.
   */
  readonly conflicts?: string;
  /**
   * Error statuses this route answers beyond those the route table derives (see
   * `documentedErrors`), each with what it means here, e.g. `{ 403: "Tenant suspended" }`.
   */
  readonly errors?: Readonly<Record<number, string>>;
  /** Success responses by status; error responses are derived from the definition (see `documentedErrors`). */
  readonly responses: Readonly<
    Record<
      number,
      {
        readonly description: string;
        readonly schema?: z.ZodType;
        readonly headers?: readonly string[];
        /** Media types of a file answer (a binary body, e.g. `application/pdf`) instead of JSON. */
        readonly files?: readonly string[];
      }
    >
  >;
}

/** What a handler receives: parsed input, who asks, and the use cases to call. */
export interface RouteContext<P, Q, B> {
  readonly params: Maybe<P>;
  readonly query: Maybe<Q>;
  readonly body: Maybe<B>;
  /** The authenticated actor (routes with `auth: "required"`). */
  readonly actor: Actor;
  /** The actor when a token was sent (`auth: "optional"`), else `null`. */
  readonly optionalActor: Actor | null;
  /** The session (refresh-token family) of the caller's token, when authenticated. */
  readonly sessionId: string | null;
  /**
   * The use cases. For an authenticated request they all join the request's one unit of work, in
   * which the actor was looked up; the answer is sent once it committed.
   */
  readonly epca: Epca;
  readonly req: Request;
  readonly res: Response;
}

/** What a handler answers; `undefined` when it wrote the response itself. */
export interface Reply {
  readonly status?: number;
  /** JSON, or bytes sent as they are (set `Content-Type` in `headers`). */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Roll the request's unit of work back, then send this answer (a dry run, an all-or-nothing
   * import that found errors): every write the handler made is undone.
   */
  readonly rollback?: boolean;
}

/** Carries a `rollback` reply out of the unit of work (rejecting it rolls it back). */
class RolledBackReply {
  constructor(readonly reply: Reply) {}
}

/** A route as mounted, for tests comparing the router and the document. */
export interface MountedRoute {
  readonly method: RouteMethod;
  /** The OpenAPI path, e.g. `/api/v1/departments/{dept_id}`. */
  readonly path: string;
  /** The Express path, e.g. `/api/v1/departments/:dept_id`. */
  readonly expressPath: string;
  /** Every status the route's document lists (success and errors), ascending. */
  readonly statuses: readonly number[];
}

/** What the routes of one API instance share; modules read it through their route table. */
export interface ApiKit {
  /** The use cases over the API's store (outside any request's unit of work). */
  readonly epca: Epca;
  readonly config: ServerConfig;
  readonly logger: Logger;
  readonly tokens: TokenService;
  /** Where each rate limiter keeps its counters (the store's shared counters, or memory). */
  readonly rateLimitStores: RateLimitStoreFactory;
  /** When the instance started (ms since epoch), for `uptime_seconds`. */
  readonly startedAt: number;
  /** Where recurring jobs are kept (the scheduler of `epca serve` runs them), or `null` without one. */
  readonly schedules: ScheduleStorage | null;
  /** Counts the modules' domain work (import rows, predictions) in this instance's `/metrics`. */
  readonly metrics: ModuleMetrics;
}

/** Collects the routes of one API instance. */
export interface RouteTable extends ApiKit {
  define<P extends z.ZodType | undefined = undefined, Q extends z.ZodType | undefined = undefined, B extends z.ZodType | undefined = undefined>(
    definition: RouteDefinition<P, Q, B>,
    handler: (ctx: RouteContext<P, Q, B>) => Promise<Reply | undefined>,
  ): void;
  readonly mounted: readonly MountedRoute[];
  /** The base path routes are defined under, e.g. `/api/v1`. */
  readonly basePath: string;
}

const ROLE_NAMES = Object.keys(BUILT_IN_ROLES) as BuiltInRoleName[];

/** The built-in roles a permission admits (documentation only; the policy decides at run time). */
export function rolesFor(permission: RoutePermission | undefined): BuiltInRoleName[] {
  if (!permission) return [...ROLE_NAMES];
  return ROLE_NAMES.filter((role) => {
    const actor: Actor = { userId: 1, tenantId: "default", role, departmentId: 1, employeeId: 1 };
    return permitted(actor, permission);
  });
}

function permitted(actor: Actor, permission: RoutePermission): boolean {
  return permission.everywhere ? can(actor, permission.action, permission.resource) : canSomewhere(actor, permission.action, permission.resource);
}

function parsePart(schema: z.ZodType | undefined, value: unknown, location: IssueLocation): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) throw new RequestValidationError(zodIssuesToDetail(result.error.issues, location));
  return result.data;
}

const CONTROL_CHARACTERS = /[\u0000-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u;

/**
 * A query value is single-line text for every route: a control character (NUL, which no
 * PostgreSQL text value can hold, among them) or an unpaired surrogate is a 422 naming the
 * parameter, on every store alike, before any filter reaches a store.
 */
function refuseControlCharacters(query: Record<string, unknown>): void {
  const issues = Object.entries(query)
    .filter(([, value]) => (Array.isArray(value) ? value : [value]).some((v) => typeof v === "string" && CONTROL_CHARACTERS.test(v)))
    .map(([name]) => ({ loc: ["query", name], msg: "Must not contain control characters (U+0000–U+001F, U+007F–U+009F) or unpaired surrogates", type: "invalid_format" }));
  if (issues.length > 0) throw new RequestValidationError(issues);
}

/** What an authenticated request carries from its token to its unit of work. */
interface PendingRequest {
  claims?: SessionClaims;
  /** A media-type or body error met before the caller was known: answered after 401 and 403. */
  deferred?: unknown;
}

function pending(res: Response): PendingRequest {
  return ((res.locals.epcaRequest as PendingRequest | undefined) ??= {});
}

/**
 * Creates the route table of one router: `define` mounts each route and registers its operation.
 *
 * A request runs top to bottom: `before` (rate limits) → the token's signature and expiry (401,
 * no storage) → the body is read (its errors kept for later) → `afterBody` → then, for an
 * authenticated request, ONE unit of work: the actor is looked up (401 when inactive) → the
 * route's permission (403) → the kept body error (413/415/422) → params, query and body parsed
 * (422) → the handler, whose use cases join the same unit of work → commit → the answer.
 */
export function createRouteTable(options: { router: Router; registry: OpenAPIRegistry; kit: ApiKit; basePath: string }): RouteTable {
  const { router, registry, kit, basePath } = options;
  const mounted: MountedRoute[] = [];
  const operationIds = new Set<string>();
  const limit = kit.config.BODY_MAX_BYTES;
  const multiTenant = kit.config.MULTI_TENANT;
  const jsonParser = express.json({ limit, strict: true });
  const formParser = express.urlencoded({ limit, extended: false, parameterLimit: 100 });

  return {
    ...kit,
    mounted,
    basePath,
    define(definition, handler) {
      const auth = definition.auth ?? "required";
      const request = definition.request ?? {};
      const openApiPath = basePath + definition.path;
      const expressPath = (basePath + definition.path).replace(/\{(\w+)\}/g, ":$1").replace(/(.)\/$/, "$1");
      const accepted = request.form ? ["application/json", "application/x-www-form-urlencoded"] : ["application/json"];
      const wantsToken = (req: Request) => auth === "required" || (auth === "optional" && isBearer(req.get("authorization")));

      /** Runs a body parser; for an authenticated request its error waits until the caller is known. */
      const keepingErrors =
        (parser: RequestHandler): RequestHandler =>
        (req, res, next) =>
          parser(req, res, (error?: unknown) => {
            const state = pending(res);
            if (error !== undefined && state.claims !== undefined) {
              state.deferred ??= error;
              next();
            } else next(error as Error | undefined);
          });

      const steps: RequestHandler[] = [...(definition.before ?? [])];
      steps.push(async (req, res, next) => {
        try {
          const state = pending(res);
          if (wantsToken(req)) state.claims = await verifyAccessToken(req.get("authorization"), kit.tokens, multiTenant);
          if (request.body) {
            // A body in a media type the route does not read: 415 rather than a confusing 422.
            const hasBody = req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
            if (hasBody && !req.is(accepted)) {
              const unsupported = new HttpError(415, `Unsupported media type; send ${accepted.join(" or ")}`);
              if (state.claims === undefined) throw unsupported;
              state.deferred = unsupported;
            }
          }
          next();
        } catch (error) {
          next(error);
        }
      });
      if (request.body) {
        steps.push((req, res, next) => (pending(res).deferred === undefined ? keepingErrors(jsonParser)(req, res, next) : next()));
        if (request.form) steps.push((req, res, next) => (pending(res).deferred === undefined ? keepingErrors(formParser)(req, res, next) : next()));
      }
      steps.push(...(definition.afterBody ?? []));

      const answer = async (req: Request, res: Response, epca: Epca, actor: Actor | null, sessionId: string | null) => {
        if (request.query) refuseControlCharacters(req.query ?? {});
        const params = parsePart(request.params, req.params, "path");
        const query = parsePart(request.query, req.query ?? {}, "query");
        const body = parsePart(request.body, req.body, "body");
        const ctx: RouteContext<typeof request.params, typeof request.query, typeof request.body> = {
          params: params as never,
          query: query as never,
          body: body as never,
          get actor(): Actor {
            if (actor === null) throw new Error(`route ${definition.method} ${openApiPath} read an actor without auth`);
            return actor;
          },
          optionalActor: actor,
          sessionId,
          epca,
          req,
          res,
        };
        return handler(ctx as never);
      };

      /** The unit of work's hints: read-only, and the record it reads (a well-formed id only). */
      const unitOptions = (req: Request): TransactionOptions | undefined => {
        const prefetch = definition.prefetch;
        const raw = prefetch ? req.params[prefetch.param] : undefined;
        const id = typeof raw === "string" && /^[1-9][0-9]{0,15}$/.test(raw) ? Number(raw) : Number.NaN;
        if (!prefetch || !Number.isSafeInteger(id)) return definition.readOnly ? { readOnly: true } : undefined;
        return { ...(definition.readOnly ? { readOnly: true } : {}), prefetch: { record: prefetch.record, id } };
      };

      steps.push(async (req, res, next) => {
        try {
          const { claims, deferred } = pending(res);
          let reply: Reply | undefined;
          if (claims === undefined) {
            reply = await answer(req, res, kit.epca, null, null);
          } else {
            res.set("Cache-Control", "no-store");
            const tenantHint = multiTenant ? (req.get("x-tenant-id")?.trim() ?? null) : null;
            const checked = async (actor: Actor) => {
              res.locals.actor = actor;
              // Usage counts in memory (written in batches): no row write per request.
              kit.epca.tenants.countUsage(actor.tenantId, "api_calls", 1, actor.userId);
              if (definition.permission && !permitted(actor, definition.permission)) throw new ForbiddenError("Insufficient privileges");
              if (deferred !== undefined) throw deferred;
            };
            const credentials = { ...claims, tenantHint, request: requestMetadata(req) };
            if (definition.unitOfWork === "platform") {
              const actor = await kit.epca.actingAs(credentials, async (found) => (await checked(found), found));
              reply = await answer(req, res, kit.epca, actor, claims.sessionId);
            } else {
              reply = await kit.epca
                .actingAs(
                  credentials,
                  async (actor, epca) => {
                    await checked(actor);
                    const answered = await answer(req, res, epca, actor, claims.sessionId);
                    if (answered?.rollback) throw new RolledBackReply(answered);
                    return answered;
                  },
                  unitOptions(req),
                )
                .catch((error: unknown) => {
                  if (error instanceof RolledBackReply) return error.reply;
                  throw error;
                });
            }
          }
          if (reply === undefined || res.headersSent) return;
          res.status(reply.status ?? 200);
          if (reply.headers) res.set(reply.headers);
          if (reply.body === undefined) res.end();
          else if (reply.body instanceof Uint8Array) res.end(Buffer.from(reply.body.buffer, reply.body.byteOffset, reply.body.byteLength));
          else res.json(reply.body);
        } catch (error) {
          next(error);
        }
      });
      router[definition.method](expressPath, ...steps);

      const roles = auth === "none" ? [] : rolesFor(definition.permission);
      const responses: RouteConfig["responses"] = {};
      const limited = rateLimited(definition, kit.config);
      for (const [status, response] of Object.entries(definition.responses)) {
        const headers = [...(response.headers ?? []).map((h) => [h, { schema: { type: "string" as const } }] as const), ...(limited ? rateLimitHeaders(false) : [])];
        const files = response.files ? Object.fromEntries(response.files.map((type) => [type, { schema: { type: "string" as const, format: "binary" } }])) : null;
        responses[status] = {
          description: response.description,
          ...(files ? { content: files } : response.schema ? { content: { "application/json": { schema: response.schema } } } : {}),
          ...(headers.length > 0 ? { headers: Object.fromEntries(headers) } : {}),
        };
      }
      for (const [status, description] of Object.entries(documentedErrors(definition, kit.config))) {
        const code = Number(status);
        const declared = definition.responses[code];
        const headers = [...(code === 401 ? [["WWW-Authenticate", { description: "`Bearer`", schema: { type: "string" as const } }] as const] : []), ...(limited ? rateLimitHeaders(code === 429) : [])];
        responses[status] = {
          description: declared?.description ?? description,
          content: { "application/json": { schema: errorSchema, example: { detail: ERROR_EXAMPLES[code] ?? description } } },
          ...(headers.length > 0 ? { headers: Object.fromEntries(headers) } : {}),
        };
      }
      const statuses = Object.keys(responses).map(Number).sort((a, b) => a - b);
      mounted.push({ method: definition.method, path: openApiPath, expressPath, statuses });
      const operationId = definition.operationId ?? uniqueOperationId(definition, operationIds);
      operationIds.add(operationId);
      registry.registerPath({
        method: definition.method,
        path: openApiPath,
        summary: definition.summary,
        operationId,
        description: [definition.description, auth === "none" ? "No authentication." : `Roles: ${roles.join(", ") || "none"}.`]
          .filter(Boolean)
          .join("\n\n"),
        tags: [...definition.tags],
        ...(auth === "none" ? { security: [] } : {}),
        ...(auth === "required" ? { security: [{ OAuth2PasswordBearer: [] }] } : {}),
        ...(auth === "optional" ? { security: [{}, { OAuth2PasswordBearer: [] }] } : {}),
        "x-roles": roles,
        request: {
          ...(request.params ? { params: request.params as never } : {}),
          ...(request.query ? { query: request.query as never } : {}),
          ...(request.upload
            ? {
                body: {
                  required: true,
                  content: {
                    "multipart/form-data": {
                      schema: {
                        type: "object" as const,
                        required: [request.upload.field],
                        properties: { [request.upload.field]: { type: "string" as const, format: "binary", description: request.upload.description } },
                      },
                    },
                  },
                },
              }
            : {}),
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

type AnyDefinition = RouteDefinition<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>;

/** The keys of an object schema, through optional/nullable/default wrappers; `[]` for anything else. */
function objectKeys(schema: z.ZodType | undefined): string[] {
  let def = (schema as { _zod?: { def?: { type?: string; shape?: Record<string, unknown>; innerType?: z.ZodType; in?: z.ZodType } } } | undefined)?._zod?.def;
  for (let depth = 0; def && depth < 8; depth++) {
    if (def.shape) return Object.keys(def.shape);
    const inner: z.ZodType | undefined = def.innerType ?? def.in;
    def = (inner as { _zod?: { def?: typeof def } } | undefined)?._zod?.def;
  }
  return [];
}

/** Whether a rate limit can answer 429 on this route under `config`. */
function rateLimited(definition: AnyDefinition, config: ServerConfig): boolean {
  const own = (definition.before?.length ?? 0) + (definition.afterBody?.length ?? 0) > 0 && config.AUTH_RATE_LIMIT_PER_MINUTE > 0;
  const global = (config.RATE_LIMIT_PER_MINUTE > 0 || config.RATE_LIMIT_PER_HOUR > 0) && !isRateLimitExempt(definition.path);
  return own || global;
}

/** The IETF draft-7 rate-limit headers express-rate-limit sends, plus `Retry-After` on a 429. */
function rateLimitHeaders(tooMany: boolean) {
  const header = (description: string) => ({ description, schema: { type: "string" as const, maxLength: 200 } });
  return [
    ["RateLimit", header("The limit, what is left and when the window resets, e.g. `limit=60, remaining=0, reset=42`")],
    ["RateLimit-Policy", header("The limit and its window in seconds, e.g. `60;w=60`")],
    ...(tooMany ? [["Retry-After", { description: "Seconds until the window resets", schema: { type: "integer" as const, minimum: 0, maximum: 3600 } }]] : []),
  ] as const;
}

/** Examples of the error bodies, by status. */
const ERROR_EXAMPLES: Readonly<Record<number, unknown>> = {
  400: MALFORMED_PATH,
  401: "Not authenticated",
  403: "Insufficient privileges",
  404: "Department not found",
  405: "Method Not Allowed",
  409: "A department with this name already exists",
  413: "Request body too large",
  415: "Unsupported media type; send application/json",
  422: [{ loc: ["body", "name"], msg: "Too small: expected string to have >=1 characters", type: "too_small" }],
  429: "Rate limit exceeded: too many requests per minute",
  500: "Internal Server Error",
  503: "The service is shutting down",
};

/**
 * Every error status a route can answer, with what it means, derived from its definition, the
 * configuration and the error table's mechanisms, so that the document cannot lack a status the
 * route answers:
 * - 400: a path parameter's percent-escape or the body's framing cannot be decoded;
 * - 401: a token is read (required, or optional and sent); 403: a permission, a suspended tenant;
 * - 404: a path id, or an id in the body or query (`department_id`, …) naming no record, or (multi-tenant) an unknown tenant;
 * - 409: any write behind a permission (`conflicts` says which conflict);
 * - 413 and 415: a body; 422: anything parsed; 429: a rate limit applies;
 * - 500: an error whose code no table maps (a bug, never an expected answer); 503: the store is closed;
 * - plus the definition's own `errors`.
 */
export function documentedErrors(definition: AnyDefinition, config: ServerConfig): Record<number, string> {
  const auth = definition.auth ?? "required";
  const request = definition.request ?? {};
  const errors: Record<number, string> = {};
  const namesIds = [...objectKeys(request.body), ...objectKeys(request.query)].some((key) => key.endsWith("_id"));
  if (request.params || request.body || request.upload) errors[400] = "The path (a malformed percent-escape) or the body cannot be decoded";
  if (auth !== "none") errors[401] = "Not authenticated, or the token is invalid, expired or of an inactive user";
  if (auth !== "none") errors[403] = definition.permission ? "The user's role or scope does not allow this" + (config.MULTI_TENANT ? ", or the tenant is suspended" : "") : "The tenant is suspended";
  if (request.params || namesIds || (auth !== "none" && config.MULTI_TENANT)) {
    errors[404] = request.params ? "The record does not exist (or belongs to another tenant)" : namesIds ? "An id in the request names no record" : "Unknown tenant";
  }
  if (definition.method !== "get" && (definition.permission || auth === "optional")) {
    errors[409] = definition.conflicts ?? "Conflicts with the current state (a duplicate, the workflow state, or a rule over several records)";
  }
  if (request.body || request.upload) {
    errors[413] = "Request body too large";
    errors[415] = "Unsupported media type or encoding";
  }
  if (request.params || request.query || request.body || request.upload) errors[422] = "Validation error";
  if (rateLimited(definition, config)) errors[429] = "Too many requests: a rate limit is exhausted (see `Retry-After`)";
  errors[500] = "An unexpected error (a code in no error table); the body is fixed and the request id is logged";
  errors[503] = "The service is shutting down or its store is closed";
  for (const [status, description] of Object.entries(definition.errors ?? {})) errors[Number(status)] = description;
  return errors;
}

/** `operationId` from the summary in camelCase, or from method and path when that one is taken. */
function uniqueOperationId(definition: AnyDefinition, taken: ReadonlySet<string>): string {
  const camel = (words: string[]) => words.map((w, i) => (i === 0 ? w.toLowerCase() : w.charAt(0).toUpperCase() + w.slice(1).toLowerCase())).join("");
  const fromSummary = camel(definition.summary.split(/[^A-Za-z0-9]+/).filter(Boolean));
  if (fromSummary && !taken.has(fromSummary)) return fromSummary;
  return camel([definition.method, ...definition.path.split(/[^A-Za-z0-9]+/).filter(Boolean)]);
}

/**
 * 405 with `Allow` for a path some route answers with other methods (HEAD with GET); anything
 * else goes on (to the 404). Mounted after every route.
 */
export function methodNotAllowed(mounted: readonly MountedRoute[]): RequestHandler {
  const patterns = mounted.map((route) => ({
    method: route.method.toUpperCase(),
    pattern: new RegExp(
      "^" + route.path.replace(/\/$/, "").split(/\{\w+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("[^/]+") + "/?$",
      "i",
    ),
  }));
  return (req, res, next) => {
    const methods = new Set(patterns.filter((p) => p.pattern.test(req.path)).map((p) => p.method));
    if (methods.size === 0 || methods.has(req.method) || (req.method === "HEAD" && methods.has("GET"))) return next();
    if (methods.has("GET")) methods.add("HEAD");
    res.status(405).set("Allow", [...methods].join(", ")).json({ detail: "Method Not Allowed" });
  };
}
