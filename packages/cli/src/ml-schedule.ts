import type { EpcaStore, ScheduleStorage } from "@epca/core";
import { createSchedule } from "@epca/server";

/** Name of the daily schedule that checks deployed models for retraining. */
export const RETRAIN_SCHEDULE_NAME = "ml.retrain-check";

/**
 * Makes sure every tenant has the daily schedule (03:00 UTC) of the `ml.retrain-check` job, which
 * enqueues a retraining of each deployed model older than `retrainDays` (`MODEL_RETRAIN_DAYS`) or
 * whose live error drifts past its validation error. An existing schedule is updated only when
 * its `retrain_days` changed (it is replaced). Answers how many schedules it created.
 */
export async function ensureRetrainSchedules(store: Pick<EpcaStore, "tenants">, schedules: ScheduleStorage, retrainDays: number, cron = "0 3 * * *"): Promise<number> {
  let created = 0;
  for (const tenant of await store.tenants.list()) {
    const existing = (await schedules.list(tenant.id)).filter((s) => s.name === RETRAIN_SCHEDULE_NAME);
    const current = existing.find((s) => (s.payload as { retrain_days?: number } | null)?.retrain_days === retrainDays && s.cron === cron);
    for (const stale of existing.filter((s) => s !== current)) await schedules.delete(tenant.id, stale.id);
    if (current) continue;
    await createSchedule(schedules, tenant.id, { name: RETRAIN_SCHEDULE_NAME, cron, type: "ml.retrain-check", payload: { retrain_days: retrainDays } });
    created += 1;
  }
  return created;
}
