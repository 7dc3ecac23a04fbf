import { ConfigurationError, createEpca, type Clock, type Epca, type EpcaStore, type JobEvent, type JobQueue, type PasswordHasher, type ScheduleStorage } from "@epca/core";
import cors from "cors";
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import express, { type Express, type RequestHandler, type Router } from "express";
import helmet from "helmet";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { createScryptPasswordHasher } from "./auth/scrypt-password-hasher.js";
import { createSessionTokens, createTokenService, type TokenService } from "./auth/tokens.js";
import type { ServerConfig } from "./config/config.js";
import { mountDocs } from "./http/docs.js";
import { createErrorHandler, ERROR_STATUSES, errorHandler, notFoundHandler } from "./http/errors.js";
import { createHttpLogger, createLogger } from "./http/logging.js";
import { createHttpMetrics, createModuleMetrics, registerJobMetrics, type ModuleMetrics } from "./http/metrics.js";
import type { ModuleJobHandler, ServerModule } from "./http/module.js";
import { createOpenApiRegistry, generateOpenApiDocument, type OpenApiTag } from "./http/openapi.js";
import { apiRateLimits, isRateLimitExempt, rateLimitStoresFor } from "./http/rate-limits.js";
import { API_BASE_PATH } from "./http/replies.js";
import { createRouteTable, methodNotAllowed, type ApiKit, type MountedRoute } from "./http/route-table.js";
import { builtInModules } from "./modules/index.js";
import { SERVER_VERSION } from "./version.js";

/** What the API is assembled from. */
export interface CreateAppOptions {
  /** The storage adapter (the caller opens, migrates and closes it). */
  readonly store: EpcaStore;
  /** Parsed configuration (`loadConfig(process.env).config`, or `testConfig()`). */
  readonly config: ServerConfig;
  /** The modules to mount, in order (default `builtInModules()`); add your own to extend the API. */
  readonly modules?: readonly ServerModule[];
  /** The background job queue (`GET /jobs`, long work); without one the job routes answer 500. */
  readonly jobs?: JobQueue;
  /** Where recurring jobs are kept (`POST /reports/schedules`); without it those routes answer 503. */
  readonly schedules?: ScheduleStorage;
  /** Defaults to a pino logger at `LOG_LEVEL`. */
  readonly logger?: Logger;
  /** Defaults to scrypt at N = 2^`SCRYPT_LOG_N`. */
  readonly passwordHasher?: PasswordHasher;
  readonly clock?: Clock;
  /**
   * A built web app to serve at `/` (the `dist` directory of `@epca/web`, holding `index.html` and
   * hashed `assets/`); `createApp` only. Without one, or when it holds no `index.html`, `GET /`
   * answers a pointer to the API's documents.
   */
  readonly webDir?: string;
}

/** The API as an Express router, with what tests and hosts may want to inspect. */
export interface ApiRouter extends Router {
  /** Every route mounted, in definition order. */
  readonly routes: readonly MountedRoute[];
  /** The modules mounted, in order. */
  readonly modules: readonly ServerModule[];
  /** The OpenAPI document served at `/openapi.json`. */
  openApiDocument(): Record<string, unknown>;
  /** This instance's Prometheus registry, or `null` when `ENABLE_METRICS` is false. */
  readonly metricsRegistry: Registry | null;
  /** Records a job event in this instance's metrics (give it to the queue as `onEvent`). */
  observeJob(event: JobEvent): void;
  /** The modules' domain counters in this instance's registry: give them to a worker of this process (`startModuleWorker({ metrics })`). */
  readonly moduleMetrics: ModuleMetrics;
  /** Writes the usage counted in memory (API calls, active users) now: call it before closing the store. */
  flushUsage(): Promise<void>;
}

/** The use cases as the server runs them: its password hasher, session tokens, settings and job queue. */
export function createServerEpca(
  options: Pick<CreateAppOptions, "store" | "config" | "passwordHasher" | "clock" | "jobs">,
  tokens: TokenService = createTokenService({
    secret: options.config.SECRET_KEY,
    accessTokenMinutes: options.config.ACCESS_TOKEN_EXPIRE_MINUTES,
    refreshTokenDays: options.config.REFRESH_TOKEN_EXPIRE_DAYS,
  }),
): Epca {
  const { config } = options;
  return createEpca({
    store: options.store,
    passwordHasher: options.passwordHasher ?? createScryptPasswordHasher({ logN: config.SCRYPT_LOG_N }),
    sessionTokens: createSessionTokens(tokens),
    standardAnnualHours: config.STANDARD_ANNUAL_HOURS,
    selfRegistration: config.REGISTRATION_ENABLED,
    refreshReuseGraceSeconds: config.REFRESH_REUSE_GRACE_SECONDS,
    // The first admin is also the platform administrator (API contract section 11).
    platformAdmins: config.FIRST_ADMIN_EMAIL ? [config.FIRST_ADMIN_EMAIL] : [],
    usageFlushMs: config.USAGE_FLUSH_SECONDS * 1000,
    ...(options.jobs ? { jobs: options.jobs } : {}),
    ...(options.clock ? { clock: options.clock } : {}),
  });
}

