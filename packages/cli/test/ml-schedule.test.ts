/**
 * The daily retraining schedule `epca serve` and `epca worker` keep in every tenant, and what it
 * triggers: a due schedule enqueues `ml.retrain-check`, which enqueues a retraining of a deployed
 * model older than MODEL_RETRAIN_DAYS.
 */
import { createMemoryJobStorage, createMemoryScheduleStorage, createMemoryStore } from "@epca/adapter-memory";
import { memoryModelRegistry } from "@epca/adapter-memory/ml";
import { createInProcessJobQueue, systemActor } from "@epca/core";
import { builtInModules, createServerEpca, startModuleWorker, startScheduler, testConfig } from "@epca/server";
import { describe, expect, it } from "vitest";
import { ensureRetrainSchedules, RETRAIN_SCHEDULE_NAME } from "../src/ml-schedule.js";

describe("the retraining schedule", () => {
  it("is created once per tenant, replaced when MODEL_RETRAIN_DAYS changes", async () => {
    const store = createMemoryStore();
    const schedules = createMemoryScheduleStorage();
    expect(await ensureRetrainSchedules(store, schedules, 7)).toBe(1);
    expect(await ensureRetrainSchedules(store, schedules, 7)).toBe(0);
    expect(await ensureRetrainSchedules(store, schedules, 30)).toBe(1);
    const listed = await schedules.list("default");
    expect(listed.map((s) => [s.name, s.type, s.cron, s.payload])).toEqual([[RETRAIN_SCHEDULE_NAME, "ml.retrain-check", "0 3 * * *", { retrain_days: 30 }]]);
  });

  it("when due, checks the deployed models and enqueues the retraining of a stale one", async () => {
    const store = createMemoryStore({ parts: { modelRegistry: memoryModelRegistry } });
    const schedules = createMemoryScheduleStorage();
    const queue = createInProcessJobQueue({ storage: createMemoryJobStorage(), durable: false });
    const stale = await store.transaction("default", async (scope) => {
      const model = await scope.modelRegistry.save("default", { type: "allocation", status: "validated", hyperparameters: { epochs: 20 }, metrics: { mae_hours: 10 } });
      return scope.modelRegistry.deploy("default", model.id, new Date(Date.now() - 8 * 86_400_000));
    });
    await ensureRetrainSchedules(store, schedules, 7, "* * * * * *");
    await new Promise((r) => setTimeout(r, 1100));
    const scheduler = startScheduler({ storage: schedules, queue, tickMs: 60_000 });
    const epca = createServerEpca({ store, config: testConfig(), jobs: queue });
    try {
      expect(await scheduler.tick()).toBeGreaterThanOrEqual(1);
      const check = (await queue.list("default", { type: "ml.retrain-check" }, { skip: 0, limit: 10 })).items[0]!;
      const worker = startModuleWorker({ queue, modules: builtInModules(), epca, pollMs: 10 });
      let done = await queue.get("default", check.id);
      for (let i = 0; i < 200 && done?.status !== "succeeded" && done?.status !== "failed"; i++) {
        await new Promise((r) => setTimeout(r, 25));
        done = await queue.get("default", check.id);
      }
      await worker.stop({ graceMs: 100 });
      expect(done?.status).toBe("succeeded");
      const result = done!.result as { checked: { model_id: string; decision: { retrain: boolean; reason: string; age_days: number }; job_id: string }[] };
      expect(result.checked).toHaveLength(1);
      expect(result.checked[0]).toMatchObject({ model_id: stale.id, decision: { retrain: true, reason: "stale" } });
      expect(result.checked[0]!.decision.age_days).toBeCloseTo(8, 2);
      const retrain = await epca.jobs.get(systemActor("default"), result.checked[0]!.job_id);
      expect(retrain.type).toBe("ml.train");
    } finally {
      await scheduler.stop();
    }
  });
});
