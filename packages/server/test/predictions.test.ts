/**
 * The `/predict` routes over real HTTP on memory and PostgreSQL: forecasts from planted monthly
 * data, `as_of` that never reads a month after its origin, too little history, horizon bounds,
 * the training routes and the documented roles.
 */
import { addMonths, forecast, monthString } from "@epca/ml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jobHandlersOf } from "@epca/server";
import { createFixture, startServerOn, type Fixture, type TestServer } from "./support/harness.js";
import { memoryStoreFactory, postgresServerUrl, postgresStoreFactory, type StoreFactory } from "./support/stores.js";

const now = new Date();
const thisMonth = now.getUTCFullYear() * 12 + now.getUTCMonth();
/** The first planted month: 20 months ago; the origin: 14 months of history later. */
const FIRST = monthString(thisMonth - 20);
const AS_OF = addMonths(FIRST, 13);
const day = (month: string, d: number) => `${month}-${String(d).padStart(2, "0")}`;

/** Strips the instants (they differ between two calls). */
function timeless(body: Record<string, unknown>) {
  const { generated_at: _g, model, ...rest } = body as { generated_at: string; model: Record<string, unknown> };
  const { trained_at: _t, ...modelRest } = model;
  return { ...rest, model: modelRest };
}

const stores: [string, StoreFactory, boolean][] = [
  ["memory", memoryStoreFactory, true],
  ["PostgreSQL", postgresStoreFactory, Boolean(postgresServerUrl)],
];

