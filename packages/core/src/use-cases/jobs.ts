import { EpcaError, NotFoundError } from "../errors.js";
import type { Actor } from "../policy/actor.js";
import { authorize, can } from "../policy/policy.js";
import type { JobQueue } from "../ports/jobs.js";
import { toPublicJob } from "../schemas/job.js";
import { parsePage, withoutUndefined } from "./input.js";
import { found } from "./records.js";
import type { JobUseCases } from "./types.js";
import type { UseCaseContext } from "./unit-of-work.js";

/**
 * Background jobs of the actor's tenant: an admin (a grant over all jobs) sees and cancels every
 * job; anyone else the jobs they asked for. Other packages' use cases enqueue through `enqueue`.
 */
export function jobUseCases(ctx: UseCaseContext & { readonly jobs: JobQueue | null }): JobUseCases {
  function queue(): JobQueue {
    if (!ctx.jobs) throw new EpcaError("jobs_unavailable", "This server runs no background job queue");
    return ctx.jobs;
  }
  /** The job, when the actor may `action` it; another user's job is "not found", as a missing one. */
  async function visible(actor: Actor, id: string, action: "read" | "update") {
    const job = found(await queue().get(actor.tenantId, id), "job", id);
    if (!can(actor, action, "jobs", { userId: job.created_by })) throw new NotFoundError("job", id);
    return job;
  }

  return {
    async enqueue(actor, request) {
      return toPublicJob(await queue().enqueue(actor.tenantId, { ...request, createdBy: actor.userId }));
    },
    async get(actor, id) {
      authorize(actor, "read", "jobs", { userId: actor.userId });
      return toPublicJob(await visible(actor, id, "read"));
    },
    async list(actor, filter = {}, page) {
      authorize(actor, "read", "jobs", { userId: actor.userId });
      const paging = parsePage(page);
      const mine = can(actor, "read", "jobs") ? {} : { createdBy: actor.userId ?? -1 };
      const result = await queue().list(actor.tenantId, { ...withoutUndefined(filter), ...mine }, paging);
      return { items: result.items.map(toPublicJob), total: result.total };
    },
    async cancel(actor, id) {
      await visible(actor, id, "update");
      return toPublicJob(found(await queue().cancel(actor.tenantId, id), "job", id));
    },
  };
}
