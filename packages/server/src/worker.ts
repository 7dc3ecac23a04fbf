import type { Epca, JobHandler, JobQueue, JobWorker, WorkerOptions } from "@epca/core";
import type { ModuleJobHandler, ServerModule } from "./http/module.js";
import { jobHandlersOf } from "./app.js";

/** The modules' job handlers as the queue runs them: each gets the job and the use cases. */
export function moduleJobHandlers(modules: readonly ServerModule[], epca: Epca): Map<string, JobHandler> {
  const handlers = new Map<string, JobHandler>();
  for (const [type, handler] of jobHandlersOf(modules)) handlers.set(type, adapt(handler, epca));
  return handlers;
}

function adapt(handler: ModuleJobHandler, epca: Epca): JobHandler {
  return (job) =>
    handler({
      type: job.type,
      tenantId: job.tenantId,
      payload: job.payload,
      epca,
      signal: job.signal,
      progress: (done, total, message) => job.progress(done, total ?? null, message ?? null),
    });
}

/**
 * Runs the modules' job handlers on `queue` in this process (what `epca serve` does beside HTTP,
 * and all that `epca worker` does). Stop it with `worker.stop({ graceMs })`.
 */
export function startModuleWorker(options: { queue: JobQueue; modules: readonly ServerModule[]; epca: Epca } & WorkerOptions): JobWorker {
  const { queue, modules, epca, ...workerOptions } = options;
  return queue.work(moduleJobHandlers(modules, epca), workerOptions);
}
