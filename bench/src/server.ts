/**
 * HTTP benchmark of the reference server: an authenticated `GET /api/v1/employees/{id}` through
 * the whole stack (logging, metrics, helmet, CORS, JWT verification, actor lookup, policy, zod
 * parsing, the use case, the store) against a bare Express handler, in one run on loopback.
 * Prints req/s of both, the ratio and p99 latency.
 *
 * - memory mode (default): the memory store; the bare handler answers the same JSON (goal ≥ 0.5).
 * - PostgreSQL mode (`--postgres` or EPCA_BENCH_STORE=postgres): the PostgreSQL store on a
 *   throwaway cluster (or EPCA_BENCH_DATABASE_URL, a superuser URL: a database is created on it),
 *   with the API rate limits ON (shared counters, limits far above the load); the bare handler
 *   verifies the same JWT with jose and runs the same SELECT on a pool of the same size
 *   (DB_POOL_SIZE, default 10) (goal ≥ 0.6). EPCA_BENCH_RATE_LIMITS=off runs it without the limits.
 *
 *   pnpm bench:server [--postgres]   (from the repository root: builds the packages, then runs this)
 *   EPCA_BENCH_SECONDS (default 10, per side, in EPCA_BENCH_ROUNDS alternating slices, default 3),
 *   EPCA_BENCH_CONNECTIONS (default 20); the full server logs a line
 *   per request at LOG_LEVEL=info, to /dev/null: that cost is included. EPCA_BENCH_CPU_PROFILE=<dir>
 *   runs the EPCA server under `node --cpu-prof` and writes its profile there.
 *
 * Besides req/s (which on a shared machine drift with its load), each side's CPU per request is
 * printed (Linux): the server process's user + system time over the slices divided by the
 * requests answered, and in PostgreSQL mode the same for the database's backends (every backend
 * connected to the bench's database, read from /proc while only that side is loaded).
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync, writeSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { Readable } from "node:stream";
import { createMemoryStore } from "@epca/adapter-memory";
import { createPostgresStore } from "@epca/adapter-postgres";
import { createEpca, systemActor, type EpcaStore } from "@epca/core";
import { createApp, createScryptPasswordHasher, loadConfig } from "@epca/server";
import { jwtVerify } from "jose";
import pg from "pg";
import { startThrowawayCluster } from "../../test-support/postgres-cluster.js";

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
}
type Autocannon = (options: {
  url: string;
  connections: number;
  duration: number;
  pipelining?: number;
  headers?: Record<string, string>;
}) => Promise<AutocannonResult>;
const require = createRequire(import.meta.url);
const autocannon = require("autocannon") as Autocannon;

/** The bit of Express the bare baseline uses (bench has no @types/express). */
interface BareRequest {
  params: Record<string, string>;
  get(name: string): string | undefined;
}
interface BareResponse {
  json(body: unknown): void;
  status(code: number): BareResponse;
}
interface BareExpress {
  (): { get(path: string, handler: (req: BareRequest, res: BareResponse) => void): void; listen(port: number, host: string): Server };
}
const express = require("express") as BareExpress;

const seconds = Number(process.env.EPCA_BENCH_SECONDS ?? "10");
const connections = Number(process.env.EPCA_BENCH_CONNECTIONS ?? "20");
const mode = process.argv[2];
const rounds = Number(process.env.EPCA_BENCH_ROUNDS ?? "3");

function newTally(): CpuTally {
  return { server: 0, database: 0, serverKnown: false, databaseKnown: false };
}

