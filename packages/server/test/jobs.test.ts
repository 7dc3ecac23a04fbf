/**
 * Background jobs over HTTP: a module's route answers 202 with the job's Location, a worker runs
 * the module's handler, the client polls `GET /jobs/{id}`, cancels, lists; only the job's user
 * (or an admin) sees it; `/metrics` shows the queue.
 */
import { createMemoryJobStorage, createMemoryStore } from "@epca/adapter-memory";
import { createInProcessJobQueue, type JobEvent, type JobQueue, type JobWorker } from "@epca/core";
import { builtInModules, createServerEpca, startModuleWorker, testConfig, type ServerModule } from "@epca/server";
import { z } from "zod";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD, startServer, testHasher, type TestServer } from "./support/harness.js";

const slowModule: ServerModule = {
  name: "slow",
  tags: [{ name: "slow", description: "A module with background work" }],
  jobs: {
    "slow.double": async (job) => {
      const { n, steps } = job.payload as { n: number; steps: number };
      for (let step = 1; step <= steps; step++) {
        if (job.signal.aborted) throw new Error("cancelled");
        await new Promise((resolve) => setTimeout(resolve, 30));
        await job.progress(step, steps, `step ${step} of ${steps}`);
      }
      return { doubled: n * 2 };
    },
  },
  routes(api) {
    api.define(
      {
        method: "post",
        path: "/slow/",
        summary: "Start slow work",
        tags: ["slow"],
        request: { body: z.object({ n: z.number(), steps: z.number().int().min(1).max(100) }) },
        responses: { 202: { description: "Queued", headers: ["Location"] } },
      },
      async ({ epca, actor, body, req }) => {
        const job = await epca.jobs.enqueue(actor, { type: "slow.double", payload: body });
        return { status: 202, body: job, headers: { Location: `${req.baseUrl}${api.basePath}/jobs/${job.id}` } };
      },
    );
  },
};

describe("background jobs over HTTP (memory, in-process queue)", () => {
  let server: TestServer;
  let queue: JobQueue;
  let worker: JobWorker;
  let admin: string;
  let reader: string;

  beforeAll(async () => {
    const store = createMemoryStore();
    let observe: (event: JobEvent) => void = () => undefined;
    queue = createInProcessJobQueue({ storage: createMemoryJobStorage(), durable: false, onEvent: (event) => observe(event) });
    const modules = [...builtInModules(), slowModule];
    server = await startServer(store, {}, { closeStore: () => store.close(), modules, jobs: queue });
    observe = server.app.api.observeJob;
    worker = startModuleWorker({ queue, modules, epca: createServerEpca({ store, config: testConfig(), passwordHasher: testHasher, jobs: queue }), pollMs: 10 });
    await server.epca.users.create(server.system, { email: "admin@jobs.example", password: PASSWORD, full_name: "A", role: "admin" });
    await server.epca.users.create(server.system, { email: "reader@jobs.example", password: PASSWORD, full_name: "R", role: "read_only" });
    admin = (await server.login("admin@jobs.example")).access_token;
    reader = (await server.login("reader@jobs.example")).access_token;
  });
  afterAll(async () => {
    await worker?.stop();
    await server?.close();
  });

  const poll = async (token: string, id: string, until: (body: { status: string }) => boolean) => {
    for (let i = 0; i < 300; i++) {
      const response = await server.request("GET", `/api/v1/jobs/${id}`, { token });
      if (until(response.body)) return response;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`job ${id} never got there`);
  };

  it("answers 202 with the job's Location; the job runs with progress a client can poll; the result is kept", async () => {
    const started = await server.request("POST", "/api/v1/slow/", { token: reader, body: { n: 21, steps: 3 } });
    expect(started.status).toBe(202);
    expect(started.headers.get("location")).toBe(`/api/v1/jobs/${started.body.id}`);
    expect(started.body).toMatchObject({ type: "slow.double", status: "queued", attempts: 0, progress: { done: 0, total: null, message: null } });
    const midway = await poll(reader, started.body.id, (b: { status: string; progress?: { done: number } }) => (b.progress?.done ?? 0) >= 1);
    expect(midway.body.progress.total).toBe(3);
    const done = await poll(reader, started.body.id, (b) => b.status === "succeeded");
    expect(done.body).toEqual({
      id: started.body.id,
      type: "slow.double",
      status: "succeeded",
      progress: { done: 3, total: 3, message: "step 3 of 3" },
      result: { doubled: 42 },
      error: null,
      attempts: 1,
      created_at: expect.any(String),
      started_at: expect.any(String),
      finished_at: expect.any(String),
    });
  });

  it("shows a job to its user and to admins only; lists what the caller may see", async () => {
    const mine = await server.request("POST", "/api/v1/slow/", { token: admin, body: { n: 1, steps: 1 } });
    expect((await server.request("GET", `/api/v1/jobs/${mine.body.id}`, { token: reader })).status).toBe(404);
    expect((await server.request("POST", `/api/v1/jobs/${mine.body.id}/cancel`, { token: reader })).status).toBe(404);
    const readerList = await server.request("GET", "/api/v1/jobs/?type=slow.double", { token: reader });
    expect(readerList.body.every((job: { id: string }) => job.id !== mine.body.id)).toBe(true);
    const adminList = await server.request("GET", "/api/v1/jobs/?type=slow.double", { token: admin });
    expect(adminList.body.map((job: { id: string }) => job.id)).toContain(mine.body.id);
    expect(Number(adminList.headers.get("x-total-count"))).toBeGreaterThanOrEqual(2);
    expect((await server.request("GET", "/api/v1/jobs/not-a-job", { token: admin })).status).toBe(404);
    expect((await server.request("GET", "/api/v1/jobs/?status=exploded", { token: admin })).status).toBe(422);
    expect((await server.request("GET", "/api/v1/jobs/")).status).toBe(401);
  });

  it("cancels a running job: it stops, keeps no result, and stays cancelled", async () => {
    const started = await server.request("POST", "/api/v1/slow/", { token: reader, body: { n: 5, steps: 50 } });
    await poll(reader, started.body.id, (b: { status: string }) => b.status === "running");
    const cancelled = await server.request("POST", `/api/v1/jobs/${started.body.id}/cancel`, { token: reader });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe("cancelled");
    await new Promise((resolve) => setTimeout(resolve, 150));
    const after = await server.request("GET", `/api/v1/jobs/${started.body.id}`, { token: reader });
    expect(after.body).toMatchObject({ status: "cancelled", result: null });
  });

  it("reports the queue in /metrics", async () => {
    await queue.enqueue("default", { type: "nobody.handles.this", payload: null });
    const metrics = await fetch(`${server.base}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/epca_jobs\{type="nobody.handles.this",status="queued"\} 1/);
    expect(metrics).toMatch(/epca_job_duration_seconds_bucket\{le="[^"]+",type="slow.double",outcome="succeeded"\}/);
  });
});
