import type { ClaimedJob, JobCount, JobRecord, JobSchedule, JobStorage, ScheduleStorage } from "@epca/core";
import { copy } from "./table.js";

interface StoredJob {
  job: JobRecord;
  claim: string | null;
  leaseUntil: number | null;
}

/** Jobs in this process, for the in-process queue on the memory store (gone with the process). */
export function createMemoryJobStorage(): JobStorage {
  const jobs = new Map<string, StoredJob>();
  const view = (stored: StoredJob) => copy(stored.job);
  return {
    async insert(job) {
      if (job.idempotency_key !== null) {
        for (const stored of jobs.values()) {
          const j = stored.job;
          if (j.tenant_id === job.tenant_id && j.type === job.type && j.idempotency_key === job.idempotency_key) return view(stored);
        }
      }
      jobs.set(job.id, { job: copy(job), claim: null, leaseUntil: null });
      return copy(job);
    },
    async get(tenantId, id) {
      const stored = jobs.get(id);
      return stored && stored.job.tenant_id === tenantId ? view(stored) : null;
    },
    async list(tenantId, filter, page) {
      const matching = [...jobs.values()]
        .map((s) => s.job)
        .filter(
          (j) =>
            j.tenant_id === tenantId &&
            (filter.type === undefined || j.type === filter.type) &&
            (filter.status === undefined || j.status === filter.status) &&
            (filter.createdBy === undefined || j.created_by === filter.createdBy),
        )
        .sort((a, b) => b.created_at.localeCompare(a.created_at) || a.id.localeCompare(b.id));
      return { items: matching.slice(page.skip, page.skip + page.limit).map((j) => copy(j)), total: matching.length };
    },
    async claim(types, now, leaseUntil, claim): Promise<ClaimedJob | null> {
      let best: StoredJob | undefined;
      for (const stored of jobs.values()) {
        const j = stored.job;
        if (j.status !== "queued" || Date.parse(j.run_at) > now.getTime() || !types.includes(j.type)) continue;
        if (!best || j.priority > best.job.priority || (j.priority === best.job.priority && (j.run_at < best.job.run_at || (j.run_at === best.job.run_at && j.created_at < best.job.created_at)))) best = stored;
      }
      if (!best) return null;
      best.job = { ...best.job, status: "running", attempts: best.job.attempts + 1, started_at: best.job.started_at ?? now.toISOString() };
      best.claim = claim;
      best.leaseUntil = leaseUntil.getTime();
      return { job: view(best), claim };
    },
    async updateClaimed(id, claim, patch) {
      const stored = jobs.get(id);
      if (!stored || stored.claim !== claim || stored.job.status !== "running") return false;
      const { leaseUntil, ...fields } = patch;
      stored.job = { ...stored.job, ...copy(fields) };
      if (leaseUntil !== undefined) stored.leaseUntil = leaseUntil === null ? null : leaseUntil.getTime();
      if (fields.status !== undefined && fields.status !== "running") stored.claim = null;
      return true;
    },
    async cancel(tenantId, id, now) {
      const stored = jobs.get(id);
      if (!stored || stored.job.tenant_id !== tenantId) return null;
      if (stored.job.status === "queued" || stored.job.status === "running") {
        stored.job = { ...stored.job, status: "cancelled", finished_at: now.toISOString() };
        stored.claim = null;
        stored.leaseUntil = null;
      }
      return view(stored);
    },
    async counts() {
      const counts = new Map<string, JobCount>();
      for (const { job } of jobs.values()) {
        if (job.status !== "queued" && job.status !== "running" && job.status !== "failed") continue;
        const key = `${job.type}\u0000${job.status}`;
        const current = counts.get(key);
        counts.set(key, { type: job.type, status: job.status, count: (current?.count ?? 0) + 1 });
      }
      return [...counts.values()];
    },
    async requeueExpired(now) {
      let count = 0;
      for (const stored of jobs.values()) {
        if (stored.job.status !== "running" || stored.leaseUntil === null || stored.leaseUntil >= now.getTime()) continue;
        const exhausted = stored.job.attempts >= stored.job.max_attempts;
        stored.job = {
          ...stored.job,
          status: exhausted ? "failed" : "queued",
          error: stored.job.error ?? "the worker running it stopped before it finished",
          finished_at: exhausted ? now.toISOString() : null,
        };
        stored.claim = null;
        stored.leaseUntil = null;
        count += 1;
      }
      return count;
    },
  };
}

/** Schedules in this process, for the memory store. */
export function createMemoryScheduleStorage(): ScheduleStorage {
  const schedules = new Map<string, JobSchedule>();
  return {
    async insert(schedule) {
      schedules.set(schedule.id, copy(schedule));
      return copy(schedule);
    },
    async get(tenantId, id) {
      const found = schedules.get(id);
      return found && found.tenant_id === tenantId ? copy(found) : null;
    },
    async list(tenantId) {
      return [...schedules.values()].filter((s) => s.tenant_id === tenantId).sort((a, b) => a.created_at.localeCompare(b.created_at)).map((s) => copy(s));
    },
    async delete(tenantId, id) {
      const found = schedules.get(id);
      if (!found || found.tenant_id !== tenantId) return null;
      schedules.delete(id);
      return copy(found);
    },
    async due(now) {
      return [...schedules.values()].filter((s) => s.enabled && s.next_run_at !== null && Date.parse(s.next_run_at) <= now.getTime()).map((s) => copy(s));
    },
    async advance(id, expected, next, lastRun) {
      const found = schedules.get(id);
      if (!found || found.next_run_at !== expected) return false;
      schedules.set(id, { ...found, next_run_at: next, last_run_at: lastRun ?? found.last_run_at });
      return true;
    },
  };
}