/** Slices of one side as one result: mean req/s, the worst slice's p50 and p99, summed failures. */
function combine(results: AutocannonResult[]): AutocannonResult {
  const mean = results.reduce((sum, r) => sum + r.requests.average, 0) / results.length;
  return {
    requests: { average: mean, total: results.reduce((sum, r) => sum + r.requests.total, 0) },
    latency: {
      p50: Math.max(...results.map((r) => r.latency.p50)),
      p99: Math.max(...results.map((r) => r.latency.p99)),
      average: results.reduce((sum, r) => sum + r.latency.average, 0) / results.length,
    },
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
  };
}
const SECRET = "bench-secret-key-that-is-at-least-32-characters";
const postgresMode = process.argv.includes("--postgres") || process.env.EPCA_BENCH_STORE === "postgres";
/** The PostgreSQL database of the run (PostgreSQL mode; set by the parent for its children). */
const databaseUrl = process.env.EPCA_BENCH_SERVER_DATABASE_URL;

function serverConfig() {
  return loadConfig({
    ...process.env,
    NODE_ENV: "production",
    SECRET_KEY: SECRET,
    DATABASE_URL: databaseUrl ?? "memory:",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "info", // one log line per request, as in production
    // PostgreSQL mode: the shared rate-limit counters on, with limits the load never reaches.
    // EPCA_BENCH_RATE_LIMITS=off: without them, to see what the counters cost.
    RATE_LIMIT_PER_MINUTE: databaseUrl && process.env.EPCA_BENCH_RATE_LIMITS !== "off" ? "1000000" : "0",
    RATE_LIMIT_PER_HOUR: databaseUrl && process.env.EPCA_BENCH_RATE_LIMITS !== "off" ? "100000000" : "0",
    AUTH_RATE_LIMIT_PER_MINUTE: "0",
  }).config;
}

/** The bench's rows: a department, an employee and an analyst who reads it. */
async function seed(store: EpcaStore, passwordHasher = createScryptPasswordHasher({ logN: serverConfig().SCRYPT_LOG_N })) {
  const epca = createEpca({ store, passwordHasher });
  const system = systemActor("default");
  const department = await epca.departments.create(system, { name: "Engineering", budget: 1_000_000 });
  const employee = await epca.employees.create(system, { name: "Ada Bench", department_id: department.id, salary: 120_000, skills: ["typescript"] });
  await epca.users.create(system, { email: "bench@example.com", password: "bench-password", full_name: "Bench", role: "analyst" });
  return employee;
}

/** Runs one server in this process and writes `{url, path, token}` as one JSON line to fd 3. */
async function serve(kind: "epca" | "bare"): Promise<void> {
  const config = serverConfig();
  const passwordHasher = createScryptPasswordHasher({ logN: config.SCRYPT_LOG_N });
  const store: EpcaStore = databaseUrl ? await createPostgresStore({ connectionString: databaseUrl, poolSize: config.DB_POOL_SIZE }) : createMemoryStore();
  // Memory: each process seeds its own; PostgreSQL: the parent seeded the database (employee 1).
  const employee = databaseUrl ? { id: Number(process.env.EPCA_BENCH_EMPLOYEE_ID) } : await seed(store, passwordHasher);
  const path = `/api/v1/employees/${employee.id}`;

  let server: Server;
  if (kind === "epca") {
    server = createApp({ store, config, passwordHasher }).listen(0, "127.0.0.1");
  } else if (databaseUrl) {
    // The same token check (jose, HS256 pinned, issuer, audience, typ) and the same row, one
    // SELECT on a pool of the same size; no tenant transaction, no actor, no policy.
    const pool = new pg.Pool({ connectionString: databaseUrl, max: config.DB_POOL_SIZE });
    const key = new TextEncoder().encode(SECRET);
    const bare = express();
    bare.get("/api/v1/employees/:id", (req, res) => {
      void (async () => {
        try {
          const token = (req.get("authorization") ?? "").slice("Bearer ".length);
          const { payload } = await jwtVerify(token, key, { algorithms: ["HS256"], issuer: "epca", audience: "epca-api", typ: "at+jwt" });
          const { rows } = await pool.query("SELECT * FROM employees WHERE tenant_id = $1 AND id = $2", [payload.tenant_id, Number(req.params.id)]);
          res.json(rows[0]);
        } catch {
          res.status(401).json({ detail: "Could not validate credentials" });
        }
      })();
    });
    server = bare.listen(0, "127.0.0.1");
  } else {
    const bare = express();
    bare.get("/api/v1/employees/:id", (_req, res) => res.json(employee));
    server = bare.listen(0, "127.0.0.1");
  }
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let token = "none";
  if (kind === "epca") {
    const login = await fetch(`${url}/api/v1/auth/login`, {
      method: "POST",
      body: new URLSearchParams({ username: "bench@example.com", password: "bench-password" }),
    });
    token = ((await login.json()) as { access_token: string }).access_token;
  }
  // The parent reads this on fd 3; stdout is left to the logs (which go to /dev/null).
  writeSync(3, JSON.stringify({ url, path, token }) + "\n");
  process.on("SIGINT", () => process.exit(0));
  process.on("SIGTERM", () => process.exit(0));
}

