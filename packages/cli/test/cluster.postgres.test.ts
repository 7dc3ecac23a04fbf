/**
 * `epca serve --workers 2` on PostgreSQL: two worker processes answer on one port (told apart by
 * `X-EPCA-Worker`, their pid), a token signed by one verifies on the other, a worker killed with
 * SIGKILL is replaced, SIGTERM to the primary stops every worker. Needs the build.
 */
import { request } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, runProcess, startProcess, type RunningProcess } from "../../../test-support/processes.js";
import { createTestDatabase, serverUrl, type TestDatabase } from "../../../test-support/test-database.js";
import { parseWorkerCount, restartDelayMs } from "../src/cluster.js";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));

/** One request on a fresh connection (no keep-alive: the primary hands each connection to a worker). */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; worker: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, agent: false, headers, timeout: 2_000 }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, worker: String(res.headers["x-epca-worker"] ?? ""), body }));
    });
    req.on("timeout", () => req.destroy(new Error(`no answer to ${path} in 2 s`)));
    req.on("error", reject);
    req.end();
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("--workers", () => {
  it("0 and auto mean one per core; other values are checked; the restart backoff doubles up to 30 s", () => {
    expect(parseWorkerCount("2")).toBe(2);
    expect(parseWorkerCount("auto")).toBeGreaterThanOrEqual(1);
    expect(parseWorkerCount("0")).toBe(parseWorkerCount("auto"));
    for (const bad of ["-1", "1.5", "65", "many"]) expect(() => parseWorkerCount(bad)).toThrow(/--workers/);
    expect([1, 2, 3, 4, 10].map(restartDelayMs)).toEqual([500, 1000, 2000, 4000, 30_000]);
  });
});

describe.skipIf(!serverUrl)("epca serve --workers 2 on PostgreSQL", () => {
  let database: TestDatabase;
  let workDir: string;
  let primary: RunningProcess;
  let port: number;

  beforeAll(async () => {
    workDir = mkdtempSync(join(tmpdir(), "epca-cluster-"));
    database = await createTestDatabase();
    primary = startProcess(process.execPath, [CLI, "serve", "--workers", "2", "--host", "127.0.0.1", "--port", "0", "--no-worker"], {
      cwd: workDir,
      // No SECRET_KEY: the primary's generated key must be every worker's.
      env: cleanEnv({ DATABASE_URL: database.url, LOG_LEVEL: "warn", SCRYPT_LOG_N: "10", FIRST_ADMIN_EMAIL: "ops@test.example", FIRST_ADMIN_PASSWORD: "ops-password-123" }),
    });
    // Each worker prints the banner; listen(0) in a cluster gives every worker the same port.
    await primary.waitForStdout(/API\s+http:\/\/localhost:(\d+)\/api\/v1[\s\S]*API\s+http:\/\/localhost:(\d+)\/api\/v1/, 90_000);
    const ports = [...primary.stdout().matchAll(/API\s+http:\/\/localhost:(\d+)\/api\/v1/g)].map((m) => Number(m[1]));
    expect(new Set(ports).size).toBe(1);
    port = ports[0]!;
  }, 120_000);
  afterAll(async () => {
    await primary?.stop("SIGKILL");
    await database?.drop();
    rmSync(workDir, { recursive: true, force: true });
  });

  /**
   * The workers that answered `tries` requests. `tolerant`: right after a SIGKILL, a connection the
   * primary handed to the dying worker before it learnt of the death gets no answer (as behind any
   * load balancer, the client retries): such a request is skipped.
   */
  const workersAnswering = async (tries = 40, tolerant = false) => {
    const seen = new Set<string>();
    for (let i = 0; i < tries; i++) {
      const res = await get(port, "/api/v1/health").catch((error: unknown) => {
        if (tolerant) return null;
        throw error;
      });
      if (!res) continue;
      expect(res.status).toBe(200);
      seen.add(res.worker);
    }
    return seen;
  };

  it("two worker processes answer on one port; a token from one verifies on the other", async () => {
    const seen = await workersAnswering();
    expect(seen.size).toBe(2);
    for (const pid of seen) expect(Number(pid)).not.toBe(primary.child.pid);
    const login = await fetch(`http://127.0.0.1:${port}/api/v1/auth/login`, { method: "POST", body: new URLSearchParams({ username: "ops@test.example", password: "ops-password-123" }) });
    expect(login.status).toBe(200);
    const token = ((await login.json()) as { access_token: string }).access_token;
    const byWorker = new Map<string, number>();
    for (let i = 0; i < 30; i++) {
      const res = await get(port, "/api/v1/auth/me", { authorization: `Bearer ${token}` });
      byWorker.set(res.worker, res.status);
    }
    expect([...byWorker.values()]).toEqual([200, 200]);
  }, 60_000);

  it("a worker killed with SIGKILL is replaced by a new process; SIGTERM to the primary stops them all", async () => {
    const before = [...(await workersAnswering())];
    const victim = Number(before[0]);
    process.kill(victim, "SIGKILL");
    const deadline = Date.now() + 30_000;
    let now = new Set<string>();
    while (Date.now() < deadline) {
      now = await workersAnswering(20, true);
      if (now.size === 2 && !now.has(String(victim))) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(now.size).toBe(2);
    expect(now.has(String(victim))).toBe(false);
    expect(now.has(before[1]!)).toBe(true);
    expect(primary.stderr()).toMatch(new RegExp(`worker ${victim} exited \\(SIGKILL\\); starting another in 500 ms`));

    const stopped = await primary.stop("SIGTERM", 30_000);
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toContain("SIGTERM: stopping 2 worker(s)");
    for (const pid of now) expect(alive(Number(pid))).toBe(false);
  }, 90_000);

  it("is refused without PostgreSQL", async () => {
    const result = await runProcess(process.execPath, [CLI, "serve", "--workers", "2", "--port", "0"], { cwd: workDir, env: cleanEnv({ DATABASE_URL: "memory:", LOG_LEVEL: "warn" }), timeoutMs: 20_000 });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--workers: needs DATABASE_URL=postgres/);
  });
});
