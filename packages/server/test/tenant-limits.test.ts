/**
 * Plan limits where they bite beyond users and projects (issue 12, "Plans and usage"), over real
 * HTTP with MULTI_TENANT=true on memory, PGlite and PostgreSQL: stored report files count against
 * `max_storage_gb` in the unit of work that stores them (sequentially up to a 403 naming the limit,
 * and 20 parallel stores at a limit allowing 5 keep exactly 5), a purge gives the bytes back once
 * however many purges run at once; a training job is refused when the month's `ml_training_hours`
 * are used up (at the route and when the job starts) and a job's measured duration is charged
 * however it ends; predictions are counted in the daily usage.
 */
import { BYTES_PER_GB, createEpca, systemActor, type Clock } from "@epca/core";
import { createReportUseCases, type ReportRequest } from "@epca/reports";
import { builtInModules, jobHandlersOf, startModuleWorker } from "@epca/server";
import { addMonths, monthString } from "@epca/ml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD, startServer, type TestServer } from "./support/harness.js";
import { memoryStoreFactory, pgliteStoreFactory, postgresServerUrl, postgresStoreFactory, type StoreFactory } from "./support/stores.js";

const ROOT = "root@platform.example";
const ADMIN = "admin@globex.example";
const ADMIN_PASSWORD = "globex-password-1";
const REPORT = { report_type: "csv", from: "2026-01-01", to: "2026-03-31" };

const FACTORIES: Array<[string, StoreFactory, boolean]> = [
  ["memory", memoryStoreFactory, true],
  ["PGlite", pgliteStoreFactory, true],
  ["PostgreSQL", postgresStoreFactory, Boolean(postgresServerUrl)],
];

/** A clock the test moves forward (report retention). */
function movableClock(): Clock & { offsetMs: number } {
  const clock = { offsetMs: 0, now: () => new Date(Date.now() + clock.offsetMs) };
  return clock;
}

