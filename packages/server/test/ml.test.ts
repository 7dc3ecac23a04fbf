/**
 * The `/ml` routes of spec 003 over real HTTP, on memory and PostgreSQL stores carrying the model
 * registry part, with a worker running the jobs: training with per-epoch progress, the registry,
 * deploy archiving the previous model, predictions logged with feedback feeding the live error of
 * `/ml/metrics`, and the retraining check enqueuing a job when the live error drifts.
 */
import { createMemoryJobStorage, createMemoryStore } from "@epca/adapter-memory";
import { memoryModelRegistry } from "@epca/adapter-memory/ml";
import { createPostgresStore } from "@epca/adapter-postgres";
import { postgresModelRegistry } from "@epca/adapter-postgres/ml";
import { createInProcessJobQueue, systemActor, type Epca, type EpcaStore, type JobQueue, type JobWorker } from "@epca/core";
import { loadAllocationModel } from "@epca/ml/allocation";
import { builtInModules, createServerEpca, jobHandlersOf, startModuleWorker, testConfig, type ServerModule } from "@epca/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../../test-support/test-database.js";
import { plantAllocationHistory } from "./support/allocation-history.js";
import { createFixture, daysAgo, startServer, testHasher, type Fixture, type TestServer } from "./support/harness.js";
import { postgresServerUrl } from "./support/stores.js";

type Opened = { store: EpcaStore; close(): Promise<void> };
const stores: [string, () => Promise<Opened>, boolean][] = [
  [
    "memory",
    async () => {
      const store = createMemoryStore({ parts: { modelRegistry: memoryModelRegistry } });
      return { store, close: () => store.close() };
    },
    true,
  ],
  [
    "PostgreSQL",
    async () => {
      const database = await createTestDatabase();
      const store = await createPostgresStore({ connectionString: database.url, poolSize: 5, migrate: true, parts: { modelRegistry: postgresModelRegistry } });
      return {
        store,
        async close() {
          await store.close();
          await database.drop();
        },
      };
    },
    Boolean(postgresServerUrl),
  ],
];

const SKILLS = ["typescript", "sql", "react", "python", "ml", "devops"];

