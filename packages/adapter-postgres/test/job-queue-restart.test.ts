/** The embedded queue is durable: jobs queued before a restart of the process's store run after it. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInProcessJobQueue } from "@epca/core";
import { describe, expect, it } from "vitest";
import { createPGliteStore } from "../src/index.js";

describe("in-process queue on PGlite across a restart", () => {
  it("runs after the restart what was queued before it, and a job running at the crash comes back", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "epca-jobs-"));
    try {
      const first = await createPGliteStore({ dataDir, migrate: true });
      const before = createInProcessJobQueue({ storage: first.jobStorage, durable: true, leaseMs: 200 });
      // A job a worker had claimed when the process died: its lease is all that is left of it.
      const orphan = await before.enqueue("default", { type: "report.render", payload: { pages: 1 } });
      expect((await first.jobStorage.claim(["report.render"], new Date(), new Date(Date.now() + 200), "dead-worker"))?.job.id).toBe(orphan.id);
      const queued = await before.enqueue("default", { type: "report.render", payload: { pages: 3 } });
      await first.close();

      const second = await createPGliteStore({ dataDir, migrate: true });
      const after = createInProcessJobQueue({ storage: second.jobStorage, durable: true, leaseMs: 200 });
      const ran: string[] = [];
      const worker = after.work(new Map([["report.render", async (job) => void ran.push(job.id)]]), { pollMs: 20 });
      const deadline = Date.now() + 10_000;
      while ((await after.list("default", { status: "succeeded" }, { skip: 0, limit: 10 })).total < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await worker.stop();
      expect(ran.sort()).toEqual([queued.id, orphan.id].sort());
      expect((await after.get("default", queued.id))?.attempts).toBe(1);
      expect((await after.get("default", orphan.id))?.attempts).toBe(2);
      await second.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
