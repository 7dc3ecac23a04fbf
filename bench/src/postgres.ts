/**
 * PostgreSQL benchmark of @epca/adapter-postgres, side by side with hand-written SQL:
 *  (a) company analytics through the adapter vs. one hand-written statement (same role, tenant);
 *  (b) importing the timesheets through `insertMany` (one transaction) vs. a raw COPY;
 *  (c) company analytics of one month (period facts from the rollups + core's formulas) vs. the
 *      hand-written statements computing the same facts over raw timesheets;
 *  (d) the company series over 24 months (monthly rollups, and from period facts for comparison); (e) a timesheet write with and without the rollup
 *      triggers; (f) RSS of the memory adapter holding the same timesheets.
 *
 * Server: EPCA_BENCH_DATABASE_URL (a superuser URL; a database is created on it), else a
 * throwaway cluster when initdb is found. Scale: EPCA_BENCH_SCALE (default 1 = 1,000,000 timesheets).
 * Timed repetitions of the analytics queries: EPCA_BENCH_REPETITIONS (default 7, the median is shown).
 *
 *   pnpm bench:postgres          (from the repository root: builds the packages, then runs this)
 */
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import copyStreams from "pg-copy-streams";
import { createPostgresStore, type PostgresStore } from "@epca/adapter-postgres";
import { createMemoryStore } from "@epca/adapter-memory";
import { analyticsSeries, companySeriesFromMonths, seriesTotal, type TimesheetInsert } from "@epca/core";
import { startThrowawayCluster } from "../../test-support/postgres-cluster.js";
import { batches, generateCompany, generateTimesheets, scaleOf, type CompanyScale } from "./generator.js";

const scaleFactor = Number(process.env.EPCA_BENCH_SCALE ?? "1");
if (!Number.isFinite(scaleFactor) || scaleFactor <= 0) throw new Error(`EPCA_BENCH_SCALE must be a positive number, got ${process.env.EPCA_BENCH_SCALE}`);
const repetitions = Number(process.env.EPCA_BENCH_REPETITIONS ?? "7");
const scale = scaleOf(scaleFactor);
const company = generateCompany(scale);

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Creates the tenant with the master data through the adapter; returns the ids by index. */
async function seedTenant(store: PostgresStore, tenantId: string) {
  await store.tenants.insert({
    id: tenantId,
    name: `Bench ${tenantId}`,
    subdomain: tenantId,
    plan: "enterprise",
    is_active: true,
    limits: { max_users: 10_000, max_projects: 50_000, max_storage_gb: 1_000, ml_training_hours: 1_000 },
  });
  return store.transaction(tenantId, async (s) => {
    const departmentIds: number[] = [];
    for (const d of company.departments) departmentIds.push((await s.departments.insert({ ...d, description: null })).id);
    const employeeIds: number[] = [];
    for (const e of company.employees) {
      const { department, ...rest } = e;
      employeeIds.push((await s.employees.insert({ ...rest, department_id: departmentIds[department]!, skills: [], is_active: true })).id);
    }
    const projectIds: number[] = [];
    for (const p of company.projects) {
      const { department, ...rest } = p;
      projectIds.push(
        (await s.projects.insert({ ...rest, department_id: departmentIds[department]!, end_date: null, estimated_end_date: null, description: null })).id,
      );
    }
    return { employeeIds, projectIds };
  });
}

/** (b1) every timesheet through the adapter, in one transaction. */
async function importThroughAdapter(store: PostgresStore, tenantId: string, ids: { employeeIds: number[]; projectIds: number[] }, s: CompanyScale) {
  const start = process.hrtime.bigint();
  const stored = await store.transaction(tenantId, async (scope) => {
    let count = 0;
    for (const batch of batches(generateTimesheets(s), 50_000)) {
      const rows: TimesheetInsert[] = batch.map((t) => ({
        employee_id: ids.employeeIds[t.employee]!,
        project_id: ids.projectIds[t.project]!,
        hours_worked: t.hours_worked,
        date: t.date,
        description: null,
        status: t.status,
        reviewed_by: null,
        reviewed_at: null,
        review_note: null,
      }));
      count += await scope.timesheets.insertMany(rows);
    }
    return count;
  });
  return { rows: stored, ms: ms(start) };
}

