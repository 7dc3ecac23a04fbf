/**
 * Load and soak test of `epca serve` on PostgreSQL with the benchmark dataset: autocannon on
 * loopback with a realistic mix per connection, in order, over and over (of 20 requests: 1 login,
 * 6 employee lists, 5 employee reads, 4 analytics reads, 4 timesheet writes), every limit on but
 * far above the load (shared rate-limit counters included), a log line per request (to /dev/null),
 * metrics, helmet and CORS on. Prints sustained req/s, p50/p95/p99 latency, errors and non-2xx by
 * status.
 *
 *   pnpm bench:load                   (a short load: EPCA_LOAD_SECONDS, default 30)
 *   pnpm bench:load --minutes 10      (a soak: RSS and heap of the server sampled every 10 s, with
 *                                      the slope of each, MB per minute, over the whole run and
 *                                      over its second half)
 *
 * Server: EPCA_BENCH_DATABASE_URL (a superuser URL; a database is created on it), else a throwaway
 * cluster (fsync off: this measures the server, not the disk). Dataset: EPCA_BENCH_SCALE (default
 * 0.05 of bench:postgres's: 500 employees, 100 projects, 50,000 timesheets). Connections:
 * EPCA_LOAD_CONNECTIONS (default 20). `epca serve --workers N`: EPCA_LOAD_WORKERS.
 * Needs the build (`pnpm bench:load` builds first).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import pg from "pg";
import { createPostgresStore, type PostgresStore } from "@epca/adapter-postgres";
import { createEpca, systemActor, type TimesheetInsert } from "@epca/core";
import { createScryptPasswordHasher } from "@epca/server";
import { startThrowawayCluster } from "../../test-support/postgres-cluster.js";
import { startEpcaServe, type EpcaServe } from "./epca-serve.js";
import { batches, generateCompany, generateTimesheets, scaleOf } from "./generator.js";

interface AutocannonRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: AutocannonRequest) => AutocannonRequest;
}
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p97_5: number; p99: number; average: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  statusCodeStats: Record<string, { count: number }>;
}
interface AutocannonInstance extends PromiseLike<AutocannonResult> {
  on(event: "response", listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void): void;
}
type Autocannon = (options: { url: string; connections: number; duration: number; requests: AutocannonRequest[]; timeout?: number }) => AutocannonInstance;
const require = createRequire(import.meta.url);
const autocannon = require("autocannon") as Autocannon;

const argMinutes = process.argv.indexOf("--minutes");
const soakMinutes = argMinutes > 0 ? Number(process.argv[argMinutes + 1]) : 0;
const seconds = soakMinutes > 0 ? Math.round(soakMinutes * 60) : Number(process.env.EPCA_LOAD_SECONDS ?? "30");
const connections = Number(process.env.EPCA_LOAD_CONNECTIONS ?? "20");
const scale = scaleOf(Number(process.env.EPCA_BENCH_SCALE ?? "0.05"));
const SECRET = "load-secret-key-that-is-at-least-32-characters";
const PASSWORD = "load-password-123";
/** 2025's days: after every generated hire date (2023–2024), and in the past. */
const AFTER_HIRES = Array.from({ length: 365 }, (_, i) => new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString().slice(0, 10));

