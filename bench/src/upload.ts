/**
 * Upload benchmark: a 1,000,000-row timesheet CSV (our own columns) through
 * `POST /api/v1/upload/timesheets` (real HTTP, multipart, streamed; every row checked by core's
 * rules; stored by INSERT … SELECT FROM unnest in one transaction) against a raw `COPY … FROM
 * STDIN (FORMAT csv)` of the very same file into the same table, in the same run. Prints rows/s of
 * both, their ratio (goal ≥ 0.5×) and the peak RSS of the server, which is the built `epca serve`
 * (packages/cli/dist, as users run it, not TypeScript transpiled at load) in a child process of
 * its own so that the RSS (VmHWM) is its own (goal < 300 MB).
 *
 * Server: EPCA_BENCH_DATABASE_URL (a superuser URL; a database is created on it), else a throwaway
 * cluster when initdb is found. Rows: EPCA_BENCH_UPLOAD_ROWS (default 1,000,000). Looking inside:
 * EPCA_BENCH_SERVER_NODE_OPTIONS (Node flags of the server), EPCA_BENCH_SERVER_LOG (its stdout),
 * EPCA_BENCH_RSS_SAMPLES=1 (its RSS every 250 ms), EPCA_BENCH_PG_SAMPLES=1 (pg_stat_activity).
 *
 *   pnpm bench:upload          (from the repository root: builds the packages, then runs this)
 */
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, readFileSync } from "node:fs";
import { startEpcaServe } from "./epca-serve.js";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import copyStreams from "pg-copy-streams";
import { createPostgresStore } from "@epca/adapter-postgres";
import { postgresUploads } from "@epca/adapter-postgres/uploads";
import { createEpca, systemActor } from "@epca/core";
import { createScryptPasswordHasher } from "@epca/server";
import { startThrowawayCluster } from "../../test-support/postgres-cluster.js";

const ROWS = Number(process.env.EPCA_BENCH_UPLOAD_ROWS ?? "1000000");
const EMPLOYEES = 10_000;
const PROJECTS = 2_000;
const TENANT = "default";
const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

/** Writes the CSV: employee i % 10,000 on day ⌊i / 10,000⌋ of 2024 (1–8 h), so no day passes 24 h even loaded twice. */
async function writeCsv(path: string, employeeIds: number[], projectIds: number[]) {
  const day0 = Date.UTC(2024, 0, 1);
  function* lines() {
    yield "employee_id,project_id,hours_worked,date,description\n";
    let chunk = "";
    for (let i = 0; i < ROWS; i++) {
      const date = new Date(day0 + Math.floor(i / EMPLOYEES) * 86_400_000).toISOString().slice(0, 10);
      chunk += `${employeeIds[i % EMPLOYEES]},${projectIds[(i * 7) % PROJECTS]},${1 + (i % 8)},${date},task ${i % 100}\n`;
      if (chunk.length > 64 * 1024) {
        yield chunk;
        chunk = "";
      }
    }
    if (chunk) yield chunk;
  }
  await pipeline(lines, createWriteStream(path));
}