/** Starts a server in a child process (so that the load generator does not share its CPU). */
async function child(kind: "epca" | "bare", env: NodeJS.ProcessEnv = process.env): Promise<{ url: string; path: string; token: string; pid: number; stop(): Promise<void> }> {
  const profileDir = kind === "epca" ? process.env.EPCA_BENCH_CPU_PROFILE : undefined;
  const proc = spawn(process.execPath, [...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []), ...process.execArgv, fileURLToPath(import.meta.url), kind], {
    stdio: ["ignore", "ignore", "inherit", "pipe"],
    env,
  });
  const [line] = (await once(createInterface({ input: proc.stdio[3] as Readable }), "line")) as [string];
  return {
    ...(JSON.parse(line) as { url: string; path: string; token: string }),
    pid: proc.pid ?? 0,
    stop: async () => {
      proc.kill("SIGTERM");
      if (proc.exitCode === null) await once(proc, "exit");
    },
  };
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** User + system CPU time of a process in ms (Linux /proc), or `null` where it cannot be read. */
function cpuMsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // After the command: state is field 3, utime 14 and stime 15 (1-based, man 5 proc).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** CPU time of a set of processes (ms), summed over those that can be read. */
function cpuMsOfAll(pids: readonly number[]): Map<number, number> {
  const times = new Map<number, number>();
  for (const pid of pids) {
    const ms = cpuMsOf(pid);
    if (ms !== null) times.set(pid, ms);
  }
  return times;
}

/** CPU used per side over its slices (ms), and whether it could be read at all. */
interface CpuTally {
  server: number;
  database: number;
  serverKnown: boolean;
  databaseKnown: boolean;
}