describe.each(FACTORIES)("plan limits of reports, models and training on %s", (_name, factory, available) => {
  let t: TestServer;
  let root = "";
  let tenant = "";
  let token = "";
  /** Bytes of one stored report of REPORT. */
  let size = 0;
  const clock = movableClock();

  const call = (method: string, path: string, as: string, body?: unknown) => t.request(method, `/api/v1${path}`, { token: as, ...(body !== undefined ? { body } : {}) });
  const usage = async () => (await call("GET", `/tenants/${tenant}/usage`, root)).body;
  const setLimits = async (limits: Record<string, number>) => expect((await call("PATCH", `/tenants/${tenant}`, root, { limits })).status).toBe(200);

  beforeAll(async () => {
    if (!available) return;
    const opened = await factory();
    t = await startServer(opened.store, { MULTI_TENANT: true, FIRST_ADMIN_EMAIL: ROOT, REPORT_RETENTION_DAYS: 1 }, { closeStore: opened.close, clock });
    await t.epca.users.create(systemActor("default"), { email: ROOT, password: PASSWORD, full_name: "Root", role: "admin" });
    const login = (email: string, password: string, tenantId: string) =>
      t.request("POST", "/api/v1/auth/login", { body: { username: email, password }, headers: { "x-tenant-id": tenantId } });
    root = (await login(ROOT, PASSWORD, "default")).body.access_token;
    const created = await call("POST", "/tenants/", root, { name: "Globex", subdomain: "globex", plan: "starter", admin_email: ADMIN, admin_password: ADMIN_PASSWORD });
    expect(created.status).toBe(201);
    tenant = created.body.id;
    token = (await login(ADMIN, ADMIN_PASSWORD, tenant)).body.access_token;
  });
  afterAll(async () => {
    await t?.close();
  });

  it.runIf(available)("stored report files count against max_storage_gb: the one that does not fit is a 403 naming the limit, nothing kept", async () => {
    const first = await call("POST", "/reports/files", token, REPORT);
    expect(first.status).toBe(201);
    expect(first.headers.get("location")).toBe(`/api/v1/reports/files/${first.body.id}`);
    size = first.body.size;
    expect(size).toBeGreaterThan(100);
    expect((await usage()).current.storage_bytes).toBe(size);

    // Room for three files and a half.
    const max = (3.5 * size) / BYTES_PER_GB;
    await setLimits({ max_storage_gb: max });
    for (let i = 0; i < 2; i++) expect((await call("POST", "/reports/files", token, REPORT)).status).toBe(201);
    const refused = await call("POST", "/reports/files", token, REPORT);
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ detail: `Plan limit reached: max_storage_gb is ${max} on this tenant's plan` });
    const files = await call("GET", "/reports/files", token);
    expect(files.body.map((f: { size: number }) => f.size)).toEqual([size, size, size]);
    expect((await usage()).current.storage_bytes).toBe(3 * size);
  });

  it.runIf(available)("a background report that does not fit fails its job at its first attempt, naming the limit (no retry renders it again)", async () => {
    const started = await call("GET", `/reports/generate?report_type=${REPORT.report_type}&from=${REPORT.from}&to=${REPORT.to}&async=true`, token);
    expect(started.status).toBe(202);
    const location = started.headers.get("location")!;
    let job: { status: string; attempts: number; error: string | null } = started.body;
    // A worker as `epca serve` runs one; without the rule it would retry twice (the default policy).
    const worker = startModuleWorker({ queue: t.jobs, modules: builtInModules(), epca: t.epca, pollMs: 10 });
    try {
      for (let i = 0; i < 200 && !["failed", "succeeded"].includes(job.status); i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        job = (await t.request("GET", location, { token })).body;
      }
      // Long enough for a retry (the default policy waits 5 s) to have shown.
      if (job.status === "failed") await new Promise((resolve) => setTimeout(resolve, 200));
      job = (await t.request("GET", location, { token })).body;
    } finally {
      await worker.stop();
    }
    expect({ status: job.status, attempts: job.attempts }).toEqual({ status: "failed", attempts: 1 });
    expect(job.error).toContain("max_storage_gb");
    expect((await usage()).current.storage_bytes).toBe(3 * size);
  });

  it.runIf(available)("expired files give their bytes back exactly once, however many purges run at once", async () => {
    clock.offsetMs = 86_400_000 + 60_000;
    try {
      // Twenty purges at once, each its own unit of work: the three files are deleted and released once.
      const reports = createEpca({ store: t.store, clock, passwordHasher: null }).extend(createReportUseCases());
      const purged = await Promise.all(Array.from({ length: 20 }, () => reports.purgeExpired(systemActor(tenant))));
      expect(purged.reduce((a, b) => a + b, 0)).toBe(3);
      expect((await usage()).current.storage_bytes).toBe(0);
      expect((await call("GET", "/reports/files", token)).body).toEqual([]);
    } finally {
      clock.offsetMs = 0;
    }
  });

  it.runIf(available)("20 parallel stores at a limit allowing 5 keep exactly 5; the rest are 403 naming the limit", async () => {
    const max = (5.5 * size) / BYTES_PER_GB;
    await setLimits({ max_storage_gb: max });
    const answers = await Promise.all(Array.from({ length: 20 }, () => call("POST", "/reports/files", token, REPORT)));
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 403)).toHaveLength(15);
    expect(answers.find((a) => a.status === 403)!.body).toEqual({ detail: `Plan limit reached: max_storage_gb is ${max} on this tenant's plan` });
    expect((await call("GET", "/reports/files", token)).headers.get("x-total-count")).toBe("5");
    expect((await usage()).current.storage_bytes).toBe(5 * size);
  });

  it.runIf(available)("20 parallel keeps of a rendered report, each its own unit of work, at a limit allowing 5 keep exactly 5", async () => {
    // No rendering inside the units of work: their checks all run at once, so only the limit's lock keeps them apart.
    const actor = systemActor(tenant);
    const reports = t.epca.extend(createReportUseCases());
    expect(await reports.purgeExpired(actor)).toBe(0);
    for (const f of await reports.listFiles(actor)) expect(f.size).toBe(size);
    const report = await reports.generate(actor, REPORT as ReportRequest);
    expect(report.bytes.byteLength).toBe(size);
    await setLimits({ max_storage_gb: (10.5 * size) / BYTES_PER_GB });
    const kept = await Promise.allSettled(Array.from({ length: 20 }, () => reports.keep(actor, report, { retentionDays: 1 })));
    expect(kept.filter((k) => k.status === "fulfilled")).toHaveLength(5);
    expect(kept.filter((k) => k.status === "rejected").map((k) => (k as PromiseRejectedResult).reason.code)).toEqual(Array.from({ length: 15 }, () => "plan_limit_reached"));
    expect(await reports.listFiles(actor)).toHaveLength(10);
    expect((await usage()).current.storage_bytes).toBe(10 * size);
  });

  it.runIf(available)("a training job is refused with a 403 naming ml_training_hours once the month's time is used up", async () => {
    await setLimits({ ml_training_hours: 1 });
    const actor = systemActor(tenant);
    await t.epca.tenants.recordTrainingTime(actor, 3599);
    expect((await call("POST", "/ml/training/jobs", token, { epochs: 10 })).status).toBe(202); // one second left
    await t.epca.tenants.recordTrainingTime(actor, 1);
    const refused = await call("POST", "/ml/training/jobs", token, { epochs: 10 });
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ detail: "Plan limit reached: ml_training_hours is 1 on this tenant's plan" });
    // A job queued before the time ran out is refused when it starts.
    const train = jobHandlersOf(t.app.api.modules).get("ml.train")!;
    const run = () => train({ type: "ml.train", tenantId: tenant, payload: { epochs: 10, training_key: "limits" }, epca: t.epca, signal: new AbortController().signal, progress: async () => undefined });
    await expect(run()).rejects.toMatchObject({ code: "plan_limit_reached", limit: "ml_training_hours", max: 1 });
    expect((await usage()).current.ml_training_hours_this_month).toBe(1);

    // With time left the job runs; its measured duration is charged even when the training fails (no allocations here).
    await setLimits({ ml_training_hours: 2 });
    const started = performance.now();
    await expect(run()).rejects.toThrow();
    const elapsed = (performance.now() - started) / 1000;
    const charged = (await usage()).current.ml_training_hours_this_month * 3600 - 3600;
    expect(charged).toBeGreaterThan(0);
    expect(charged).toBeLessThanOrEqual(elapsed);
  });

  it.runIf(available)("every forecast answered counts one prediction in the day's usage", async () => {
    const actor = systemActor(tenant);
    const first = monthString(new Date().getUTCFullYear() * 12 + new Date().getUTCMonth() - 15);
    const dept = await t.epca.departments.create(actor, { name: "Forecasting", budget: 200_000 });
    const emp = await t.epca.employees.create(actor, { name: "Fay Forecast", department_id: dept.id, salary: 104_000, hire_date: `${addMonths(first, -1)}-01` });
    const proj = await t.epca.projects.create(actor, { name: "Series", department_id: dept.id, status: "in_progress", revenue: 90_000, cost: 10_000, start_date: `${addMonths(first, -1)}-01` });
    for (let i = 0; i < 14; i++) {
      for (let d = 1; d <= 2; d++) {
        await t.epca.timesheets.create(actor, { employee_id: emp.id, project_id: proj.id, hours_worked: 4 + (i % 3) + d, date: `${addMonths(first, i)}-${String(d * 10).padStart(2, "0")}` });
      }
    }
    const today = clock.now().toISOString().slice(0, 10);
    const before = (await usage()).days.find((d: { date: string }) => d.date === today)?.predictions ?? 0;
    for (let i = 0; i < 3; i++) expect((await call("GET", "/predict/company", token)).status).toBe(200);
    expect((await call("GET", `/predict/department/${dept.id}`, token)).status).toBe(200);
    // A refused forecast is no prediction.
    expect((await call("GET", "/predict/department/987654", token)).status).toBe(404);
    const day = (await usage()).days.find((d: { date: string }) => d.date === today);
    expect(day.predictions).toBe(before + 4);
  });
});