async function prepareDatabase(): Promise<{ url: string; close(): Promise<void> }> {
  let serverUrl = process.env.EPCA_BENCH_DATABASE_URL;
  const cluster = serverUrl ? null : await startThrowawayCluster({ maxConnections: 200 });
  if (!serverUrl && !cluster) throw new Error("needs EPCA_BENCH_DATABASE_URL or initdb on PATH");
  serverUrl ??= cluster!.url;
  const name = `epca_load_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async close() {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
      cluster?.stop();
    },
  };
}

/** The benchmark company in the default tenant, and the users of the mix. */
async function seed(store: PostgresStore) {
  const company = generateCompany(scale);
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
    for (const batch of batches(generateTimesheets(scale), 10_000)) {
      const rows: TimesheetInsert[] = batch.map((t) => ({
        employee_id: employeeIds[t.employee]!,
        project_id: projectIds[t.project]!,
        hours_worked: t.hours_worked,
        date: t.date,
        description: null,
        status: t.status,
        reviewed_by: null,
        reviewed_at: null,
        review_note: null,
      }));
      await s.timesheets.insertMany(rows);
    }
    // Timesheets go to projects in progress (on hold, completed and planned ones refuse hours).
    const openProjectIds = projectIds.filter((_, i) => company.projects[i]!.status === "in_progress");
    return { departmentIds, employeeIds, projectIds, openProjectIds };
  });
  const epca = createEpca({ store, passwordHasher: createScryptPasswordHasher({ logN: 14 }) });
  const system = systemActor("default");
  await epca.users.create(system, { email: "load-admin@bench.example", password: PASSWORD, full_name: "Load Admin", role: "admin" });
  await epca.users.create(system, { email: "load-analyst@bench.example", password: PASSWORD, full_name: "Load Analyst", role: "analyst" });
  return ids;
}

/** `epca serve` in a child process; its log lines go nowhere once the banner is read. */
function startServer(databaseUrl: string): Promise<EpcaServe> {
  const workers = process.env.EPCA_LOAD_WORKERS;
  return startEpcaServe({
    args: workers ? ["--workers", workers] : [],
    env: {
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      SECRET_KEY: SECRET,
      LOG_LEVEL: "info",
      JSON_LOGS: "true",
      RATE_LIMIT_PER_MINUTE: "1000000",
      RATE_LIMIT_PER_HOUR: "100000000",
      AUTH_RATE_LIMIT_PER_MINUTE: "1000000",
      AUTH_RATE_LIMIT_PER_IP_PER_MINUTE: "1000000",
    },
  });
}

async function login(base: string, email: string): Promise<string> {
  const response = await fetch(`${base}/api/v1/auth/login`, { method: "POST", body: new URLSearchParams({ username: email, password: PASSWORD }) });
  if (response.status !== 200) throw new Error(`login ${email}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/** The mix, one connection's cycle of 20 requests. */
function mix(tokens: { admin: string; analyst: string }, ids: { departmentIds: number[]; employeeIds: number[]; openProjectIds: number[] }): AutocannonRequest[] {
  let n = 0;
  const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)]!;
  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const list: AutocannonRequest = { path: "/api/v1/employees/?limit=50", headers: as(tokens.analyst), setupRequest: (r) => ({ ...r, path: `/api/v1/employees/?skip=${50 * Math.floor(Math.random() * 10)}&limit=50` }) };
  const read: AutocannonRequest = { path: "/api/v1/employees/1", headers: as(tokens.analyst), setupRequest: (r) => ({ ...r, path: `/api/v1/employees/${pick(ids.employeeIds)}` }) };
  const analytics = [
    { path: "/api/v1/analytics/company", headers: as(tokens.analyst) },
    { path: "/api/v1/analytics/top-performers?limit=10", headers: as(tokens.analyst) },
    { path: "/api/v1/analytics/departments/1", headers: as(tokens.analyst), setupRequest: (r: AutocannonRequest) => ({ ...r, path: `/api/v1/analytics/departments/${pick(ids.departmentIds)}` }) },
    { path: "/api/v1/analytics/employees/1", headers: as(tokens.analyst), setupRequest: (r: AutocannonRequest) => ({ ...r, path: `/api/v1/analytics/employees/${pick(ids.employeeIds)}` }) },
  ];
  const write: AutocannonRequest = {
    method: "POST",
    path: "/api/v1/timesheets/",
    headers: { ...as(tokens.admin), "content-type": "application/json" },
    setupRequest: (r) => ({
      ...r,
      body: JSON.stringify({ employee_id: pick(ids.employeeIds), project_id: pick(ids.openProjectIds), hours_worked: 0.25, date: AFTER_HIRES[(n++ * 7919) % AFTER_HIRES.length], description: "load" }),
    }),
  };
  const loginRequest: AutocannonRequest = {
    method: "POST",
    path: "/api/v1/auth/login",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username: "load-analyst@bench.example", password: PASSWORD }).toString(),
  };
  return [loginRequest, list, read, write, analytics[0]!, list, read, list, write, analytics[1]!, read, list, write, analytics[2]!, list, read, list, write, analytics[3]!, read];
}

/** RSS (from /proc) and V8 heap used (from /metrics) of the server, in MB. */
async function sample(pid: number, base: string): Promise<{ rss: number; heap: number }> {
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? NaN);
  const metrics = await (await fetch(`${base}/metrics`)).text();
  const heap = Number(/^nodejs_heap_size_used_bytes (\S+)/m.exec(metrics)?.[1] ?? NaN);
  return { rss: rssKb / 1024, heap: heap / 1024 / 1024 };
}

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return num / den;
}

