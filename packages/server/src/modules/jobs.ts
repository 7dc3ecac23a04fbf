import { jobSchema, jobStatusSchema } from "@epca/core";
import { z } from "zod";
import type { ModuleJobHandler, ServerModule } from "../http/module.js";
import { named } from "../http/openapi.js";
import { pageQuery } from "../http/params.js";
import { ok, page } from "../http/replies.js";
import type { RouteTable } from "../http/route-table.js";

const tags = ["jobs"];
/** A job as the API shows it (the `Job` component). */
export const Job = named(jobSchema, "Job");
const jobId = z.object({ job_id: z.string().min(1).max(64) });

/** `/jobs`: contract section 8: follow and cancel background work (reports, imports, training). */
function routes(api: RouteTable): void {
  api.define(
    {
      method: "get",
      path: "/jobs/",
      summary: "List background jobs",
      description: "The caller's jobs (an admin: every job of the tenant), newest first.",
      tags,
      request: { query: pageQuery.extend({ type: z.string().max(100).optional(), status: jobStatusSchema.optional() }) },
      responses: { 200: { description: "One page of jobs", schema: z.array(Job), headers: ["X-Total-Count"] } },
    },
    async ({ epca, actor, query: { skip, limit, ...filter } }) => page(await epca.jobs.list(actor, filter, { skip, limit })),
  );

  api.define(
    {
      method: "get",
      path: "/jobs/{job_id}",
      summary: "Get a background job",
      description: "Status, progress, result or error, attempts and times of one job.",
      tags,
      request: { params: jobId },
      responses: { 200: { description: "The job", schema: Job } },
    },
    async ({ epca, actor, params }) => ok(await epca.jobs.get(actor, params.job_id)),
  );

  api.define(
    {
      method: "post",
      path: "/jobs/{job_id}/cancel",
      summary: "Cancel a background job",
      description: "A queued job never runs; a running one is told to stop and keeps no result. A finished job is answered unchanged.",
      tags,
      request: { params: jobId },
      responses: { 200: { description: "The job after the cancel", schema: Job } },
    },
    async ({ epca, actor, params }) => ok(await epca.jobs.cancel(actor, params.job_id)),
  );
}

/**
 * `jobs.echo`: answers its payload's `value` after `ms` milliseconds (at most a minute), with the
 * process that ran it: a smoke test of the queue an operator can enqueue, and what the
 * multi-process tests run.
 */
async function echo(job: Parameters<ModuleJobHandler>[0]): Promise<unknown> {
  const { value = null, ms = 0 } = (job.payload ?? {}) as { value?: unknown; ms?: number };
  const wait = Math.min(Math.max(Number(ms) || 0, 0), 60_000);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, wait);
    job.signal.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });
  return { echo: value, pid: process.pid };
}

/** The `jobs` module. */
export const jobModule: ServerModule = {
  name: "jobs",
  tags: [{ name: "jobs", description: "Background work (reports, imports, training): poll a job, cancel it (contract section 8)." }],
  jobs: { "jobs.echo": echo },
  routes,
};
