/**
 * HTTP benchmark of the reference server: an authenticated `GET /api/v1/employees/{id}` through
 * the whole stack (logging, metrics, helmet, CORS, JWT verification, actor lookup, policy, zod
 * parsing, the use case, the memory store) against a bare Express handler answering the same
 * JSON, in one run on loopback. Prints req/s of both, the ratio (goal ≥ 0.5) and p99 latency.
 *
 *   pnpm bench:server            (from the repository root: builds the packages, then runs this)
 *   EPCA_BENCH_SECONDS (default 10), EPCA_BENCH_CONNECTIONS (default 20); the full server logs a line
 *   per request at LOG_LEVEL=info, to /dev/null: that cost is included.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { writeSync } from "node:fs";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { Readable } from "node:stream";
import { createMemoryStore } from "@epca/adapter-memory";
import { createEpca, systemActor } from "@epca/core";
import { createApp, createScryptPasswordHasher, loadConfig } from "@epca/server";

interface AutocannonResult {
  requests: { average: number };
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
interface BareExpress {
  (): { get(path: string, handler: (req: unknown, res: { json(body: unknown): void }) => void): void; listen(port: number, host: string): Server };
}
const express = require("express") as BareExpress;

const seconds = Number(process.env.EPCA_BENCH_SECONDS ?? "10");
const connections = Number(process.env.EPCA_BENCH_CONNECTIONS ?? "20");
const mode = process.argv[2];

/** Runs one server in this process and writes `{url, path, token}` as one JSON line to fd 3. */
async function serve(kind: "epca" | "bare"): Promise<void> {
  const { config } = loadConfig({
    ...process.env,
    NODE_ENV: "production",
    SECRET_KEY: "bench-secret-key-that-is-at-least-32-characters",
    DATABASE_URL: "memory:",
    LOG_LEVEL: process.env.LOG_LEVEL ?? "info", // one log line per request, as in production
    RATE_LIMIT_PER_MINUTE: "0",
    RATE_LIMIT_PER_HOUR: "0",
    AUTH_RATE_LIMIT_PER_MINUTE: "0",
  });
  const store = createMemoryStore();
  const passwordHasher = createScryptPasswordHasher({ logN: config.SCRYPT_LOG_N });
  const epca = createEpca({ store, passwordHasher });
  const system = systemActor("default");
  const department = await epca.departments.create(system, { name: "Engineering", budget: 1_000_000 });
  const employee = await epca.employees.create(system, { name: "Ada Bench", department_id: department.id, salary: 120_000, skills: ["typescript"] });
  await epca.users.create(system, { email: "bench@example.com", password: "bench-password", full_name: "Bench", role: "analyst" });
  const path = `/api/v1/employees/${employee.id}`;

  let server: Server;
  if (kind === "epca") {
    server = createApp({ store, config, passwordHasher }).listen(0, "127.0.0.1");
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
}

/** Starts a server in a child process (so that the load generator does not share its CPU). */
async function child(kind: "epca" | "bare"): Promise<{ url: string; path: string; token: string; stop(): void }> {
  const proc = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), kind], {
    stdio: ["ignore", "ignore", "inherit", "pipe"],
  });
  const [line] = (await once(createInterface({ input: proc.stdio[3] as Readable }), "line")) as [string];
  return { ...(JSON.parse(line) as { url: string; path: string; token: string }), stop: () => proc.kill() };
}

async function main(): Promise<void> {
  const bareServer = await child("bare");
  const epcaServer = await child("epca");
  const headers = { authorization: `Bearer ${epcaServer.token}` };
  const run = (target: { url: string; path: string }, duration = seconds) =>
    autocannon({ url: target.url + target.path, connections, duration, headers });

  process.stderr.write("warming up…\n");
  await run(epcaServer, 2);
  await run(bareServer, 2);
  process.stderr.write(`bare Express, ${seconds}s × ${connections} connections…\n`);
  const baseline = await run(bareServer);
  process.stderr.write(`EPCA server, ${seconds}s × ${connections} connections…\n`);
  const full = await run(epcaServer);
  bareServer.stop();
  epcaServer.stop();

  const ratio = full.requests.average / baseline.requests.average;
  const row = (name: string, r: AutocannonResult) =>
    `${name.padEnd(26)} ${r.requests.average.toFixed(0).padStart(8)} req/s   p50 ${String(r.latency.p50).padStart(4)} ms   p99 ${String(r.latency.p99).padStart(4)} ms   non-2xx ${r.non2xx}   errors ${r.errors}`;
  console.log(`GET ${epcaServer.path} (authenticated), loopback, ${connections} connections, ${seconds}s each, servers in their own processes`);
  console.log(row("bare Express handler", baseline));
  console.log(row("EPCA server (full stack)", full));
  console.log(`ratio ${ratio.toFixed(2)} (goal ≥ 0.50): ${ratio >= 0.5 ? "met" : "NOT met"}`);
  if (full.non2xx > 0 || full.errors > 0) process.exitCode = 1;
}

if (mode === "epca" || mode === "bare") await serve(mode);
else await main();