async function main(): Promise<void> {
  const database = await prepareDatabase();
  process.stderr.write(`seeding ${scale.employees} employees, ${scale.projects} projects, ${scale.timesheets} timesheets…\n`);
  const seedStore = await createPostgresStore({ connectionString: database.url, migrate: true, poolSize: 2 });
  const ids = await seed(seedStore);
  await seedStore.close();
  const server = await startServer(database.url);
  try {
    const tokens = { admin: await login(server.base, "load-admin@bench.example"), analyst: await login(server.base, "load-analyst@bench.example") };
    const requests = mix(tokens, ids);
    // One of each first: a request the mix gets wrong fails here, not as thousands of non-2xx.
    for (const r of [...requests.slice(0, 5), ...requests.slice(9, 10), ...requests.slice(13, 14), ...requests.slice(18, 19)]) {
      const shaped = r.setupRequest ? r.setupRequest(r) : r;
      const t0 = Date.now();
      const res = await fetch(server.base + shaped.path, { method: shaped.method ?? "GET", headers: shaped.headers ?? {}, ...(shaped.body ? { body: shaped.body } : {}) });
      const text = await res.text();
      if (res.status >= 300) throw new Error(`${shaped.method ?? "GET"} ${shaped.path}: ${res.status} ${text}`);
      process.stderr.write(`  ${shaped.method ?? "GET"} ${shaped.path}: ${res.status} in ${Date.now() - t0} ms\n`);
    }
    process.stderr.write(`${soakMinutes > 0 ? `soak, ${soakMinutes} min` : `load, ${seconds} s`} × ${connections} connections…\n`);
    const samples: { t: number; rss: number; heap: number }[] = [];
    const started = Date.now();
    const pid = server.child.pid!;
    const sampler = setInterval(() => {
      void sample(pid, server.base).then((s) => samples.push({ t: (Date.now() - started) / 60_000, ...s }), () => undefined);
    }, 10_000);
    samples.push({ t: 0, ...(await sample(pid, server.base)) });
    // Every response's latency, for exact percentiles (autocannon reports p90 and p97.5, not p95).
    const latencies: number[] = [];
    const instance = autocannon({ url: server.base, connections, duration: seconds, requests, timeout: 30 });
    instance.on("response", (_client, _status, _bytes, ms) => latencies.push(ms));
    const result = await instance;
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]!.toFixed(0) : "n/a");
    clearInterval(sampler);
    samples.push({ t: (Date.now() - started) / 60_000, ...(await sample(pid, server.base)) });

    const statuses = Object.entries(result.statusCodeStats)
      .map(([code, s]) => `${code}: ${s.count}`)
      .join(", ");
    console.log(
      `epca serve${process.env.EPCA_LOAD_WORKERS ? ` --workers ${process.env.EPCA_LOAD_WORKERS}` : ""} on PostgreSQL, ${scale.employees} employees / ${scale.timesheets} timesheets, ` +
        `${connections} connections, ${seconds} s, mix per 20: 1 login, 6 lists, 5 reads, 4 analytics, 4 timesheet writes`,
    );
    console.log(`sustained ${result.requests.average.toFixed(0)} req/s (${result.requests.total} requests)`);
    console.log(`latency p50 ${pct(50)} ms   p95 ${pct(95)} ms   p99 ${pct(99)} ms   max ${result.latency.max} ms`);
    console.log(`errors ${result.errors}   timeouts ${result.timeouts}   non-2xx ${result.non2xx}   (${statuses})`);
    const first = samples[0]!;
    const last = samples.at(-1)!;
    console.log(`server RSS ${first.rss.toFixed(0)} → ${last.rss.toFixed(0)} MB, heap used ${first.heap.toFixed(0)} → ${last.heap.toFixed(0)} MB (${samples.length} samples)`);
    if (soakMinutes > 0) {
      const half = samples.filter((s) => s.t >= last.t / 2);
      const fmt = (v: number) => `${v >= 0 ? "+" : ""}${v.toFixed(2)} MB/min`;
      console.log(`slope, whole run: RSS ${fmt(slope(samples.map((s) => ({ x: s.t, y: s.rss }))))}, heap ${fmt(slope(samples.map((s) => ({ x: s.t, y: s.heap }))))}`);
      console.log(`slope, second half: RSS ${fmt(slope(half.map((s) => ({ x: s.t, y: s.rss }))))}, heap ${fmt(slope(half.map((s) => ({ x: s.t, y: s.heap }))))}`);
      console.log("samples (min, RSS MB, heap MB): " + samples.map((s) => `${s.t.toFixed(1)}/${s.rss.toFixed(0)}/${s.heap.toFixed(0)}`).join(" "));
    }
    if (result.errors > 0 || result.non2xx > 0) process.exitCode = 1;
  } finally {
    await server.stop();
    await database.close();
  }
}

await main();