/** Every module's job handlers by type; two modules handling one type is a configuration error. */
export function jobHandlersOf(modules: readonly ServerModule[]): ReadonlyMap<string, ModuleJobHandler> {
  const handlers = new Map<string, ModuleJobHandler>();
  for (const module of modules) {
    for (const [type, handler] of Object.entries(module.jobs ?? {})) {
      if (handlers.has(type)) throw new ConfigurationError(`modules.${module.name}.jobs.${type}`, "another module already handles this job type");
      handlers.set(type, handler);
    }
  }
  return handlers;
}

/** Checks the modules (unique names, unique job types) and merges their tags and error statuses. */
function assemble(modules: readonly ServerModule[]): { tags: OpenApiTag[]; statuses: Record<string, number> } {
  const names = new Set<string>();
  const tags = new Map<string, OpenApiTag>();
  const statuses: Record<string, number> = { ...ERROR_STATUSES };
  for (const module of modules) {
    if (names.has(module.name)) throw new ConfigurationError(`modules.${module.name}`, "two modules have this name");
    names.add(module.name);
    for (const tag of module.tags ?? []) if (!tags.has(tag.name)) tags.set(tag.name, tag);
    Object.assign(statuses, module.errorStatuses);
  }
  jobHandlersOf(modules);
  return { tags: [...tags.values()], statuses };
}

/**
 * The whole API (`/api/v1/…`, `/openapi.json`, `/docs`, `/redoc`, `/metrics`) as a router, to be
 * mounted at the root of an app or under a host's own path with the host's own store. A request
 * goes through, in order: request log, metrics, security headers, CORS, rate limits, the modules'
 * routes (see `createRouteTable`), 405 with `Allow` for a known path's other methods, 404, the
 * documentation, the error mapping (a malformed percent-escape in a path is a 400 there).
 *
 * @example hostApp.use("/hr", createApiRouter({ store: createMemoryStore(), config: loadConfig().config }));
 */
export function createApiRouter(options: CreateAppOptions): ApiRouter {
  const { config } = options;
  const modules = options.modules ?? builtInModules();
  const { tags, statuses } = assemble(modules);
  const logger = options.logger ?? createLogger(config);
  const metrics = config.ENABLE_METRICS ? createHttpMetrics() : null;
  const jobMetrics = metrics && options.jobs ? registerJobMetrics(metrics.registry, () => options.jobs ?? null) : null;
  const moduleMetrics = createModuleMetrics(metrics?.registry ?? null);
  const store = metrics ? metrics.instrumentStore(options.store) : options.store;
  const tokens = createTokenService({
    secret: config.SECRET_KEY,
    accessTokenMinutes: config.ACCESS_TOKEN_EXPIRE_MINUTES,
    refreshTokenDays: config.REFRESH_TOKEN_EXPIRE_DAYS,
  });
  const epca = createServerEpca({ ...options, store }, tokens);
  // Counters shared by every instance when the store is (PostgreSQL), else this process's.
  const rateLimitStores = rateLimitStoresFor(options.store);
  const kit: ApiKit = { epca, config, logger, tokens, rateLimitStores, startedAt: Date.now(), schedules: options.schedules ?? null, metrics: moduleMetrics };

  const router = express.Router() as ApiRouter;
  router.use(createHttpLogger(logger));
  if (metrics) router.use(metrics.middleware);
  router.use(helmet());
  router.use(
    cors({
      origin: config.BACKEND_CORS_ORIGINS.includes("*") ? true : config.BACKEND_CORS_ORIGINS.length > 0 ? config.BACKEND_CORS_ORIGINS : false,
      credentials: !config.BACKEND_CORS_ORIGINS.includes("*"),
      exposedHeaders: ["X-Total-Count", "X-Request-ID", "Location", "Retry-After"],
    }),
  );
  if (metrics) {
    router.get("/metrics", async (_req, res, next) => {
      try {
        res.set("Content-Type", metrics.registry.contentType).send(await metrics.registry.metrics());
      } catch (error) {
        next(error);
      }
    });
  }
  for (const limit of apiRateLimits(config, rateLimitStores, tokens)) {
    router.use(API_BASE_PATH, (req, res, next) => (isRateLimitExempt(req.path) ? next() : limit(req, res, next)));
  }

  const registry = createOpenApiRegistry();
  const table = createRouteTable({ router, registry, kit, basePath: API_BASE_PATH });
  for (const module of modules) module.routes?.(table);
  router.use(methodNotAllowed(table.mounted));
  router.use(API_BASE_PATH, notFoundHandler);

  let document: Record<string, unknown> | undefined;
  const openApiDocument = () => (document ??= generateOpenApiDocument(registry, tags));
  mountDocs(router, openApiDocument);
  router.use(createErrorHandler(statuses));

  Object.defineProperties(router, {
    routes: { value: table.mounted, enumerable: true },
    modules: { value: modules, enumerable: true },
    openApiDocument: { value: openApiDocument, enumerable: true },
    metricsRegistry: { value: metrics?.registry ?? null, enumerable: true },
    observeJob: { value: (event: JobEvent) => jobMetrics?.observe(event), enumerable: true },
    moduleMetrics: { value: moduleMetrics, enumerable: true },
    flushUsage: { value: () => epca.tenants.flushUsage(), enumerable: true },
  });
  return router;
}

