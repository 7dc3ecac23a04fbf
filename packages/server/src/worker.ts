import type { Epca, JobHandler, JobQueue, JobWorker, WorkerOptions } from "@epca/core";
import { NO_MODULE_METRICS, type ModuleMetrics } from "./http/metrics.js";
import type { ModuleJobHandler, ServerModule } from "./http/module.js";
import { jobHandlersOf } from "./app.js";

/**
 * The modules' job handlers as the queue runs them: each gets the job, the use cases and the
 * metrics to count in (default: none; `epca serve` passes its router's `moduleMetrics`).
 */
export function moduleJobHandlers(modules: readonly ServerModule[], epca: Epca, metrics: ModuleMetrics = NO_MODULE_METRICS): Map<string, JobHandler> {
  const handlers = new Map<string, JobHandler>();
  for (const [type, handler] of jobHandlersOf(modules)) handlers.set(type, adapt(handler, epca, metrics));
  return handlers;
}

function adapt(handler: ModuleJobHandler, epca: Epca, metrics: ModuleMetrics): JobHandler {
  return (job) =>
    handler({
      type: job.type,
      tenantId: job.tenantId,
      payload: job.payload,
      epca,
      signal: job.signal,
      progress: (done, total, message) => job.progress(done, total ?? null, message ?? null),
      metrics,
    });
}

/**
 * Runs the modules' job handlers on `queue` in this process (what `epca serve` does beside HTTP,
 * and all that `epca worker` does). Stop it with `worker.stop({ graceMs })`. `metrics` counts the
 * jobs' domain work (an API router's `moduleMetrics`, to serve it at that router's `/metrics`).
 */
export function startModuleWorker(options: { queue: JobQueue; modules: readonly ServerModule[]; epca: Epca; metrics?: ModuleMetrics } & WorkerOptions): JobWorker {
  const { queue, modules, epca, metrics, ...workerOptions } = options;
  return queue.work(moduleJobHandlers(modules, epca, metrics), workerOptions);
}
