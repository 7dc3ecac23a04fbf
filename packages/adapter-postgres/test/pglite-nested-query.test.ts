import { createInProcessJobQueue } from "@epca/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPGliteStore, type PostgresStore } from "../src/index.js";

// PGlite is one connection: a request's unit of work that reads the job queue (GET /jobs/{id})
// used to wait for its own transaction forever, and hung the whole embedded server.
describe("PGlite: the job queue read from inside a tenant transaction", () => {
  let store: PostgresStore;
  beforeAll(async () => {
    store = await createPGliteStore({ migrate: true });
  });
  afterAll(async () => {
    await store.close();
  });

  it("answers at once, as the connecting user, and row-level security still holds after it", async () => {
    const queue = createInProcessJobQueue({ storage: store.jobStorage, durable: true });
    const job = await queue.enqueue("default", { type: "x.y", payload: { n: 1 } });
    const seen = await Promise.race([
      store.transaction("default", async (scope) => {
        const inside = await queue.get("default", job.id);
        const enqueued = await queue.enqueue("default", { type: "x.y", payload: { n: 2 } });
        // Still the application role, still this tenant only.
        const departments = await scope.departments.list({}, { skip: 0, limit: 10 });
        return { inside: inside?.id, enqueued: enqueued.type, departments: departments.total };
      }),
      new Promise((_, reject) => setTimeout(() => reject(new Error("deadlock: the query waited for its own transaction")), 5_000)),
    ]);
    expect(seen).toEqual({ inside: job.id, enqueued: "x.y", departments: 0 });
    expect((await queue.list("default", {}, { skip: 0, limit: 10 })).total).toBe(2);
    await queue.close();
  });
});
