export { createApiRouter, createApp, createServerEpca, jobHandlersOf, type ApiRouter, type CreateAppOptions, type EpcaApp } from "./app.js";
export { moduleJobHandlers, startModuleWorker } from "./worker.js";
export { drainableServer, durabilityWarnings, DURABILITY_SETTINGS, waitForDatabase, type DrainableServer, type DrainResult } from "./lifecycle.js";
export { checkCron, createSchedule, nextDueTime, startScheduler, type ScheduleRequest, type Scheduler } from "./scheduler.js";
export {
  createModuleMetrics,
  domainMetrics,
  NO_MODULE_METRICS,
  PREDICTION_KINDS,
  registerJobMetrics,
  type DomainMetrics,
  type ImportTally,
  type JobMetrics,
  type ModuleMetrics,
  type PredictionKind,
} from "./http/metrics.js";
export { ConfigError, configSchema, loadConfig, testConfig, type LoadedConfig, type ServerConfig } from "./config/config.js";
export { createScryptPasswordHasher, type ScryptParameters } from "./auth/scrypt-password-hasher.js";
export {
  createSessionTokens,
  createTokenService,
  hashRefreshToken,
  type TokenClaims,
  type TokenService,
  type TokenType,
} from "./auth/tokens.js";
export { createErrorHandler, ERROR_STATUSES, errorAnswer, errorHandler, notFoundHandler, HttpError, type ErrorAnswer } from "./http/errors.js";
export type { ModuleJob, ModuleJobHandler, ServerModule } from "./http/module.js";
export type { OpenApiTag } from "./http/openapi.js";
export { named } from "./http/openapi.js";
export type { ApiKit, MountedRoute, Reply, RouteContext, RouteDefinition, RouteMethod, RoutePermission, RouteTable } from "./http/route-table.js";
export { idParam, idParams, pageQuery } from "./http/params.js";
export { created, ok, page } from "./http/replies.js";
export { createLogger, prettyLogsWanted } from "./http/logging.js";
export {
  allocationModule,
  analyticsModule,
  authModule,
  builtInModules,
  departmentModule,
  employeeModule,
  healthModule,
  jobModule,
  projectModule,
  createReportsModule,
  reportsModule,
  timesheetModule,
  uploadModule,
  userModule,
  type ReportsModuleOptions,
} from "./modules/index.js";
export { schemas } from "./modules/schemas.js";
export { preferWasmMlBackend, startMlBackend } from "./modules/ml-backend.js";
export { ensureFirstAdmin, type FirstAdminOutcome } from "./bootstrap.js";
export { seedDemoOrganisation, DEMO_USERS, type DemoSeedSummary } from "./demo-seed.js";
export { DEV_ADMIN_PASSWORD } from "./config/config.js";
export { SERVER_VERSION } from "./version.js";
export { describeRateLimits } from "./http/rate-limits.js";
