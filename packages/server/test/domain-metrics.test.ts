/**
 * The domain counters the Grafana dashboard draws (deploy/grafana), through the public HTTP API of
 * a real server on port 0: imports count their rows by resource and outcome (imported, rejected),
 * also when a worker of the same process runs a queued import; forecasts and allocation
 * predictions count by kind; refused requests, dry runs and duplicate files count nothing; the job
 * metrics the dashboard reads (`epca_jobs`, `epca_job_duration_seconds`) are there. No label
 * carries a tenant, user or record id.
 */
import { createMemoryJobStorage, createMemoryStore } from "@epca/adapter-memory";
import { createInProcessJobQueue, type Epca, type JobEvent, type JobWorker } from "@epca/core";
import { addMonths, monthString } from "@epca/ml";
import { builtInModules, createServerEpca, startModuleWorker, testConfig } from "@epca/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plantAllocationHistory } from "./support/allocation-history.js";
import { createFixture, daysAgo, startServer, testHasher, TEST_SECRET, type Fixture, type TestServer } from "./support/harness.js";
import { memoryParts } from "./support/stores.js";

/** Every sample of a Prometheus text exposition, by `name{labels}` as printed. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}
/** The samples of one metric family (exact names, with labels). */
const family = (all: Map<string, number>, name: string) => Object.fromEntries([...all].filter(([key]) => key === name || key.startsWith(`${name}{`)));

const now = new Date();
const FIRST = monthString(now.getUTCFullYear() * 12 + now.getUTCMonth() - 20);
const AS_OF = addMonths(FIRST, 13);
const day = (month: string, d: number) => `${month}-${String(d).padStart(2, "0")}`;