/**
 * `GET /` until a web app is served there: what this server is and where to go (JSON, or a small
 * HTML page for a browser).
 */
const welcome: RequestHandler = (req, res) => {
  const links = { docs: `${req.baseUrl}/docs/`, redoc: `${req.baseUrl}/redoc`, openapi: `${req.baseUrl}/openapi.json`, health: `${req.baseUrl}${API_BASE_PATH}/health`, api: `${req.baseUrl}${API_BASE_PATH}/` };
  const body = { name: "EPCA: Employee Productivity & Cost Analytics API", version: SERVER_VERSION, links };
  res.format({
    "application/json": () => res.json(body),
    "text/html": () =>
      res.send(
        `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>EPCA API</title></head><body><h1>${body.name}</h1><p>Version ${SERVER_VERSION}. No web app is served here yet.</p><ul>` +
          `<li><a href="${links.docs}">Swagger UI</a> (try the API)</li><li><a href="${links.redoc}">ReDoc</a></li><li><a href="${links.openapi}">OpenAPI document</a></li><li><a href="${links.health}">Health</a></li></ul></body></html>`,
      ),
    default: () => res.json(body),
  });
};

/** Hashed file names (`assets/index-3f9a1c2b.js`): their content never changes under that name. */
const IMMUTABLE = "public, max-age=31536000, immutable";

/**
 * Serves a built web app: `GET /` (a browser's request) answers its `index.html`, revalidated on
 * every load (`no-cache`) so that a new deployment is picked up; files under `assets/` carry a
 * content hash and are cached for a year; other files (icons, the widgets script) are revalidated.
 * The files (not `index.html`) may be loaded by pages of other origins (`Cross-Origin-Resource-Policy:
 * cross-origin`): an HR platform embeds the widgets script.
 * A client asking for JSON at `/` still gets the API pointer.
 */
function webApp(dir: string): { index: RequestHandler; files: RequestHandler } {
  const indexFile = join(dir, "index.html");
  const files = express.static(dir, {
    index: false,
    fallthrough: true,
    setHeaders(res, path) {
      res.setHeader("Cache-Control", /^assets[\\/]/.test(relative(dir, path)) ? IMMUTABLE : "no-cache");
      // Public files a page of another origin may load (the embeddable widgets' script).
      res.setHeader("Cross-Origin-Resource-Policy", "cross-origin");
    },
  });
  const index: RequestHandler = (req, res, next) => {
    res.format({
      "text/html": () => {
        res.setHeader("Cache-Control", "no-cache");
        res.sendFile(indexFile, (error) => error && next(error));
      },
      "application/json": () => welcome(req, res, next),
      default: () => welcome(req, res, next),
    });
  };
  return { index, files };
}

/** An Express app serving the API at its root: what `epca serve` runs. */
export interface EpcaApp extends Express {
  /** The API router mounted at `/`. */
  readonly api: ApiRouter;
}

/**
 * The reference server as an Express app.
 *
 * @example const app = createApp({ store, config }); app.listen(config.PORT);
 */
export function createApp(options: CreateAppOptions): EpcaApp {
  const app = express() as EpcaApp;
  app.disable("x-powered-by");
  app.set("trust proxy", options.config.TRUST_PROXY);
  const api = createApiRouter(options);
  const web = options.webDir && existsSync(join(options.webDir, "index.html")) ? webApp(options.webDir) : null;
  if (web) {
    app.get("/", helmet(), web.index);
    // Only GET and HEAD of a file that exists are answered here; the API's paths are never looked up.
    const headers = helmet();
    app.use((req, res, next) => (req.path.startsWith(API_BASE_PATH) ? next() : headers(req, res, (error?: unknown) => (error ? next(error) : web.files(req, res, next)))));
  } else {
    app.get("/", helmet(), welcome);
  }
  app.use(api);
  app.use(notFoundHandler);
  // Errors inside the API are answered by its own handler; this one sees only the app's.
  app.use(errorHandler);
  Object.defineProperty(app, "api", { value: api, enumerable: true });
  return app;
}