/** (b2) the same rows by a raw COPY as the table owner (a superuser: COPY FROM is refused under forced RLS otherwise). */
async function importByCopy(url: string, tenantId: string, ids: { employeeIds: number[]; projectIds: number[] }, s: CompanyScale) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const start = process.hrtime.bigint();
    await client.query("BEGIN");
    const copy = client.query(
      copyStreams.from("COPY timesheets (tenant_id, employee_id, project_id, hours_worked, date, description, status) FROM STDIN"),
    );
    const lines = (function* () {
      for (const batch of batches(generateTimesheets(s), 10_000)) {
        let chunk = "";
        for (const t of batch) {
          chunk += `${tenantId}\t${ids.employeeIds[t.employee]}\t${ids.projectIds[t.project]}\t${t.hours_worked}\t${t.date}\t\\N\t${t.status}\n`;
        }
        yield chunk;
      }
    })();
    await pipeline(Readable.from(lines), copy);
    await client.query("COMMIT");
    return { rows: Number(copy.rowCount), ms: ms(start) };
  } finally {
    await client.end();
  }
}

/** The company's facts of one month by hand-written statements over raw timesheets (what the rollups replace). */
const HAND_WRITTEN_MONTH_SQL = [
  `SELECT t.project_id, sum(t.hours_worked) AS hours, sum(t.hours_worked * e.salary) AS salary_hours
     FROM timesheets t JOIN employees e ON e.id = t.employee_id
    WHERE t.status <> 'rejected' AND t.date BETWEEN $1::date AND $2::date GROUP BY t.project_id`,
  `SELECT project_id, sum(hours_worked) AS total_hours FROM timesheets WHERE status <> 'rejected' GROUP BY project_id`,
  `SELECT id, salary, hire_date FROM employees`,
];

/** Times `work` `repetitions` times after one warm-up run; the median in ms and the last result. */
/** Whether two series differ: in length, or in a field (numbers within a relative 1e-9). */
function seriesDiffer(a: readonly object[], b: readonly object[]): boolean {
  return (
    a.length !== b.length ||
    a.some((point, i) =>
      Object.entries(point).some(([k, v]) => {
        const other = (b[i] as Record<string, unknown>)[k];
        return typeof v === "number" && typeof other === "number" ? Math.abs(v - other) > 1e-9 * Math.max(1, Math.abs(other)) : v !== other;
      }),
    )
  );
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const times: number[] = [];
  let result = await work();
  for (let i = 0; i < repetitions; i++) {
    const start = process.hrtime.bigint();
    result = await work();
    times.push(ms(start));
  }
  return { ms: median(times), result };
}

/** The figures of company analytics by one hand-written statement. */
const HAND_WRITTEN_COMPANY_SQL = `
SELECT (SELECT count(*) FROM departments)::int AS department_count,
       (SELECT count(*) FROM employees)::int AS employee_count,
       (SELECT sum(salary) FROM employees) AS salary_total,
       (SELECT count(*) FROM projects)::int AS project_count,
       (SELECT sum(cost) FROM projects) AS project_cost_total,
       (SELECT sum(revenue) FROM projects) AS project_revenue_total,
       (SELECT sum(hours_worked) FROM timesheets WHERE status <> 'rejected') AS total_hours`;