describe("domain metrics at /metrics", () => {
  let t: TestServer;
  let f: Fixture;
  let worker: JobWorker;
  let workerEpca: Epca;
  let forecastDept: number;
  let shortDept: number;
  let allocation: { employee: number; project: number };
  const events: { listener: (event: JobEvent) => void } = { listener: () => undefined };

  beforeAll(async () => {
    const store = createMemoryStore({ parts: memoryParts });
    const queue = createInProcessJobQueue({ storage: createMemoryJobStorage(), durable: false, onEvent: (event) => events.listener(event) });
    t = await startServer(store, {}, { closeStore: () => store.close(), jobs: queue });
    events.listener = t.app.api.observeJob;
    // A worker in the server's process counting in the server's registry, as `epca serve` runs it.
    workerEpca = createServerEpca({ store, config: testConfig({ SECRET_KEY: TEST_SECRET }), passwordHasher: testHasher, jobs: queue });
    worker = startModuleWorker({ queue, modules: builtInModules(), epca: workerEpca, metrics: t.app.api.moduleMetrics, pollMs: 10 });
    f = await createFixture(t);
    const { epca: fixtures, system } = t;

    // 14 months of one department's hours (enough history for a forecast), and a department with 3.
    forecastDept = (await fixtures.departments.create(system, { name: "Forecasting", budget: 200_000 })).id;
    const emp = (await fixtures.employees.create(system, { name: "Fay Forecast", department_id: forecastDept, salary: 104_000, revenue_generated: 50_000, hire_date: day(addMonths(FIRST, -1), 1) })).id;
    const proj = (await fixtures.projects.create(system, { name: "Series", department_id: forecastDept, status: "in_progress", revenue: 90_000, cost: 10_000, start_date: day(addMonths(FIRST, -1), 1) })).id;
    for (let i = 0; i < 14; i++) {
      for (let d = 1; d <= 4; d++) await fixtures.timesheets.create(system, { employee_id: emp, project_id: proj, hours_worked: 4 + (i % 3) + i * 0.25, date: day(addMonths(FIRST, i), d * 5) });
    }
    shortDept = (await fixtures.departments.create(system, { name: "Short", budget: 1_000 })).id;
    const shortEmp = (await fixtures.employees.create(system, { name: "Sam Short", department_id: shortDept, salary: 50_000 })).id;
    const shortProj = (await fixtures.projects.create(system, { name: "Brief", department_id: shortDept, status: "in_progress", revenue: 1_000 })).id;
    for (let i = 0; i < 3; i++) await fixtures.timesheets.create(system, { employee_id: shortEmp, project_id: shortProj, hours_worked: 5, date: day(addMonths(AS_OF, -i), 3) });

    // Finished allocations to train the allocation model on: 7 people, 28 allocations on 12 projects.
    const { employees, projects } = await plantAllocationHistory(t, f.deptA, { people: 7, projects: 12, projectSpacingDays: 50, skillsOf: (e) => [["sql", "react", "ml"][e % 3]!] });
    allocation = { employee: employees[1]!, project: projects[3]! };
  }, 60_000);
  afterAll(async () => {
    await worker?.stop({ graceMs: 1000 });
    await t?.close();
  });

  const scrape = async () => {
    const res = await t.request("GET", "/metrics");
    expect(res.status).toBe(200);
    return samples(res.text);
  };
  const upload = async (path: string, csv: string) => {
    const form = new FormData();
    form.append("file", new Blob([csv]), "rows.csv");
    const response = await fetch(`${t.base}/api/v1${path}`, { method: "POST", headers: { authorization: `Bearer ${f.tokens.admin}` }, body: form });
    return { status: response.status, body: (await response.json()) as Record<string, unknown>, location: response.headers.get("location") };
  };
  const until = async <T>(probe: () => Promise<T>, done: (value: T) => boolean, ms = 30_000): Promise<T> => {
    const end = Date.now() + ms;
    for (;;) {
      const value = await probe();
      if (done(value) || Date.now() > end) return value;
      await new Promise((r) => setTimeout(r, 50));
    }
  };

  it("starts with both prediction kinds at 0 and no import rows", async () => {
    const all = await scrape();
    expect(family(all, "epca_predictions_total")).toEqual({ 'epca_predictions_total{kind="forecast"}': 0, 'epca_predictions_total{kind="allocation"}': 0 });
    expect(family(all, "epca_import_rows_total")).toEqual({});
  });

  it("counts import rows by resource and outcome: stored rows, rejected rows, queued imports; nothing for dry runs and duplicates", async () => {
    // Partial: two rows stored, one refused (no name).
    const partial = await upload("/upload/departments?mode=partial", "name,budget\nMetrics A,1\nMetrics B,2\n,3\n");
    expect([partial.status, partial.body.created, partial.body.failed]).toEqual([200, 2, 1]);
    // Atomic with an error: nothing stored, its bad row rejected.
    const atomic = await upload("/upload/departments", "name,budget\nMetrics C,1\n,2\n");
    expect([atomic.status, atomic.body.created, atomic.body.failed]).toEqual([422, 0, 1]);
    // A dry run and the same file again store nothing and count nothing.
    expect((await upload("/upload/departments?dry_run=true", "name,budget\nMetrics D,1\n,2\n")).status).toBe(200);
    const duplicate = await upload("/upload/departments?mode=partial", "name,budget\nMetrics A,1\nMetrics B,2\n,3\n");
    expect([duplicate.status, duplicate.body.duplicate]).toEqual([200, true]);
    // Another resource: one employee.
    const employees = await upload("/upload/employees", `name,email,department_id,salary\nMetered,metered@metrics.example,${f.deptA},50000\n`);
    expect([employees.status, employees.body.created]).toEqual([200, 1]);
    expect(family(await scrape(), "epca_import_rows_total")).toEqual({
      'epca_import_rows_total{resource="departments",outcome="imported"}': 2,
      'epca_import_rows_total{resource="departments",outcome="rejected"}': 2,
      'epca_import_rows_total{resource="employees",outcome="imported"}': 1,
    });

    // Queued: the worker of this process counts in the same registry.
    const queued = await upload("/upload/departments?async=true&mode=partial", "name,budget\nQueued 1,1\nQueued 2,2\nQueued 3,3\n,4\n");
    expect(queued.status).toBe(202);
    const job = await until(
      () => t.request("GET", queued.location!, { token: f.tokens.admin }),
      (r) => ["succeeded", "failed"].includes(r.body.status),
    );
    expect([job.body.status, job.body.result.created, job.body.result.failed]).toEqual(["succeeded", 3, 1]);
    const all = await scrape();
    expect(family(all, "epca_import_rows_total")).toEqual({
      'epca_import_rows_total{resource="departments",outcome="imported"}': 5,
      'epca_import_rows_total{resource="departments",outcome="rejected"}': 3,
      'epca_import_rows_total{resource="employees",outcome="imported"}': 1,
    });
    // The job metrics the dashboard draws: the queue's gauge and the attempt's duration.
    expect(all.get('epca_job_duration_seconds_count{type="uploads.import",outcome="succeeded"}')).toBe(1);
    expect(family(all, "epca_jobs")).toEqual({});
    // A job no worker here handles stays queued: the gauge reads it from the queue at scrape time.
    await workerEpca.jobs.enqueue(t.system, { type: "metrics.unhandled", payload: null });
    expect(family(await scrape(), "epca_jobs")).toEqual({ 'epca_jobs{type="metrics.unhandled",status="queued"}': 1 });
  });

  it("counts forecasts served, not those refused", async () => {
    const served = await t.request("GET", `/api/v1/predict/department/${forecastDept}?as_of=${AS_OF}&horizon=3`, { token: f.tokens.analyst });
    expect(served.status).toBe(200);
    expect((await t.request("GET", `/api/v1/predict/company?as_of=${AS_OF}`, { token: f.tokens.analyst })).status).toBe(200);
    // Too little history (422) counts nothing.
    expect((await t.request("GET", `/api/v1/predict/department/${shortDept}?as_of=${AS_OF}`, { token: f.tokens.analyst })).status).toBe(422);
    expect(family(await scrape(), "epca_predictions_total")).toEqual({ 'epca_predictions_total{kind="forecast"}': 2, 'epca_predictions_total{kind="allocation"}': 0 });
  });

  it("counts allocation predictions served by the deployed model, not the 409 before a deploy", async () => {
    const body = { employeeId: allocation.employee, projectId: allocation.project, startDate: daysAgo(30), endDate: daysAgo(-60) };
    expect((await t.request("POST", "/api/v1/ml/predictions", { token: f.tokens.analyst, body })).status).toBe(409);
    const started = await t.request("POST", "/api/v1/ml/training/jobs", { token: f.tokens.admin, body: { epochs: 10 } });
    expect(started.status).toBe(202);
    const trained = await until(
      () => t.request("GET", `/api/v1/ml/training/jobs/${started.body.data.jobId}`, { token: f.tokens.admin }),
      (r) => ["succeeded", "failed"].includes(r.body.data.status),
      60_000,
    );
    expect([trained.body.data.status, trained.body.data.error]).toEqual(["succeeded", null]);
    expect((await t.request("POST", `/api/v1/ml/models/${trained.body.data.modelId}/deploy`, { token: f.tokens.admin })).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await t.request("POST", "/api/v1/ml/predictions", { token: f.tokens.analyst, body })).status).toBe(200);
    const all = await scrape();
    expect(family(all, "epca_predictions_total")).toEqual({ 'epca_predictions_total{kind="forecast"}': 2, 'epca_predictions_total{kind="allocation"}': 3 });
    expect(all.get('epca_job_duration_seconds_count{type="ml.train",outcome="succeeded"}')).toBe(1);
    // No sample of the domain families names a tenant, user or record.
    const labels = [...all.keys()].filter((key) => key.startsWith("epca_")).join("\n");
    expect(labels).not.toMatch(/tenant|user|default"/);
  }, 90_000);

  it("counts nothing without ENABLE_METRICS (and /metrics is not served)", async () => {
    const store = createMemoryStore({ parts: memoryParts });
    const off = await startServer(store, { ENABLE_METRICS: false }, { closeStore: () => store.close() });
    try {
      expect(off.app.api.metricsRegistry).toBeNull();
      expect((await off.request("GET", "/metrics")).status).toBe(404);
    } finally {
      await off.close();
    }
  });
});
