/** Recurring jobs: cron in a time zone, each due time one job however many schedulers, catch-up after a restart. */
import { createMemoryJobStorage, createMemoryScheduleStorage } from "@epca/adapter-memory";
import { createInProcessJobQueue, fixedClock, ValidationError } from "@epca/core";
import { createSchedule, nextDueTime, startScheduler } from "@epca/server";
import { describe, expect, it } from "vitest";

const page = { skip: 0, limit: 100 };

function setup(start: string) {
  const clock = fixedClock(start);
  const storage = createMemoryScheduleStorage();
  const queue = createInProcessJobQueue({ storage: createMemoryJobStorage(), durable: false, clock });
  return { clock, storage, queue };
}

describe("schedules", () => {
  it("computes due times in the schedule's time zone", () => {
    // 09:00 in Berlin is 08:00 UTC in winter and 07:00 UTC in summer.
    expect(nextDueTime("0 9 * * *", "Europe/Berlin", new Date("2026-01-15T12:00:00Z"))?.toISOString()).toBe("2026-01-16T08:00:00.000Z");
    expect(nextDueTime("0 9 * * *", "Europe/Berlin", new Date("2026-07-15T12:00:00Z"))?.toISOString()).toBe("2026-07-16T07:00:00.000Z");
    expect(nextDueTime("*/15 * * * * *", "UTC", new Date("2026-01-01T00:00:07Z"))?.toISOString()).toBe("2026-01-01T00:00:15.000Z");
  });

  it("refuses a bad cron expression or time zone, naming the field", async () => {
    const { storage } = setup("2026-03-02T10:00:00Z");
    const bad = await createSchedule(storage, "default", { name: "x", cron: "every day", type: "jobs.echo", payload: null }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(ValidationError);
    expect((bad as ValidationError).issues[0]?.path).toEqual(["cron"]);
    const zone = await createSchedule(storage, "default", { name: "x", cron: "0 9 * * *", timezone: "Mars/Olympus", type: "jobs.echo", payload: null }).catch((e: unknown) => e);
    expect((zone as ValidationError).issues[0]?.path).toEqual(["timezone"]);
    expect(await storage.list("default")).toEqual([]);
  });

  it("enqueues one job per due time even with two schedulers, and none before it is due", async () => {
    const { clock, storage, queue } = setup("2026-03-02T10:00:30Z");
    const schedule = await createSchedule(storage, "default", { name: "weekly report", cron: "* * * * *", type: "reports.render", payload: { format: "pdf" } }, clock);
    expect(schedule.next_run_at).toBe("2026-03-02T10:01:00.000Z");
    const [a, b] = [startScheduler({ storage, queue, clock, tickMs: 60_000 }), startScheduler({ storage, queue, clock, tickMs: 60_000 })];
    try {
      expect(await a.tick()).toBe(0);
      clock.set("2026-03-02T10:01:00.500Z");
      await Promise.all([a.tick(), b.tick()]);
      const jobs = await queue.list("default", { type: "reports.render" }, page);
      expect(jobs.items.map((j) => [j.idempotency_key, j.payload])).toEqual([[`schedule:${schedule.id}:2026-03-02T10:01:00.000Z`, { format: "pdf" }]]);
      expect((await storage.get("default", schedule.id))?.next_run_at).toBe("2026-03-02T10:02:00.000Z");
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  it("catches up the due times a restart missed within the window, and skips older ones", async () => {
    const { clock, storage, queue } = setup("2026-03-02T10:00:30Z");
    const schedule = await createSchedule(storage, "default", { name: "hourly", cron: "0 * * * *", type: "reports.render", payload: null }, clock);
    // Down from 10:00:30 to 13:30: 11:00, 12:00 and 13:00 were missed; with a 2-hour window 11:00 is too old.
    clock.set("2026-03-02T13:30:00Z");
    const scheduler = startScheduler({ storage, queue, clock, tickMs: 60_000, catchUpMs: 2 * 3_600_000 + 1 });
    try {
      expect(await scheduler.tick()).toBe(2);
      const keys = (await queue.list("default", {}, page)).items.map((j) => j.idempotency_key).sort();
      expect(keys).toEqual([`schedule:${schedule.id}:2026-03-02T12:00:00.000Z`, `schedule:${schedule.id}:2026-03-02T13:00:00.000Z`]);
      expect((await storage.get("default", schedule.id))?.next_run_at).toBe("2026-03-02T14:00:00.000Z");
      expect(await scheduler.tick()).toBe(0);
    } finally {
      await scheduler.stop();
    }
  });
});
