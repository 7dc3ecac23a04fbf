import type { JobQueue, JobWorker } from "@epca/core";

/**
 * A `JobQueue` opened on first use: `epca migrate`, `seed-demo` and `create-admin` open the store
 * but never touch jobs, and must neither start pg-boss (its schema, its maintenance timers, its
 * connections) nor be kept alive by it. A failure to open is the failure of each call.
 */
export function lazyJobQueue(capabilities: JobQueue["capabilities"], open: () => Promise<JobQueue>): JobQueue {
  let opened: Promise<JobQueue> | null = null;
  const queue = () => (opened ??= open());
  return {
    capabilities,
    enqueue: async (tenantId, request) => (await queue()).enqueue(tenantId, request),
    get: async (tenantId, id) => (await queue()).get(tenantId, id),
    list: async (tenantId, filter, page) => (await queue()).list(tenantId, filter, page),
    cancel: async (tenantId, id) => (await queue()).cancel(tenantId, id),
    counts: async () => (await queue()).counts(),
    work(handlers, options) {
      const worker: Promise<JobWorker> = queue().then((q) => q.work(handlers, options));
      return { stop: async (stopOptions) => (await worker).stop(stopOptions) };
    },
    async close() {
      if (opened) await (await opened).close();
    },
  };
}