describe.each(stores)("/predict on %s", (_name, factory, enabled) => {
  let server: TestServer;
  let f: Fixture;
  let dept: number;
  let emp: number;
  let proj: number;
  let shortDept: number;

  beforeAll(async () => {
    if (!enabled) return;
    server = await startServerOn(factory);
    f = await createFixture(server);
    const { epca, system } = server;
    dept = (await epca.departments.create(system, { name: "Forecasting", budget: 200_000 })).id;
    emp = (await epca.employees.create(system, { name: "Fay Forecast", department_id: dept, salary: 104_000, revenue_generated: 50_000, hire_date: day(addMonths(FIRST, -1), 1) })).id;
    proj = (await epca.projects.create(system, { name: "Series", department_id: dept, status: "in_progress", revenue: 90_000, cost: 10_000, start_date: day(addMonths(FIRST, -1), 1) })).id;
    // 14 months of hours with a trend and a three-month pattern.
    for (let i = 0; i < 14; i++) {
      const month = addMonths(FIRST, i);
      for (let d = 1; d <= 4; d++) {
        await epca.timesheets.create(system, { employee_id: emp, project_id: proj, hours_worked: 4 + (i % 3) + i * 0.25, date: day(month, d * 5) });
      }
    }
    shortDept = (await epca.departments.create(system, { name: "Short", budget: 1_000 })).id;
    const shortEmp = (await epca.employees.create(system, { name: "Sam Short", department_id: shortDept, salary: 50_000 })).id;
    const shortProj = (await epca.projects.create(system, { name: "Brief", department_id: shortDept, status: "in_progress", revenue: 1_000 })).id;
    for (let i = 0; i < 3; i++) {
      await epca.timesheets.create(system, { employee_id: shortEmp, project_id: shortProj, hours_worked: 5, date: day(addMonths(AS_OF, -i), 3) });
    }
  });
  afterAll(async () => server?.close());

  it.runIf(enabled)("forecasts a department from its history, with the contract's fields and the numbers @epca/ml computes", async () => {
    const res = await server.request("GET", `/api/v1/predict/department/${dept}?as_of=${AS_OF}&horizon=3`, { token: f.tokens.analyst });
    expect(res.status).toBe(200);
    const body = res.body;
    expect(body.department_id).toBe(dept);
    expect(body.horizon_months).toBe(3);
    expect(body.as_of).toBe(AS_OF);
    expect(body.model.training_samples).toBe(14);
    for (const figure of ["hours", "cost", "revenue", "profit", "roi"]) {
      expect(body.predictions[figure].points.map((p: { month: string }) => p.month)).toEqual([1, 2, 3].map((k) => addMonths(AS_OF, k)));
    }
    expect(body.predictions.hours.confidence).toBe(0.8);
    expect(body.predictions.roi.confidence).toBeCloseTo(0.6, 12);

    // The history route answers what the forecast read; forecasting it locally gives the same numbers.
    const history = await server.request("GET", `/api/v1/predict/department/${dept}/history?as_of=${AS_OF}`, { token: f.tokens.analyst });
    expect(history.status).toBe(200);
    expect(history.body.points).toHaveLength(14);
    expect(history.body.points[0].month).toBe(FIRST);
    // Hours of month i: 4 × (4 + i % 3 + i / 4).
    expect(history.body.points.map((p: { hours: number }) => p.hours)).toEqual(Array.from({ length: 14 }, (_, i) => 4 * (4 + (i % 3) + i * 0.25)));
    // All of the project's revenue is recognised over the hours known at the origin.
    expect(history.body.points.reduce((s: number, p: { revenue: number }) => s + p.revenue, 0)).toBeCloseTo(90_000, 6);
    const local = forecast(
      history.body.points.map((p: { month: string; hours: number }) => ({ month: p.month, value: p.hours })),
      { horizon: 3, nonNegative: true },
    );
    expect(body.predictions.hours.predicted).toBe(local.totals.predicted);
    expect(body.predictions.hours.lower).toBe(local.totals.lower);
    expect(body.predictions.hours.upper).toBe(local.totals.upper);
    expect(body.predictions.hours.model).toBe(local.model.type);
    expect(body.predictions.hours.current).toBe(history.body.points.slice(-3).reduce((s: number, p: { hours: number }) => s + p.hours, 0));
    expect(body.model.figures.hours.holdout).toEqual(local.model.holdout);
  });

  it.runIf(enabled)("never reads a month after as_of: a spike planted after the origin leaves the answer unchanged, one in the origin month moves it", async () => {
    const url = `/api/v1/predict/department/${dept}?as_of=${AS_OF}`;
    const before = await server.request("GET", url, { token: f.tokens.admin });
    expect(before.status).toBe(200);
    const { epca, system } = server;
    const spike = [];
    for (const k of [1, 2]) {
      for (let d = 1; d <= 10; d++) spike.push(await epca.timesheets.create(system, { employee_id: emp, project_id: proj, hours_worked: 24, date: day(addMonths(AS_OF, k), d) }));
    }
    const after = await server.request("GET", url, { token: f.tokens.admin });
    expect(timeless(after.body)).toEqual(timeless(before.body));
    // Without as_of the spike is history, and the forecast sees it.
    const latest = await server.request("GET", `/api/v1/predict/department/${dept}`, { token: f.tokens.admin });
    expect(latest.status).toBe(200);
    expect(latest.body.predictions.hours.current).not.toBe(before.body.predictions.hours.current);
    // A spike in the origin month itself is read.
    const inside = await epca.timesheets.create(system, { employee_id: emp, project_id: proj, hours_worked: 24, date: day(AS_OF, 27) });
    const moved = await server.request("GET", url, { token: f.tokens.admin });
    expect(moved.body.predictions.hours.current).toBe(before.body.predictions.hours.current + 24);
    for (const t of [...spike, inside]) await epca.timesheets.delete(system, t.id);
  });

  it.runIf(enabled)("answers 422 insufficient_history naming the months needed and available", async () => {
    const res = await server.request("GET", `/api/v1/predict/department/${shortDept}?as_of=${AS_OF}`, { token: f.tokens.analyst });
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ detail: "At least 6 months of history are needed to forecast; 3 available" });
    const train = await server.request("POST", `/api/v1/predict/department/${shortDept}/train?as_of=${AS_OF}`, { token: f.tokens.admin });
    expect(train.status).toBe(422);
    expect(train.body.detail).toBe("At least 6 months of history are needed to forecast; 3 available");
  });

  it.runIf(enabled)("holds horizon to 1..12 and as_of to a complete month", async () => {
    const base = `/api/v1/predict/department/${dept}?as_of=${AS_OF}`;
    for (const bad of ["0", "13", "2.5", "x"]) {
      const res = await server.request("GET", `${base}&horizon=${bad}`, { token: f.tokens.analyst });
      expect(res.status, bad).toBe(422);
      expect(res.body.detail[0].loc).toEqual(["query", "horizon"]);
    }
    const twelve = await server.request("GET", `${base}&horizon=12`, { token: f.tokens.analyst });
    expect(twelve.status).toBe(200);
    expect(twelve.body.predictions.cost.points).toHaveLength(12);
    const one = await server.request("GET", `${base}&horizon=1`, { token: f.tokens.analyst });
    expect(one.body.predictions.cost.points).toHaveLength(1);
    for (const bad of ["2024-13", "2024-1", monthString(thisMonth)]) {
      const res = await server.request("GET", `/api/v1/predict/department/${dept}?as_of=${bad}`, { token: f.tokens.analyst });
      expect(res.status, bad).toBe(422);
      expect(res.body.detail[0].loc).toEqual(["query", "as_of"]);
    }
  });

  it.runIf(enabled)("forecasts employees, projects and the company; 404 for an unknown id", async () => {
    for (const path of [`employee/${emp}`, `project/${proj}`, "company"]) {
      const res = await server.request("GET", `/api/v1/predict/${path}?as_of=${AS_OF}`, { token: f.tokens.admin });
      expect(res.status, path).toBe(200);
      expect(res.body.predictions.revenue.points).toHaveLength(3);
    }
    const project = await server.request("GET", `/api/v1/predict/project/${proj}?as_of=${AS_OF}`, { token: f.tokens.admin });
    expect(project.body.project_id).toBe(proj);
    const employee = await server.request("GET", `/api/v1/predict/employee/${emp}?as_of=${AS_OF}`, { token: f.tokens.admin });
    // No allocation: the employee is under-allocated, with the figure that says so.
    expect(employee.body.recommendations).toContainEqual({
      kind: "under_allocation",
      severity: "high",
      subject: `employee:${emp}`,
      message: "Allocated 0%, below 70%",
      figure: { name: "allocation_percentage", value: 0, threshold: 70 },
    });
    expect((await server.request("GET", `/api/v1/predict/project/987654321`, { token: f.tokens.admin })).status).toBe(404);
  });

  it.runIf(enabled)("lets admins and analysts read forecasts, and only admins train", async () => {
    const url = `/api/v1/predict/department/${dept}?as_of=${AS_OF}`;
    expect((await server.request("GET", url, { token: f.tokens.department_head })).status).toBe(403);
    expect((await server.request("GET", url, { token: f.tokens.read_only })).status).toBe(403);
    expect((await server.request("GET", url)).status).toBe(401);
    expect((await server.request("POST", `/api/v1/predict/department/${dept}/train`, { token: f.tokens.analyst })).status).toBe(403);
    expect((await server.request("POST", `/api/v1/predict/train`, { token: f.tokens.analyst })).status).toBe(403);
  });

  it.runIf(enabled)("trains: the documented answer with figures measured on held-out months", async () => {
    const res = await server.request("POST", `/api/v1/predict/department/${dept}/train?as_of=${AS_OF}`, { token: f.tokens.admin });
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("success");
    expect(res.body.training_samples).toBe(14);
    expect(res.body.features_used).toEqual(["hours", "cost", "revenue", "profit"]);
    const accuracies = ["hours", "cost", "revenue", "profit"].map((k) => res.body.metrics[k].model_accuracy).filter((a) => a !== null);
    expect(res.body.model_accuracy).toBeCloseTo(accuracies.reduce((s, a) => s + a, 0) / accuracies.length, 12);
    const predicted = await server.request("GET", `/api/v1/predict/department/${dept}?as_of=${AS_OF}`, { token: f.tokens.admin });
    expect(res.body.metrics.hours.mae).toBe(predicted.body.model.figures.hours.holdout.mae);

    const all = await server.request("POST", `/api/v1/predict/train?as_of=${AS_OF}`, { token: f.tokens.admin });
    expect(all.status).toBe(200);
    expect(all.body.status).toBe("success");
    expect(all.body.metrics.departments.map((d: { department_id: number }) => d.department_id)).toEqual([dept]);
    expect(all.body.metrics.skipped.map((d: { department_id: number }) => d.department_id).sort()).toEqual([f.deptA, f.deptB, shortDept].sort((a, b) => a - b));
    expect(all.body.metrics.skipped.find((d: { department_id: number }) => d.department_id === shortDept)).toEqual({ department_id: shortDept, reason: "insufficient_history", needed: 6, available: 3 });
    expect(all.body.training_samples).toBe(14);
  });

  it.runIf(enabled)("training registers a `forecast` model version with its backtest figures; deployed, the department's forecasts use its choice", async () => {
    const storage = async () => (await server.store.transaction("default", (s) => s.usage.totals())).storage_bytes;
    const before = await storage();
    const one = await server.request("POST", `/api/v1/predict/department/${dept}/train?as_of=${AS_OF}`, { token: f.tokens.admin });
    const all = await server.request("POST", `/api/v1/predict/train?as_of=${AS_OF}`, { token: f.tokens.admin });
    expect(typeof one.body.model_id).toBe("number");
    expect(all.body.model_version).toBe(one.body.model_version + 1);
    const models = await server.request("GET", "/api/v1/ml/models?type=forecast", { token: f.tokens.analyst });
    expect(models.status).toBe(200);
    const [mine, everyone] = models.body.data.slice(-2);
    expect(mine).toMatchObject({ id: one.body.model_id, type: "forecast", version: one.body.model_version, status: "validated", hyperparameters: { scope: "department", departmentId: dept, asOf: AS_OF, horizon: 3 } });
    expect(mine.metrics.modelAccuracy).toBe(one.body.model_accuracy);
    expect(mine.metrics.trainingSamples).toBe(14);
    expect(mine.metrics.hoursMae).toBe(one.body.metrics.hours.mae);
    expect(mine.metrics.profitMase).toBe(one.body.metrics.profit.mase);
    expect(everyone).toMatchObject({ id: all.body.model_id, hyperparameters: { scope: "departments", departments: [dept] } });
    expect(everyone.metrics).toMatchObject({ modelAccuracy: all.body.model_accuracy, trainingSamples: 14, departmentsTrained: 1, departmentsSkipped: 3 });

    const url = `/api/v1/predict/department/${dept}?as_of=${AS_OF}`;
    const fresh = (await server.request("GET", url, { token: f.tokens.analyst })).body;
    expect(fresh.model.registry_model).toBeNull();
    const artifacts = (await server.request("GET", `/api/v1/ml/models/${all.body.model_id}/artifacts`, { token: f.tokens.analyst })).body.data.artifacts;
    const chosen = Object.fromEntries(["hours", "cost", "revenue", "profit"].map((k) => [k, fresh.predictions[k].model]));
    expect(artifacts).toEqual({ format: "epca-forecast-selection", version: fresh.model.version, as_of: AS_OF, horizon: 3, subjects: { [`department:${dept}`]: chosen } });
    // Both versions' artifacts count against max_storage_gb, like the allocation model's.
    const oneArtifacts = (await server.request("GET", `/api/v1/ml/models/${one.body.model_id}/artifacts`, { token: f.tokens.analyst })).body.data.artifacts;
    const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
    expect((await storage()) - before).toBe(bytes(oneArtifacts) + bytes(artifacts));

    expect((await server.request("POST", `/api/v1/ml/models/${all.body.model_id}/deploy`, { token: f.tokens.admin })).status).toBe(200);
    const deployed = (await server.request("GET", url, { token: f.tokens.analyst })).body;
    expect(deployed.model.registry_model).toEqual({ id: all.body.model_id, version: all.body.model_version });
    for (const figure of ["hours", "cost", "revenue", "profit"]) {
      expect(deployed.predictions[figure].model).toBe(chosen[figure]);
      expect(deployed.model.figures[figure].candidates.map((c: { type: string }) => c.type)).toEqual([chosen[figure]]);
      // The chosen model's backtest and forecast are the same as when it was chosen afresh.
      expect(deployed.predictions[figure].predicted).toBe(fresh.predictions[figure].predicted);
      expect(deployed.model.figures[figure].holdout.mae).toBe(fresh.model.figures[figure].holdout.mae);
    }
    // A forecast from before the deployed model's origin does not use a choice made on later months.
    const earlier = (await server.request("GET", `/api/v1/predict/department/${dept}?as_of=${addMonths(AS_OF, -1)}`, { token: f.tokens.analyst })).body;
    expect(earlier.model.registry_model).toBeNull();
  });

  it.runIf(enabled)("trains a tenant of more than 10 departments as a job: 202 with Location, the job's result is the answer", async () => {
    const { epca, system } = server;
    for (let i = 0; i < 8; i++) await epca.departments.create(system, { name: `Extra ${i}`, budget: 1 });
    const res = await server.request("POST", `/api/v1/predict/train?as_of=${AS_OF}`, { token: f.tokens.admin });
    expect(res.status).toBe(202);
    expect(res.headers.get("location")).toBe(`/api/v1/jobs/${res.body.job_id}`);
    const job = await server.request("GET", `/api/v1/jobs/${res.body.job_id}`, { token: f.tokens.admin });
    expect(job.body).toMatchObject({ type: "predictions.train", status: "queued" });
    const handler = jobHandlersOf(server.app.api.modules).get("predictions.train")!;
    const reported: [number, number | undefined][] = [];
    const result = (await handler({ type: "predictions.train", tenantId: "default", payload: { as_of: AS_OF }, epca: server.epca, signal: new AbortController().signal, progress: async (done, total) => void reported.push([done, total]) })) as {
      status: string;
      metrics: { departments: { department_id: number }[]; skipped: unknown[] };
    };
    expect(result.status).toBe("success");
    expect(result.metrics.departments.map((d) => d.department_id)).toEqual([dept]);
    expect(result.metrics.skipped).toHaveLength(11);
    expect(reported.at(-1)).toEqual([12, 12]);
  });
});
