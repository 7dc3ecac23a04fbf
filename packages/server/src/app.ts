import { createEpca, type Clock, type EpcaStore, type PasswordHasher } from "@epca/core";
import cors from "cors";
import express, { type Express, type Router } from "express";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { createScryptPasswordHasher } from "./auth/scrypt-password-hasher.js";
import { createTokenService } from "./auth/tokens.js";
import type { ServerConfig } from "./config.js";
import { createRouteTable, type MountedRoute } from "./http/define-route.js";
import { errorHandler, notFoundHandler } from "./http/errors.js";
import { apiRateLimits, isRateLimitExempt, memoryRateLimitStores, rateLimitStoresFor } from "./http/rate-limits.js";
import { API_BASE_PATH } from "./http/replies.js";
import type { ApiServices } from "./http/services.js";
import { createOpenApiRegistry, generateOpenApiDocument } from "./openapi/document.js";
import { mountDocs } from "./ops/docs.js";
import { createHttpLogger, createLogger } from "./ops/logging.js";
import { createHttpMetrics } from "./ops/metrics.js";
import helmet from "helmet";
import { allocationRoutes } from "./routes/allocations.js";
import { analyticsRoutes } from "./routes/analytics.js";
import { authRoutes } from "./routes/auth.js";
import { departmentRoutes } from "./routes/departments.js";
import { employeeRoutes } from "./routes/employees.js";
import { healthRoutes } from "./routes/health.js";
import { projectRoutes } from "./routes/projects.js";
import { timesheetRoutes } from "./routes/timesheets.js";
import { userRoutes } from "./routes/users.js";

/** What the API is assembled from. */
export interface CreateAppOptions {
  /** The storage adapter (the caller opens, migrates and closes it). */
  readonly store: EpcaStore;
  /** Parsed configuration (`loadConfig(process.env).config`, or `testConfig()`). */
  readonly config: ServerConfig;
  /** Defaults to a pino logger at `LOG_LEVEL`. */
  readonly logger?: Logger;
  /** Defaults to scrypt at N = 2^`SCRYPT_LOG_N`. */
  readonly passwordHasher?: PasswordHasher;
  readonly clock?: Clock;
}

/** The API as an Express router, with what tests and hosts may want to inspect. */
export interface ApiRouter extends Router {
  /** Every route mounted, in definition order. */
  readonly routes: readonly MountedRoute[];
  /** The OpenAPI document served at `/openapi.json`. */
  openApiDocument(): Record<string, unknown>;
  /** This instance's Prometheus registry, or `null` when `ENABLE_METRICS` is false. */
  readonly metricsRegistry: Registry | null;
}

/**
 * The whole API (`/api/v1/…`, `/openapi.json`, `/docs`, `/redoc`, `/metrics`) as a router, to be
 * mounted at the root of an app or under a host's own path with the host's own store.
 *
 * @example hostApp.use("/hr", createApiRouter({ store: createMemoryStore(), config: loadConfig().config }));
 */
export function createApiRouter(options: CreateAppOptions): ApiRouter {
  const { config } = options;
  const logger = options.logger ?? createLogger(config);
  const metrics = config.ENABLE_METRICS ? createHttpMetrics() : null;
  const store = metrics ? metrics.instrumentStore(options.store) : options.store;
  const passwordHasher = options.passwordHasher ?? createScryptPasswordHasher({ logN: config.SCRYPT_LOG_N });
  const epca = createEpca({
    store,
    passwordHasher,
    standardAnnualHours: config.STANDARD_ANNUAL_HOURS,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  // The counters must be shared by every instance: on PostgreSQL they live in its
  // rate_limit_counters table (read from the store given, not the metrics wrapper).
  let rateLimitStores = rateLimitStoresFor(config, options.store);
  if (rateLimitStores === null) {
    logger.warn("DATABASE_URL names PostgreSQL but the store given has no shared rate-limit counters: rate limits count in this process only");
    rateLimitStores = memoryRateLimitStores;
  }
  const services: ApiServices = {
    epca,
    store,
    config,
    passwordHasher,
    logger,
    startedAt: Date.now(),
    rateLimitStores,
    tokens: createTokenService({
      secret: config.SECRET_KEY,
      accessTokenMinutes: config.ACCESS_TOKEN_EXPIRE_MINUTES,
      refreshTokenDays: config.REFRESH_TOKEN_EXPIRE_DAYS,
    }),
  };

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
  for (const limit of apiRateLimits(config, rateLimitStores)) {
    router.use(API_BASE_PATH, (req, res, next) => (isRateLimitExempt(req.path) ? next() : limit(req, res, next)));
  }

  const registry = createOpenApiRegistry();
  const table = createRouteTable({ router, registry, services, basePath: API_BASE_PATH });
  healthRoutes(table);
  authRoutes(table);
  userRoutes(table);
  departmentRoutes(table);
  employeeRoutes(table);
  projectRoutes(table);
  timesheetRoutes(table);
  allocationRoutes(table);
  analyticsRoutes(table);
  router.use(API_BASE_PATH, notFoundHandler);

  let document: Record<string, unknown> | undefined;
  const openApiDocument = () => (document ??= generateOpenApiDocument(registry));
  mountDocs(router, openApiDocument);
  router.use(errorHandler);

  Object.defineProperties(router, {
    routes: { value: table.mounted, enumerable: true },
    openApiDocument: { value: openApiDocument, enumerable: true },
    metricsRegistry: { value: metrics?.registry ?? null, enumerable: true },
  });
  return router;
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
  app.use(api);
  app.use(notFoundHandler);
  app.use(errorHandler);
  Object.defineProperty(app, "api", { value: api, enumerable: true });
  return app;
}