async function main() {
  const cluster = process.env.EPCA_BENCH_DATABASE_URL
    ? null
    : await startThrowawayCluster({ extraSettings: ["-c shared_buffers=1GB", "-c max_wal_size=8GB", "-c work_mem=64MB"] });
  const serverUrl = process.env.EPCA_BENCH_DATABASE_URL ?? cluster?.url;
  if (!serverUrl) throw new Error("No PostgreSQL: set EPCA_BENCH_DATABASE_URL or install PostgreSQL (initdb)");
  const dbName = `epca_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(serverUrl);
  url.pathname = `/${dbName}`;
  const dbUrl = url.toString();
  // The background refresh of the company's cached months (0013) is run by hand below, to measure it.
  const store = await createPostgresStore({ connectionString: dbUrl, migrate: true, poolSize: 4, rollupRefresh: false });
  try {
    const version = (await admin.query<{ server_version: string }>("SHOW server_version")).rows[0]!.server_version;
    console.log(`[epca bench] PostgreSQL ${version}; scale ${scaleFactor}: ${fmt(scale.departments)} departments, ${fmt(scale.employees)} employees, ${fmt(scale.projects)} projects, ${fmt(scale.timesheets)} timesheets`);

    let t0 = process.hrtime.bigint();
    const copyIds = await seedTenant(store, "bench-copy");
    const adapterIds = await seedTenant(store, "bench-adapter");
    console.log(`[epca bench] master data of two tenants stored through the adapter in ${fmt(ms(t0))} ms`);

    // (b) Import: COPY first, so the adapter loads into the larger table (any bias is against it).
    const copied = await importByCopy(dbUrl, "bench-copy", copyIds, scale);
    console.log(`[epca bench] raw COPY: ${fmt(copied.rows)} rows in ${fmt(copied.ms)} ms`);
    const imported = await importThroughAdapter(store, "bench-adapter", adapterIds, scale);
    console.log(`[epca bench] adapter insertMany: ${fmt(imported.rows)} rows in ${fmt(imported.ms)} ms`);
    // What the store's background refresh does within seconds of an import (0013), timed on its own.
    t0 = process.hrtime.bigint();
    const afterImport = await store.refreshRollups({ maxProjects: 100_000 });
    console.log(`[epca bench] background refresh after the imports: ${fmt(afterImport.projects)} projects of ${fmt(afterImport.tenants)} tenants in ${fmt(ms(t0))} ms`);

    t0 = process.hrtime.bigint();
    await admin.end();
    const maintenance = new pg.Client({ connectionString: dbUrl });
    await maintenance.connect();
    await maintenance.query("VACUUM ANALYZE");
    console.log(`[epca bench] VACUUM ANALYZE in ${fmt(ms(t0))} ms`);

    // (a) Company analytics of one tenant (the table holds both tenants' rows).
    const tenant = "bench-adapter";
    const adapterTimes: number[] = [];
    let adapterResult: unknown;
    for (let i = 0; i < repetitions + 1; i++) {
      const start = process.hrtime.bigint();
      adapterResult = await store.transaction(tenant, (s) => s.analytics.company());
      if (i > 0) adapterTimes.push(ms(start)); // the first run warms the cache
    }
    const rawTimes: number[] = [];
    let rawResult: Record<string, unknown> = {};
    await maintenance.query("BEGIN");
    await maintenance.query("SELECT set_config('app.tenant_id', $1, true)", [tenant]);
    await maintenance.query("SET LOCAL ROLE epca_app");
    for (let i = 0; i < repetitions + 1; i++) {
      const start = process.hrtime.bigint();
      rawResult = (await maintenance.query(HAND_WRITTEN_COMPANY_SQL)).rows[0];
      if (i > 0) rawTimes.push(ms(start));
    }
    await maintenance.query("COMMIT");
    const a = adapterResult as Record<string, number>;
    const same = Object.keys(a).every((k) => Math.abs(Number(rawResult[k] ?? 0) - a[k]!) <= 1e-6 * Math.max(1, Math.abs(a[k]!)));
    if (!same) throw new Error(`Analytics differ: adapter ${JSON.stringify(a)} vs SQL ${JSON.stringify(rawResult)}`);

    // (c) One month of company analytics: the adapter's period facts (rollups) + core's formulas.
    const options = { standardAnnualHours: 2080 };
    const month = { from: "2024-06-01", to: "2024-06-30" };
    const monthAdapter = await timed(() =>
      store.transaction(tenant, async (s) => seriesTotal(analyticsSeries(await s.analytics.periodFacts({ kind: "company" }, month), { kind: "company" }, month, options))),
    );
    const monthRaw = await timed(async () => {
      await maintenance.query("BEGIN");
      await maintenance.query("SELECT set_config('app.tenant_id', $1, true)", [tenant]);
      await maintenance.query("SET LOCAL ROLE epca_app");
      const [projectMonth] = [await maintenance.query(HAND_WRITTEN_MONTH_SQL[0]!, [month.from, month.to])];
      await maintenance.query(HAND_WRITTEN_MONTH_SQL[1]!);
      await maintenance.query(HAND_WRITTEN_MONTH_SQL[2]!);
      await maintenance.query("COMMIT");
      return projectMonth!.rows.reduce((sum, r) => sum + Number(r.hours), 0);
    });
    if (Math.abs(monthRaw.result - monthAdapter.result.hours) > 1e-6 * Math.max(1, monthRaw.result)) {
      throw new Error(`Month hours differ: adapter ${monthAdapter.result.hours} vs SQL ${monthRaw.result}`);
    }

    // (d) The company series over 24 months (the whole generated history), as `GET /analytics/company/series`
    // computes it: the company's monthly sums (rollups of 0012) + core's formulas; against the series from
    // the company's period facts (a bucket per project × month, every employee), which must agree.
    const twoYears = { from: "2023-01-01", to: "2024-12-31" };
    const companySeries = () => store.transaction(tenant, async (s) => companySeriesFromMonths(await s.analytics.companyMonths(twoYears), options));
    const series = await timed(companySeries);
    const seriesFromFacts = await timed(() =>
      store.transaction(tenant, async (s) => analyticsSeries(await s.analytics.periodFacts({ kind: "company" }, twoYears), { kind: "company" }, twoYears, options)),
    );
    if (seriesDiffer(series.result, seriesFromFacts.result)) throw new Error("The company series from its monthly rollups differs from the one from its period facts");

    // (e) Timesheet writes, each its own transaction, with and without the rollup triggers.
    const writes = Math.max(50, Math.min(1_000, Math.round(1_000 * scaleFactor)));
    const writeBatch = async () => {
      const ids: number[] = [];
      const start = process.hrtime.bigint();
      for (let i = 0; i < writes; i++) {
        const t = await store.transaction(tenant, (s) =>
          s.timesheets.insert({
            employee_id: adapterIds.employeeIds[i % adapterIds.employeeIds.length]!,
            project_id: adapterIds.projectIds[i % adapterIds.projectIds.length]!,
            hours_worked: 1.25,
            date: "2024-07-15",
            description: null,
            status: "approved",
            reviewed_by: null,
            reviewed_at: null,
            review_note: null,
          }),
        );
        ids.push(t.id);
      }
      const elapsed = ms(start);
      await store.transaction(tenant, async (s) => {
        for (const id of ids) await s.timesheets.delete(id);
      });
      return elapsed / writes;
    };
    const triggers = ["timesheet_rollups_insert", "timesheet_rollups_update", "timesheet_rollups_delete", "timesheets_company_month_insert", "timesheets_company_month_update", "timesheets_company_month_delete"];
    // Three rounds, each side in turn after a warm-up batch, so that a busy moment of the machine
    // does not land on one side only: the median batch of each side.
    const withoutTimes: number[] = [];
    const withTimes: number[] = [];
    for (let round = 0; round < 3; round++) {
      for (const name of triggers) await maintenance.query(`ALTER TABLE timesheets DISABLE TRIGGER ${name}`);
      if (round === 0) await writeBatch(); // warm-up
      withoutTimes.push(await writeBatch());
      for (const name of triggers) await maintenance.query(`ALTER TABLE timesheets ENABLE TRIGGER ${name}`);
      if (round === 0) await writeBatch();
      withTimes.push(await writeBatch());
    }
    const withoutRollups = median(withoutTimes);
    const withRollups = median(withTimes);
    // The writes left their projects marked (0013): the series corrects for them until the refresh.
    const marked = await store.withTenantSql(tenant, async (sql) => Number((await sql.query("SELECT count(*) AS n FROM company_month_pending")).rows[0]!.n));
    const seriesMarked = await timed(companySeries);
    const refreshStart = process.hrtime.bigint();
    const refreshed = await store.refreshRollups({ maxProjects: 100_000 });
    const refreshMs = ms(refreshStart);
    const seriesAfter = await timed(companySeries);
    if (seriesDiffer(seriesAfter.result, seriesMarked.result)) throw new Error("The company series before and after the background refresh differ");
    await maintenance.end();
    const rollupCheck = await store.verifyRollups();
    if (!rollupCheck.ok) throw new Error(`Rollups differ after the benchmark: ${JSON.stringify(rollupCheck.mismatches.slice(0, 3))}`);

    const adapterMs = median(adapterTimes);
    const rawMs = median(rawTimes);
    const adapterRate = imported.rows / (imported.ms / 1000);
    const copyRate = copied.rows / (copied.ms / 1000);
    console.log("");
    console.log("| measurement | adapter | hand-written / raw | ratio | goal |");
    console.log("| --- | ---: | ---: | ---: | --- |");
    console.log(
      `| company analytics, whole history, median of ${repetitions} (ms) | ${fmt(adapterMs, 1)} | ${fmt(rawMs, 1)} | ${fmt(adapterMs / rawMs, 2)}× | ≤ 0.3× ${adapterMs / rawMs <= 0.3 ? "✓" : "✗"} |`,
    );
    console.log(
      `| company analytics, one month (${month.from}…${month.to}), median (ms) | ${fmt(monthAdapter.ms, 1)} | ${fmt(monthRaw.ms, 1)} | ${fmt(monthAdapter.ms / monthRaw.ms, 2)}× | ≤ 0.3× ${monthAdapter.ms / monthRaw.ms <= 0.3 ? "✓" : "✗"} |`,
    );
    console.log(
      `| company series, 24 months (${series.result.length} points), median (ms): monthly rollups / from period facts | ${fmt(series.ms, 1)} | ${fmt(seriesFromFacts.ms, 1)} | ${fmt(series.ms / seriesFromFacts.ms, 2)}× | ≤ 50 ms ${series.ms <= 50 ? "✓" : "✗"} |`,
    );
    console.log(
      `| timesheet write, own transaction (ms), with / without rollup triggers | ${fmt(withRollups, 3)} | ${fmt(withoutRollups, 3)} | ${fmt(withRollups / withoutRollups, 2)}× | ≤ 1.5× ${withRollups / withoutRollups <= 1.5 ? "✓" : "✗"} |`,
    );
    console.log(
      `| company series, 24 months, with ${fmt(marked)} projects marked by the writes (no refresh between: the worst case) / after their refresh, median (ms) | ${fmt(seriesMarked.ms, 1)} | ${fmt(seriesAfter.ms, 1)} | ${fmt(seriesMarked.ms / seriesAfter.ms, 2)}× | (the refresh runs every 5 s) |`,
    );
    console.log(
      `| background refresh of the ${fmt(refreshed.projects)} marked projects (ms, one run) | ${fmt(refreshMs, 1)} | | | |`,
    );
    console.log(
      `| import ${fmt(scale.timesheets)} timesheets (rows/s) | ${fmt(adapterRate)} | ${fmt(copyRate)} | ${fmt(adapterRate / copyRate, 2)} | ≥ 0.5 ${adapterRate / copyRate >= 0.5 ? "✓" : "✗"} |`,
    );
    console.log("");
    console.log(`[epca bench] company figures: ${JSON.stringify(a)}`);
    console.log(`[epca bench] rollups verified: ${fmt(rollupCheck.buckets)} buckets equal a rebuild`);
  } finally {
    await store.close();
    const cleanup = new pg.Client({ connectionString: serverUrl });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
    await cleanup.end();
    cluster?.stop();
  }
}

/** (f) RSS of the memory adapter holding the same timesheets (one process, after the PostgreSQL part). */
async function memoryFootprint() {
  const before = process.memoryUsage().rss;
  const store = createMemoryStore();
  const ids = await store.transaction("default", async (s) => {
    const departmentIds: number[] = [];
    for (const d of company.departments) departmentIds.push((await s.departments.insert({ ...d, description: null })).id);
    const employeeIds: number[] = [];
    for (const e of company.employees) {
      const { department, ...rest } = e;
      employeeIds.push((await s.employees.insert({ ...rest, department_id: departmentIds[department]!, skills: [], is_active: true })).id);
    }
    const projectIds: number[] = [];
    for (const p of company.projects) {
      const { department, ...rest } = p;
      projectIds.push((await s.projects.insert({ ...rest, department_id: departmentIds[department]!, end_date: null, estimated_end_date: null, description: null })).id);
    }
    return { employeeIds, projectIds };
  });
  let t0 = process.hrtime.bigint();
  let rows = 0;
  for (const batch of batches(generateTimesheets(scale), 50_000)) {
    rows += await store.transaction("default", (s) =>
      s.timesheets.insertMany(
        batch.map((t) => ({
          employee_id: ids.employeeIds[t.employee]!,
          project_id: ids.projectIds[t.project]!,
          hours_worked: t.hours_worked,
          date: t.date,
          description: null,
          status: t.status,
          reviewed_by: null,
          reviewed_at: null,
          review_note: null,
        })),
      ),
    );
  }
  const loadMs = ms(t0);
  const after = process.memoryUsage().rss;
  t0 = process.hrtime.bigint();
  const month = { from: "2024-06-01", to: "2024-06-30" };
  await store.transaction("default", async (s) => analyticsSeries(await s.analytics.periodFacts({ kind: "company" }, month), { kind: "company" }, month, { standardAnnualHours: 2080 }));
  const monthMs = ms(t0);
  console.log(
    `[epca bench] memory adapter: ${fmt(rows)} timesheets loaded in ${fmt(loadMs)} ms; RSS ${fmt(before / 2 ** 20)} MiB → ${fmt(after / 2 ** 20)} MiB (+${fmt((after - before) / 2 ** 20)} MiB, ${fmt((after - before) / rows)} bytes a timesheet); one month of company analytics in ${fmt(monthMs)} ms`,
  );
  await store.close();
}

main()
  .then(() => (process.exitCode ? undefined : memoryFootprint()))
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