/** Eight people, sixteen finished projects and 32 finished allocations (past, not overlapping). */
const plantAllocations = (server: TestServer, department: number) =>
  plantAllocationHistory(server, department, { people: 8, projects: 16, projectSpacingDays: 40, skillsOf: (e) => [SKILLS[e % 6]!, SKILLS[(e + 2) % 6]!] });

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() > end) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(stores)("/ml on %s", (_name, open, enabled) => {
  let server: TestServer;
  let f: Fixture;
  let queue: JobQueue;
  let worker: JobWorker;
  let planted: { employees: number[]; projects: number[] };
  let jobEpca: Epca;
  const progress: { done: number; total: number | null }[] = [];

  beforeAll(async () => {
    if (!enabled) return;
    const opened = await open();
    queue = createInProcessJobQueue({ storage: createMemoryJobStorage(), durable: false });
    server = await startServer(opened.store, {}, { closeStore: opened.close, jobs: queue });
    jobEpca = createServerEpca({ store: opened.store, config: testConfig(), passwordHasher: testHasher, jobs: queue });
    // The worker runs the modules' own handlers; the training handler's progress reports are also recorded here.
    const modules = builtInModules().map((m): ServerModule => {
      const handler = m.jobs?.["ml.train"];
      if (!handler) return m;
      return {
        ...m,
        jobs: {
          ...m.jobs,
          "ml.train": (job) =>
            handler({
              ...job,
              progress: async (done, total, message) => {
                progress.push({ done, total: total ?? null });
                await job.progress(done, total, message);
              },
            }),
        },
      };
    });
    worker = startModuleWorker({ queue, modules, epca: jobEpca, pollMs: 10 });
    f = await createFixture(server);
    planted = await plantAllocations(server, f.deptA);
  });
  afterAll(async () => {
    await worker?.stop({ graceMs: 1000 });
    await server?.close();
  });

  const train = async (epochs: number) => {
    const started = await server.request("POST", "/api/v1/ml/training/jobs", { token: f.tokens.admin, body: { epochs } });
    expect(started.status).toBe(202);
    expect(started.body.success).toBe(true);
    expect(started.headers.get("location")).toBe(`/api/v1/ml/training/jobs/${started.body.data.jobId}`);
    const job = await until(
      () => server.request("GET", `/api/v1/ml/training/jobs/${started.body.data.jobId}`, { token: f.tokens.admin }),
      (r) => ["succeeded", "failed"].includes(r.body.data?.status) || (r.body.data?.attempts ?? 0) > 1,
      20_000,
    );
    expect(job.body.data.error).toBeNull();
    expect(job.body.data.status).toBe("succeeded");
    return job.body.data;
  };

  let first: { modelId: number; progress?: unknown };
  let second: { modelId: number };

  it.runIf(enabled)("trains as a job whose progress counts epochs up to the total, then succeeds with a validated model", async () => {
    progress.length = 0;
    first = await train(12);
    expect(first.progress).toEqual({ epoch: 12, totalEpochs: 12, message: expect.stringMatching(/^trained: \d+ epochs run, best \d+$/) });
    expect(progress.map((p) => p.total)).toEqual(progress.map(() => 12));
    const epochs = progress.map((p) => p.done);
    expect(epochs[0]).toBe(0);
    expect(epochs.at(-1)).toBe(12);
    expect([...epochs].sort((a, b) => a - b)).toEqual(epochs);
    const models = await server.request("GET", "/api/v1/ml/models", { token: f.tokens.analyst });
    expect(models.status).toBe(200);
    expect(models.body.data).toEqual([
      expect.objectContaining({ id: first.modelId, type: "allocation", version: 1, status: "validated", deployedAt: null }),
    ]);
    // Trained in this process on TensorFlow.js's WebAssembly backend, which the model records.
    expect(models.body.data[0].hyperparameters.backend).toBe("wasm");
    expect((await server.request("GET", "/api/v1/ml/metrics", { token: f.tokens.analyst })).body.data.backend).toBe("wasm");
    const metrics = models.body.data[0].metrics;
    expect(metrics.trainingSamples + metrics.validationSamples).toBe(32);
    expect(metrics.maeHours).toBeGreaterThan(0);
    expect(Number.isFinite(metrics.baselineMaeHours)).toBe(true);
  });

  it.runIf(enabled)("refuses predictions before a deploy (409), then deploys, archiving the previous model", async () => {
    const none = await server.request("POST", "/api/v1/ml/predictions", { token: f.tokens.analyst, body: { employeeId: planted.employees[0], projectId: planted.projects[0] } });
    expect(none.status).toBe(409);
    expect(none.body).toEqual({ detail: "No allocation model is deployed; train one and deploy it first" });
    const deployed = await server.request("POST", `/api/v1/ml/models/${first.modelId}/deploy`, { token: f.tokens.admin });
    expect(deployed.status).toBe(200);
    expect(deployed.body.data).toMatchObject({ id: first.modelId, status: "deployed" });
    second = await train(10);
    await server.request("POST", `/api/v1/ml/models/${second.modelId}/deploy`, { token: f.tokens.admin });
    const models = (await server.request("GET", "/api/v1/ml/models", { token: f.tokens.admin })).body.data;
    expect(models.map((m: { id: number; version: number; status: string }) => [m.id, m.version, m.status])).toEqual([
      [first.modelId, 1, "archived"],
      [second.modelId, 2, "deployed"],
    ]);
    expect((await server.request("POST", `/api/v1/ml/models/${first.modelId}/deploy`, { token: f.tokens.analyst })).status).toBe(403);
    expect((await server.request("POST", `/api/v1/ml/models/987654321/deploy`, { token: f.tokens.admin })).status).toBe(404);
  });

  it.runIf(enabled)("serves the deployed model's artifacts, which load and predict as the server does", async () => {
    const res = await server.request("GET", `/api/v1/ml/models/${second.modelId}/artifacts`, { token: f.tokens.analyst });
    expect(res.status).toBe(200);
    // Both models' artifacts count against max_storage_gb (charged where they were stored).
    const firstArtifacts = (await server.request("GET", `/api/v1/ml/models/${first.modelId}/artifacts`, { token: f.tokens.analyst })).body.data.artifacts;
    const bytes = (a: unknown) => Buffer.byteLength(JSON.stringify(a));
    expect((await server.store.transaction("default", (s) => s.usage.totals())).storage_bytes).toBe(bytes(firstArtifacts) + bytes(res.body.data.artifacts));
    expect(res.body.data).toMatchObject({ id: second.modelId, version: 2, status: "deployed" });
    const model = await loadAllocationModel(res.body.data.artifacts);
    expect(model.featureNames).toHaveLength(21);
    model.network.dispose();
  });

  it.runIf(enabled)("predicts with the deployed model, logs it, and feedback moves the live error of /ml/metrics", async () => {
    const body = { employeeId: planted.employees[1], projectId: planted.projects[3], startDate: daysAgo(30), endDate: daysAgo(-60) };
    const res = await server.request("POST", "/api/v1/ml/predictions", { token: f.tokens.analyst, body });
    expect(res.status).toBe(200);
    const p = res.body.data;
    expect(p.modelId).toBe(second.modelId);
    expect(p.modelVersion).toBe(2);
    expect(p.recommendedAllocation).toBeGreaterThanOrEqual(0);
    expect(p.recommendedAllocation).toBeLessThanOrEqual(100);
    expect(p.successProbability).toBeGreaterThan(0);
    expect(p.successProbability).toBeLessThan(1);
    expect(p.alternativeOptions.map((a: { employeeId: number }) => a.employeeId)).not.toContain(planted.employees[1]);
    const probabilities = p.alternativeOptions.map((a: { successProbability: number }) => a.successProbability);
    expect([...probabilities].sort((a, b) => b - a)).toEqual(probabilities);

    const before = (await server.request("GET", "/api/v1/ml/metrics", { token: f.tokens.analyst })).body.data.models[0];
    expect(before.model.id).toBe(second.modelId);
    expect(before.predictions).toBe(1);
    expect(before.live).toEqual({});
    const feedback = await server.request("POST", `/api/v1/ml/predictions/${p.predictionId}/feedback`, { token: f.tokens.analyst, body: { actualHours: p.estimatedHours + 40, finishedOnTime: true } });
    expect(feedback.status).toBe(200);
    expect(feedback.body.data.feedback.actual).toEqual({ estimated_hours: p.estimatedHours + 40, success_probability: 1 });
    const after = (await server.request("GET", "/api/v1/ml/metrics", { token: f.tokens.analyst })).body.data.models[0];
    expect(after.live.estimatedHours.count).toBe(1);
    expect(after.live.estimatedHours.mae).toBeCloseTo(40, 9);
    expect(after.live.estimatedHours.bias).toBeCloseTo(-40, 9);
    expect(after.live.successProbability.mae).toBeCloseTo(1 - p.successProbability, 12);
    expect(after.retrain).toEqual({ retrain: false, reason: null, ageDays: expect.any(Number), errorRatio: 40 / after.validation.maeHours });
    expect((await server.request("POST", `/api/v1/ml/predictions/987654321/feedback`, { token: f.tokens.analyst, body: { actualHours: 1 } })).status).toBe(404);
    expect((await server.request("POST", `/api/v1/ml/predictions/${p.predictionId}/feedback`, { token: f.tokens.analyst, body: {} })).status).toBe(422);
    expect((await server.request("POST", "/api/v1/ml/predictions", { token: f.tokens.read_only, body })).status).toBe(403);
  });

  it.runIf(enabled)("schedules a retraining when the live error drifts past the validation error", async () => {
    const check = jobHandlersOf(server.app.api.modules).get("ml.retrain-check")!;
    const run = () => check({ type: "ml.retrain-check", tenantId: "default", payload: { retrain_days: 7 }, epca: jobEpca, signal: new AbortController().signal, progress: async () => undefined });
    const quiet = (await run()) as { checked: { decision: { retrain: boolean }; job_id: string | null }[] };
    expect(quiet.checked).toEqual([expect.objectContaining({ decision: expect.objectContaining({ retrain: false }), job_id: null })]);
    // Twenty predictions whose actual hours are far off: drift.
    const validation = (await server.request("GET", "/api/v1/ml/metrics", { token: f.tokens.analyst })).body.data.models[0].validation.maeHours;
    for (let i = 0; i < 20; i++) {
      const p = (await server.request("POST", "/api/v1/ml/predictions", { token: f.tokens.analyst, body: { employeeId: planted.employees[i % 8], projectId: planted.projects[i % 16] } })).body.data;
      await server.request("POST", `/api/v1/ml/predictions/${p.predictionId}/feedback`, { token: f.tokens.analyst, body: { actualHours: p.estimatedHours + 10 * validation } });
    }
    const metrics = (await server.request("GET", "/api/v1/ml/metrics", { token: f.tokens.analyst })).body.data.models[0];
    expect(metrics.retrain.retrain).toBe(true);
    expect(metrics.retrain.reason).toBe("drift");
    const drift = (await run()) as { checked: { model_id: string; decision: { reason: string }; job_id: string | null }[] };
    expect(drift.checked).toHaveLength(1);
    expect(drift.checked[0]!.decision.reason).toBe("drift");
    const jobId = drift.checked[0]!.job_id!;
    // The same day's check enqueues no second job.
    expect(((await run()) as typeof drift).checked[0]!.job_id).toBe(jobId);
    const job = await until(() => jobEpca.jobs.get(systemActor("default"), jobId), (j) => ["succeeded", "failed"].includes(j.status));
    expect(job.status).toBe("succeeded");
    const models = (await server.request("GET", "/api/v1/ml/models", { token: f.tokens.admin })).body.data;
    expect(models.map((m: { version: number }) => m.version)).toEqual([1, 2, 3]);
    expect(models[2].status).toBe("validated");
  });
  it.runIf(enabled)("a training job retried after its worker died mid-training finishes the model it began: no second version", async () => {
    const handler = jobHandlersOf(server.app.api.modules).get("ml.train")!;
    const before = (await server.request("GET", "/api/v1/ml/models", { token: f.tokens.admin })).body.data.length;
    const payload = { epochs: 30, training_key: "retried-job" };
    const stop = new AbortController();
    const seen: number[] = [];
    const dying = handler({
      type: "ml.train",
      tenantId: "default",
      payload,
      epca: jobEpca,
      signal: stop.signal,
      progress: async (done) => {
        seen.push(done);
        if (done === 3) stop.abort();
      },
    });
    await expect(dying).rejects.toMatchObject({ code: "training_aborted" });
    const half = (await server.request("GET", "/api/v1/ml/models", { token: f.tokens.admin })).body.data.at(-1);
    expect(half).toMatchObject({ version: before + 1, status: "training", hyperparameters: { trainingJob: "retried-job", epochs: 30 } });
    const retried = (await handler({ type: "ml.train", tenantId: "default", payload, epca: jobEpca, signal: new AbortController().signal, progress: async () => undefined })) as { id: string; version: number; status: string };
    expect(retried).toMatchObject({ id: String(half.id), version: before + 1, status: "validated" });
    const models = (await server.request("GET", "/api/v1/ml/models", { token: f.tokens.admin })).body.data;
    expect(models.map((m: { version: number }) => m.version)).toEqual(Array.from({ length: before + 1 }, (_, i) => i + 1));
    // A third run of the same job answers the finished model unchanged.
    const again = (await handler({ type: "ml.train", tenantId: "default", payload, epca: jobEpca, signal: new AbortController().signal, progress: async () => undefined })) as { id: string };
    expect(again.id).toBe(String(half.id));
  });

  it.runIf(enabled)("a training job is visible, as every job, to the user who started it and to admins only; a custom role may grant `ml`", async () => {
    // The read-only user (no `ml` grant of their built-in role) gets a custom role with spec 003's `ml` actions.
    const trainer = await server.epca.roles.create(server.system, { name: "ml_trainer", permissions: [{ resource: "ml", actions: ["read", "train"] }] });
    const started = await server.request("POST", "/api/v1/ml/training/jobs", { token: f.tokens.analyst, body: { epochs: 10 } });
    expect(started.status).toBe(403);
    expect((await server.request("POST", "/api/v1/ml/training/jobs", { token: f.tokens.read_only, body: { epochs: 10 } })).status).toBe(403);
    await server.epca.users.setRoles(server.system, f.users.read_only, [trainer.id]);
    try {
      const mine = await server.request("POST", "/api/v1/ml/training/jobs", { token: f.tokens.read_only, body: { epochs: 10 } });
      expect(mine.status).toBe(202);
      const path = `/api/v1/ml/training/jobs/${mine.body.data.jobId}`;
      const done = await until(
        () => server.request("GET", path, { token: f.tokens.read_only }),
        (r) => ["succeeded", "failed"].includes(r.body.data?.status),
        20_000,
      );
      expect(done.status).toBe(200);
      expect(done.body.data.status).toBe("succeeded");
      expect((await server.request("GET", path, { token: f.tokens.admin })).status).toBe(200);
      // The analyst may read ML models, but not another user's job: it does not exist for them.
      const other = await server.request("GET", path, { token: f.tokens.analyst });
      expect(other.status).toBe(404);
      expect((await server.request("GET", `/api/v1/jobs/${mine.body.data.jobId}`, { token: f.tokens.analyst })).status).toBe(404);
      // The trainer may not deploy (that is `deploy` on `ml`).
      expect((await server.request("POST", `/api/v1/ml/models/${done.body.data.modelId}/deploy`, { token: f.tokens.read_only })).status).toBe(403);
    } finally {
      await server.epca.users.setRoles(server.system, f.users.read_only, []);
    }
    // The admin's job: the read-only user and the analyst get 404, the admin follows it.
    const admins = await server.request("POST", "/api/v1/ml/training/jobs", { token: f.tokens.admin, body: { epochs: 10 } });
    const path = `/api/v1/ml/training/jobs/${admins.body.data.jobId}`;
    await until(() => server.request("GET", path, { token: f.tokens.admin }), (r) => ["succeeded", "failed"].includes(r.body.data?.status), 20_000);
    expect((await server.request("GET", path, { token: f.tokens.analyst })).status).toBe(404);
    expect((await server.request("GET", path, { token: f.tokens.admin })).status).toBe(200);
  });
});

describe("/ml without a model registry in the store", () => {
  it("answers 503 model_registry_unavailable", async () => {
    const store = createMemoryStore();
    const server = await startServer(store, {}, { closeStore: () => store.close() });
    try {
      const f = await createFixture(server);
      const res = await server.request("GET", "/api/v1/ml/models", { token: f.tokens.admin });
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ detail: "This server's store keeps no model registry" });
    } finally {
      await server.close();
    }
  });
});