/** PostgreSQL mode: a database on a throwaway cluster (or EPCA_BENCH_DATABASE_URL), migrated and seeded. */
async function preparePostgres(): Promise<{ env: NodeJS.ProcessEnv; backendPids(): Promise<number[]>; close(): Promise<void> }> {
  let serverUrl = process.env.EPCA_BENCH_DATABASE_URL;
  const cluster = serverUrl ? null : await startThrowawayCluster({ maxConnections: 200 });
  if (!serverUrl && !cluster) throw new Error("PostgreSQL mode needs EPCA_BENCH_DATABASE_URL or initdb on PATH");
  serverUrl ??= cluster!.url;
  const name = `epca_bench_server_${Date.now()}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const store = await createPostgresStore({ connectionString: url.toString(), migrate: true, poolSize: 2 });
  const employee = await seed(store);
  await store.close();
  return {
    env: { ...process.env, EPCA_BENCH_SERVER_DATABASE_URL: url.toString(), EPCA_BENCH_EMPLOYEE_ID: String(employee.id) },
    async backendPids() {
      const { rows } = await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE datname = $1", [name]);
      return rows.map((r) => Number(r.pid));
    },
    async close() {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
      await admin.end();
      cluster?.stop();
    },
  };
}

async function main(): Promise<void> {
  const database = postgresMode ? await preparePostgres() : null;
  const env = database?.env ?? process.env;
  const bareServer = await child("bare", env);
  const epcaServer = await child("epca", env);
  const headers = { authorization: `Bearer ${epcaServer.token}` };
  const run = (target: { url: string; path: string }, duration = seconds) =>
    autocannon({ url: target.url + target.path, connections, duration, headers });
  const cpu = { bare: newTally(), full: newTally() };
  /** One slice of a side, its server's and the database's CPU time added to the side's tally. */
  const measured = async (target: { url: string; path: string; pid: number }, tally: CpuTally, duration: number) => {
    const backendsBefore = (await database?.backendPids()) ?? [];
    const serverBefore = cpuMsOf(target.pid);
    const databaseBefore = cpuMsOfAll(backendsBefore);
    const result = await run(target, duration);
    const serverAfter = cpuMsOf(target.pid);
    const databaseAfter = cpuMsOfAll([...new Set([...backendsBefore, ...((await database?.backendPids()) ?? [])])]);
    if (serverBefore !== null && serverAfter !== null) {
      tally.server += serverAfter - serverBefore;
      tally.serverKnown = true;
    }
    for (const [pid, after] of databaseAfter) {
      tally.database += after - (databaseBefore.get(pid) ?? 0);
      tally.databaseKnown = true;
    }
    return result;
  };

  process.stderr.write("warming up…\n");
  await run(epcaServer, 2);
  await run(bareServer, 2);
  // Alternating slices (bare, EPCA, bare, EPCA, …): on a shared machine the load drifts, and one
  // long run of each would credit the drift to one side.
  const slices: { bare: AutocannonResult[]; full: AutocannonResult[] } = { bare: [], full: [] };
  const slice = Math.max(1, Math.round(seconds / rounds));
  for (let i = 0; i < rounds; i++) {
    process.stderr.write(`round ${i + 1}/${rounds}: bare, then EPCA, ${slice}s × ${connections} connections each…\n`);
    slices.bare.push(await measured(bareServer, cpu.bare, slice));
    slices.full.push(await measured(epcaServer, cpu.full, slice));
  }
  const baseline = combine(slices.bare);
  const full = combine(slices.full);
  await bareServer.stop();
  await epcaServer.stop();
  await database?.close();

  const goal = postgresMode ? 0.6 : 0.5;
  const ratio = full.requests.average / baseline.requests.average;
  const row = (name: string, r: AutocannonResult) =>
    `${name.padEnd(26)} ${r.requests.average.toFixed(0).padStart(8)} req/s   p50 ${String(r.latency.p50).padStart(4)} ms   p99 ${String(r.latency.p99).padStart(4)} ms   non-2xx ${r.non2xx}   errors ${r.errors}`;
  console.log(
    `GET ${epcaServer.path} (authenticated), ${postgresMode ? `PostgreSQL store, shared rate-limit counters ${process.env.EPCA_BENCH_RATE_LIMITS === "off" ? "OFF" : "on"}` : "memory store"}, loopback, ${connections} connections, ${rounds} alternating rounds of ${Math.max(1, Math.round(seconds / rounds))}s each, servers in their own processes`,
  );
  console.log(row(postgresMode ? "bare Express (jose + SELECT)" : "bare Express handler", baseline));
  console.log(row("EPCA server (full stack)", full));
  const perRequest = (tally: CpuTally, r: AutocannonResult) => {
    const ms = (total: number, known: boolean) => (known && r.requests.total > 0 ? `${(total / r.requests.total).toFixed(2)} ms` : "n/a");
    return `server ${ms(tally.server, tally.serverKnown)}${postgresMode ? `, PostgreSQL backends ${ms(tally.database, tally.databaseKnown)}` : ""}`;
  };
  console.log(`CPU per request: bare ${perRequest(cpu.bare, baseline)}; EPCA ${perRequest(cpu.full, full)}`);
  console.log(`ratio ${ratio.toFixed(2)} (goal ≥ ${goal.toFixed(2)}): ${ratio >= goal ? "met" : "NOT met"}`);
  if (full.non2xx > 0 || full.errors > 0) process.exitCode = 1;
}

if (mode === "epca" || mode === "bare") await serve(mode);
else await main();
