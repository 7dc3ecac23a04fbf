import type { Epca } from "@epca/core";
import type { ModuleMetrics } from "./metrics.js";
import type { OpenApiTag } from "./openapi.js";
import type { RouteTable } from "./route-table.js";

/** What a background job's handler is given (a worker process runs the same handlers as a server). */
export interface ModuleJob {
  readonly type: string;
  readonly tenantId: string;
  readonly payload: unknown;
  /** The use cases, for the system's own work in the job's tenant. */
  readonly epca: Epca;
  /** Aborted when the job is cancelled or the worker stops. */
  readonly signal: AbortSignal;
  /** Reports how far the job got. */
  progress(done: number, total?: number, message?: string): Promise<void>;
  /**
   * Counts the job's domain work (import rows, predictions) in the metrics of the process running
   * it (`startModuleWorker` always passes one; absent, as in a handler called directly, nothing counts).
   */
  readonly metrics?: ModuleMetrics;
}

/** Runs one job type; what it resolves with is the job's result. */
export type ModuleJobHandler = (job: ModuleJob) => Promise<unknown>;

/**
 * A piece of the API: its routes, the OpenAPI tags they use, the job handlers it brings, and the
 * HTTP statuses of the error codes its use cases throw. `createApiRouter` mounts modules; a worker
 * process runs their `jobs` without HTTP.
 */
export interface ServerModule {
  /** Unique among the modules of one API, e.g. `departments`. */
  readonly name: string;
  readonly tags?: readonly OpenApiTag[];
  /** Defines the module's routes on the API's route table. */
  routes?(api: RouteTable): void;
  /** Handlers of background jobs, by job type. */
  readonly jobs?: Readonly<Record<string, ModuleJobHandler>>;
  /** Status of each error code this module's use cases throw (on top of the built-in table). */
  readonly errorStatuses?: Readonly<Record<string, number>>;
}
