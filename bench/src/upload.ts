/**
 * Upload benchmark: a 1,000,000-row timesheet CSV (our own columns) through
 * `POST /api/v1/upload/timesheets` (real HTTP, multipart, streamed; every row checked by core's
 * rules; stored by INSERT … SELECT FROM unnest in one transaction) against a raw `COPY … FROM
 * STDIN (FORMAT csv)` of the very same file into the same table, in the same run. Prints rows/s of
 * both, their ratio (goal ≥ 0.5×) and the peak RSS of the server, which runs in a child process of
 * its own so that the RSS is its own (goal < 300 MB).
 *
 * Server: EPCA_BENCH_DATABASE_URL (a superuser URL; a database is created on it), else a throwaway
 * cluster when initdb is found. Rows: EPCA_BENCH_UPLOAD_ROWS (default 1,000,000).
 *
 *   pnpm bench:upload          (from the repository root: builds the packages, then runs this)
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { request } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import copyStreams from "pg-copy-streams";
import { createPostgresStore } from "@epca/adapter-postgres";
import { postgresUploads } from "@epca/adapter-postgres/uploads";
import { createEpca, systemActor } from "@epca/core";
import { createApp, createScryptPasswordHasher, testConfig } from "@epca/server";
import { startThrowawayCluster } from "../../test-support/postgres-cluster.js";

const ROWS = Number(process.env.EPCA_BENCH_UPLOAD_ROWS ?? "1000000");
const EMPLOYEES = 10_000;
const PROJECTS = 2_000;
const TENANT = "default";
const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

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

/** Child: the API over the database `EPCA_BENCH_CHILD_DB`; prints its port, then its peak RSS when stdin says `rss`. */
async function serveChild(dbUrl: string) {
  const store = await createPostgresStore({ connectionString: dbUrl, poolSize: 4, parts: { uploads: postgresUploads } });
  const config = testConfig({
    SECRET_KEY: SECRET,
    UPLOAD_MAX_BYTES: 1024 * 1024 * 1024,
    UPLOAD_MAX_ROWS: 10_000_000,
    UPLOAD_ASYNC_BYTES: 1024 * 1024 * 1024,
    RATE_LIMIT_PER_MINUTE: 0,
    RATE_LIMIT_PER_HOUR: 0,
  });
  const app = createApp({ store, config, passwordHasher: createScryptPasswordHasher({ logN: 10 }) });
  const server = await new Promise<ReturnType<typeof app.listen>>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  // The file streams in while it is imported: longer than Node's 300 s for a whole request.
  server.requestTimeout = 0;
  console.log(JSON.stringify({ port: (server.address() as AddressInfo).port, rssMb: peakRssMb() }));
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim() === "rss") console.log(JSON.stringify({ rssMb: peakRssMb() }));
    if (line.trim() === "stop") break;
  }
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await store.close();
}

/** Starts the server child; answers its port, a way to ask its peak RSS, and a way to stop it. */
async function startChild(dbUrl: string) {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
    env: { ...process.env, EPCA_BENCH_CHILD_DB: dbUrl },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => JSON.parse(String((await lines.next()).value)) as { port?: number; rssMb: number };
  const started = await next();
  return {
    port: started.port!,
    startRssMb: started.rssMb,
    async rss() {
      child.stdin!.write("rss\n");
      return (await next()).rssMb;
    },
    async stop() {
      child.stdin!.end("stop\n");
      await new Promise((resolve) => child.once("exit", resolve));
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
    const base = `http://127.0.0.1:${child.port}`;
    const login = await fetch(`${base}/api/v1/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "bench@bench.example", password: "bench-password" }) });
    const { access_token: token } = (await login.json()) as { access_token: string };
    const rssBefore = await child.rss();
    t0 = process.hrtime.bigint();
    const answer = await upload(base, token, csv);
    const uploadMs = ms(t0);
    if (answer.status !== 200 || answer.body.created !== ROWS) throw new Error(`upload answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 500)}`);
    const uploadRate = (ROWS / uploadMs) * 1000;
    console.log(`[epca bench] POST /upload:      ${fmt(ROWS)} rows in ${fmt(uploadMs)} ms = ${fmt(uploadRate)} rows/s (created ${fmt(Number(answer.body.created))}, failed ${answer.body.failed})`);
    const ratio = uploadRate / copyRate;
    const rss = await child.rss();
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

if (process.env.EPCA_BENCH_CHILD_DB) await serveChild(process.env.EPCA_BENCH_CHILD_DB);
else await main();