/** The file through the upload route: a streamed multipart request; answers the import's answer. */
function upload(base: string, token: string, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const boundary = `----epcabench${randomBytes(8).toString("hex")}`;
  const url = new URL(`${base}/api/v1/upload/timesheets`);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": `multipart/form-data; boundary=${boundary}`, "transfer-encoding": "chunked" } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
      },
    );
    req.on("error", reject);
    req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="timesheets.csv"\r\nContent-Type: text/csv\r\n\r\n`);
    const file = createReadStream(path);
    file.on("error", reject);
    file.on("end", () => req.end(`\r\n--${boundary}--\r\n`));
    file.pipe(req, { end: false });
  });
}

const SECRET = "bench-secret-key-that-is-at-least-32-characters-long";
/** The built command, as users run it (`epca serve`): `pnpm bench:upload` builds it first. */
/** Resident set size now (VmRSS) and at its peak so far (VmHWM) of a process, in MB, from /proc. */
function rssOf(pid: number): { now: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? NaN);
  return { now: kb("VmRSS") / 1024, peak: kb("VmHWM") / 1024 };
}

/**
 * `epca serve` from the built CLI over `dbUrl` in a child process (its RSS is its own), with the
 * worker of its jobs as a user runs it; `EPCA_BENCH_SERVER_NODE_OPTIONS` adds Node flags to it
 * (`--cpu-prof`, `--max-old-space-size=256`, `--trace-gc` with `EPCA_BENCH_SERVER_LOG=<file>`, …). Answers its base URL, its RSS, and a way to stop it.
 */
async function startChild(dbUrl: string) {
  const server = await startEpcaServe({
    nodeFlags: (process.env.EPCA_BENCH_SERVER_NODE_OPTIONS ?? "").split(/\s+/).filter(Boolean),
    // The request log (and --trace-gc's lines): to EPCA_BENCH_SERVER_LOG when set, else dropped.
    ...(process.env.EPCA_BENCH_SERVER_LOG ? { logFile: process.env.EPCA_BENCH_SERVER_LOG } : {}),
    env: {
      NODE_ENV: "production",
      DATABASE_URL: dbUrl,
      DB_POOL_SIZE: "4",
      SECRET_KEY: SECRET,
      LOG_LEVEL: "warn",
      JSON_LOGS: "true",
      SCRYPT_LOG_N: "10",
      UPLOAD_MAX_BYTES: String(1024 * 1024 * 1024),
      UPLOAD_MAX_ROWS: "10000000",
      UPLOAD_ASYNC_BYTES: String(1024 * 1024 * 1024),
      RATE_LIMIT_PER_MINUTE: "0",
      RATE_LIMIT_PER_HOUR: "0",
      AUTH_RATE_LIMIT_PER_MINUTE: "0",
      AUTH_RATE_LIMIT_PER_IP_PER_MINUTE: "0",
    },
  });
  return { base: server.base, rss: () => rssOf(server.child.pid!), stop: server.stop };
}

/**
 * Samples pg_stat_activity every 100 ms (EPCA_BENCH_PG_SAMPLES=1): what the server's connections
 * to `dbName` are doing (active statement, idle in transaction: waiting on the server process).
 */
function sampleActivity(admin: pg.Client, dbName: string): { stop(): Promise<string> } {
  const counts = new Map<string, number>();
  let samples = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const { rows } = await admin.query<{ what: string }>(
        `SELECT state || CASE WHEN state = 'active' THEN ': ' || regexp_replace(left(query, 70), '\\s+', ' ', 'g') ELSE '' END AS what
           FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND state <> 'idle' AND query NOT ILIKE '%pgboss%'`,
        [dbName],
      );
      samples += 1;
      for (const r of rows) counts.set(r.what, (counts.get(r.what) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return [...counts].sort((a, b) => b[1] - a[1]).map(([what, n]) => `  ${((100 * n) / samples).toFixed(1).padStart(5)} %  ${what}`).join("\n");
    },
  };
}

async function main() {
  const cluster = process.env.EPCA_BENCH_DATABASE_URL ? null : await startThrowawayCluster({ extraSettings: ["-c shared_buffers=512MB", "-c max_wal_size=8GB"] });
  const serverUrl = process.env.EPCA_BENCH_DATABASE_URL ?? cluster?.url;
  if (!serverUrl) throw new Error("No PostgreSQL: set EPCA_BENCH_DATABASE_URL or install PostgreSQL (initdb)");
  const dbName = `epca_upload_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const dbUrl = Object.assign(new URL(serverUrl), { pathname: `/${dbName}` }).toString();
  const store = await createPostgresStore({ connectionString: dbUrl, migrate: true, poolSize: 4, parts: { uploads: postgresUploads } });
  const dir = await mkdtemp(join(tmpdir(), "epca-upload-bench-"));
  const csv = join(dir, "timesheets.csv");
  const hasher = createScryptPasswordHasher({ logN: 10 });
  const epca = createEpca({ store, passwordHasher: hasher });
  const system = systemActor(TENANT);
  let child: Awaited<ReturnType<typeof startChild>> | null = null;
  try {
    const version = (await admin.query<{ server_version: string }>("SHOW server_version")).rows[0]!.server_version;
    // Master data through the adapter: open projects and employees hired before the entries.
    const ids = await store.transaction(TENANT, async (s) => {
      const departments: number[] = [];
      for (let d = 0; d < 50; d++) departments.push((await s.departments.insert({ name: `Department ${d}`, budget: 1_000_000, description: null })).id);
      const employeeIds: number[] = [];
      for (let e = 0; e < EMPLOYEES; e++) {
        employeeIds.push(
          (
            await s.employees.insert({ name: `Employee ${e}`, email: `e${e}@bench.example`, department_id: departments[e % 50]!, salary: 60_000, revenue_generated: 0, hire_date: "2020-01-01", skills: [], is_active: true })
          ).id,
        );
      }
      const projectIds: number[] = [];
      for (let p = 0; p < PROJECTS; p++) {
        projectIds.push(
          (
            await s.projects.insert({ name: `Project ${p}`, department_id: departments[p % 50]!, cost: 0, revenue: 0, status: "in_progress", completion_percentage: 0, start_date: "2020-01-01", end_date: null, estimated_end_date: null, description: null })
          ).id,
        );
      }
      return { employeeIds, projectIds };
    });
    await epca.users.create(system, { email: "bench@bench.example", password: "bench-password", full_name: "Bench", role: "admin" });
    let t0 = process.hrtime.bigint();
    await writeCsv(csv, ids.employeeIds, ids.projectIds);
    const bytes = (await stat(csv)).size;
    console.log(`[epca bench] PostgreSQL ${version}; ${fmt(ROWS)} rows, ${fmt(bytes / 1e6, 1)} MB CSV written in ${fmt(ms(t0))} ms`);

    // (1) Raw COPY of the same file (table owner, the tenant from the column default).
    const copier = new pg.Client({ connectionString: dbUrl });
    await copier.connect();
    t0 = process.hrtime.bigint();
    await copier.query("BEGIN");
    await copier.query("SELECT set_config('app.tenant_id', $1, true)", [TENANT]);
    const copy = copier.query(copyStreams.from("COPY timesheets (employee_id, project_id, hours_worked, date, description) FROM STDIN WITH (FORMAT csv, HEADER true)"));
    await pipeline(createReadStream(csv), copy);
    await copier.query("COMMIT");
    const copyMs = ms(t0);
    await copier.end();
    const copyRate = (ROWS / copyMs) * 1000;
    console.log(`[epca bench] raw COPY:          ${fmt(ROWS)} rows in ${fmt(copyMs)} ms = ${fmt(copyRate)} rows/s`);

    // (2) The same file through the API (the table already holds the COPY's rows: any bias is against the upload).
    child = await startChild(dbUrl);
    const base = child.base;
    const login = await fetch(`${base}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "bench@bench.example", password: "bench-password" }) });
    const { access_token: token } = (await login.json()) as { access_token: string };
    const rssBefore = child.rss().now;
    // The RSS every 250 ms during the upload (its peak is VmHWM's; this tells when it grew).
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(child!.rss().now), 250);
    t0 = process.hrtime.bigint();
    const activity = process.env.EPCA_BENCH_PG_SAMPLES ? sampleActivity(admin, dbName) : null;
    const answer = await upload(base, token, csv);
    const uploadMs = ms(t0);
    clearInterval(sampler);
    if (activity) console.log(`[epca bench] what the upload's connections did (pg_stat_activity every 100 ms):\n${await activity.stop()}`);
    if (answer.status !== 200 || answer.body.created !== ROWS) throw new Error(`upload answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 500)}`);
    const uploadRate = (ROWS / uploadMs) * 1000;
    console.log(`[epca bench] POST /upload:      ${fmt(ROWS)} rows in ${fmt(uploadMs)} ms = ${fmt(uploadRate)} rows/s (created ${fmt(Number(answer.body.created))}, failed ${answer.body.failed})`);
    const ratio = uploadRate / copyRate;
    const rss = child.rss().peak;
    if (process.env.EPCA_BENCH_RSS_SAMPLES) console.log(`[epca bench] RSS samples (MB, every 250 ms): ${samples.map((n) => Math.round(n)).join(" ")}`);
    console.log(`[epca bench] upload/COPY: ${ratio.toFixed(2)}× (goal ≥ 0.5×): ${ratio >= 0.5 ? "met" : "NOT met"}`);
    console.log(`[epca bench] peak RSS of the server process: ${fmt(rss)} MB (${fmt(rssBefore)} MB before the upload; goal < 300 MB): ${rss < 300 ? "met" : "NOT met"}`);
  } finally {
    await child?.stop();
    await store.close();
    await admin.query(`DROP DATABASE IF EXISTS ${dbName}`).catch(() => undefined);
    await admin.end();
    await rm(dir, { recursive: true, force: true });
    await cluster?.stop();
  }
}

await main();
