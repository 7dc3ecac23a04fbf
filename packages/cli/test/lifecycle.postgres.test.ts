/**
 * `epca serve` as a process on real PostgreSQL: start-up waits for the database (one line per
 * retry, DB_CONNECT_TIMEOUT_SECONDS), warns when durability is off, and SIGTERM drains: in-flight
 * requests are answered (with `Connection: close`), new connections are refused, and the process
 * exits after SHUTDOWN_GRACE_SECONDS even when a request is still stuck.
 */
import { get } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, startProcess, type RunningProcess } from "../../../test-support/processes.js";
import { findPostgresBin } from "../../../test-support/postgres-cluster.js";
import { freePort, startControlledCluster, type ControlledCluster } from "../../../test-support/postgres-control.js";
import { createTestDatabase, serverUrl, type TestDatabase } from "../../../test-support/test-database.js";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const SECRET_KEY = "lifecycle-test-secret-key-that-is-long-enough";

/** Whether a new TCP connection to the port is accepted (http.get without an agent: never a reused socket). */
function probe(port: number): Promise<number | string> {
  return new Promise((resolve) => {
    const req = get({ host: "127.0.0.1", port, path: "/api/v1/health", agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.skipIf(!serverUrl || !findPostgresBin())("epca serve's life on PostgreSQL", () => {
  let workDir: string;
  const processes: RunningProcess[] = [];
  const serve = (env: Record<string, string>) => {
    const child = startProcess(process.execPath, [CLI, "serve", "--no-worker"], {
      cwd: workDir,
      env: cleanEnv({ SECRET_KEY, LOG_LEVEL: "info", JSON_LOGS: "true", SCRYPT_LOG_N: "10", HOST: "127.0.0.1", ...env }),
    });
    processes.push(child);
    return child;
  };
  const portOf = (child: RunningProcess) => Number(/API {6}http:\/\/localhost:(\d+)/.exec(child.stdout())![1]);

  beforeAll(() => {
    workDir = mkdtempSync(join(tmpdir(), "epca-life-"));
  });
  afterAll(async () => {
    for (const child of processes) await child.stop("SIGKILL");
    rmSync(workDir, { recursive: true, force: true });
  });

  describe("start-up", () => {
    let cluster: ControlledCluster | null = null;
    afterAll(() => cluster?.destroy());

    it("waits for PostgreSQL with a line per retry, then starts; durable settings give no warning", async () => {
      const port = await freePort();
      const child = serve({ DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/postgres`, PORT: "0", DB_CONNECT_TIMEOUT_SECONDS: "60" });
      await waitFor(() => (child.stderr().match(/waiting for PostgreSQL/g) ?? []).length >= 2, "two retries");
      const lines = child.stderr().split("\n").filter((l) => l.includes("waiting for PostgreSQL"));
      expect(lines[0]).toMatch(new RegExp(`^epca: waiting for PostgreSQL at postgres://postgres@127\\.0\\.0\\.1:${port}/postgres \\(attempt 1: .*ECONNREFUSED.*\\); retrying for \\d+ s more$`));
      expect(lines[1]).toMatch(/\(attempt 2: /);
      cluster = await startControlledCluster({ durable: true, port });
      await child.waitForStdout("EPCA API", 60_000);
      expect(await probe(portOf(child))).toBe(200);
      expect(child.stderr()).not.toContain("durability is off");
      const stopped = await child.stop("SIGTERM", 15_000);
      expect(stopped.code).toBe(0);
    }, 120_000);

    it("gives up after DB_CONNECT_TIMEOUT_SECONDS with the variable's name", async () => {
      const port = await freePort();
      const child = serve({ DATABASE_URL: `postgres://postgres:secret@127.0.0.1:${port}/postgres`, PORT: "0", DB_CONNECT_TIMEOUT_SECONDS: "2" });
      const exit = await child.exited;
      expect(exit.code).toBe(1);
      expect(exit.stderr).toMatch(
        new RegExp(`epca: failed: PostgreSQL at postgres://postgres:\\*\\*\\*@127\\.0\\.0\\.1:${port}/postgres did not answer within DB_CONNECT_TIMEOUT_SECONDS \\(2 s\\): .*ECONNREFUSED`),
      );
      expect((exit.stderr.match(/waiting for PostgreSQL/g) ?? []).length).toBeGreaterThanOrEqual(2);
      expect(exit.stderr).not.toContain("secret@");
    }, 60_000);
  });

  describe("durability and SIGTERM", () => {
    let database: TestDatabase;
    let locker: pg.Client;

    beforeAll(async () => {
      database = await createTestDatabase();
      locker = new pg.Client({ connectionString: database.url });
      await locker.connect();
    });
    afterAll(async () => {
      await locker?.end();
      await database?.drop();
    });

    /** Starts a server, logs in, and sends a request that blocks on a table lock the test holds. */
    const stuckRequest = async (graceSeconds: number) => {
      const child = serve({ DATABASE_URL: database.url, PORT: "0", SHUTDOWN_GRACE_SECONDS: String(graceSeconds) });
      await child.waitForStdout("EPCA API", 60_000);
      const base = `http://127.0.0.1:${portOf(child)}`;
      const login = await fetch(`${base}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "username=admin@example.com&password=admin12345",
      });
      const { access_token } = (await login.json()) as { access_token: string };
      await locker.query("BEGIN");
      await locker.query("LOCK TABLE departments IN ACCESS EXCLUSIVE MODE");
      const answer = fetch(`${base}/api/v1/departments/`, { headers: { authorization: `Bearer ${access_token}` } }).then(
        async (r) => ({ status: r.status, connection: r.headers.get("connection"), body: await r.text() }),
        (error: Error) => ({ status: 0, connection: null, body: String((error.cause as Error | undefined)?.message ?? error.message) }),
      );
      await waitFor(async () => {
        const waiting = await locker.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()");
        return waiting.rows[0].n === 1;
      }, "the request waits on the lock");
      return { child, answer, port: portOf(child) };
    };

    it("warns at start about each durability setting that is off (the test cluster runs without fsync)", async () => {
      const child = serve({ DATABASE_URL: database.url, PORT: "0" });
      await child.waitForStdout("EPCA API", 60_000);
      const warnings = child.stderr().split("\n").filter((l) => l.includes("durability is off"));
      expect(warnings.map((w) => w.replace(/ on postgres:\/\/\S+: /, " on <db>: ").split(":").slice(0, 4).join(":"))).toEqual([
        "epca: warning: durability is off on <db>: fsync=off",
        "epca: warning: durability is off on <db>: full_page_writes=off",
        "epca: warning: durability is off on <db>: synchronous_commit=off",
      ]);
      expect((await child.stop("SIGTERM", 15_000)).code).toBe(0);
    }, 90_000);

    it("SIGTERM: the in-flight request is answered with Connection: close, new connections are refused, the process exits 0", async () => {
      const { child, answer, port } = await stuckRequest(20);
      child.child.kill("SIGTERM");
      await child.waitForStdout("shutting down: draining in-flight requests", 10_000);
      expect(await probe(port)).toBe("ECONNREFUSED");
      expect(child.child.exitCode).toBeNull(); // still serving the request in flight
      await locker.query("COMMIT");
      const answered = await answer;
      expect(answered.status).toBe(200);
      expect(answered.connection).toBe("close");
      expect(JSON.parse(answered.body)).toEqual([]);
      const exit = await child.exited;
      expect(exit.code).toBe(0);
      const drained = exit.stdout.split("\n").find((l) => l.includes('"drained: every in-flight request was answered"'))!;
      expect(JSON.parse(drained)).toMatchObject({ inFlightAtStart: 1, abandoned: 0, refused: 0 });
    }, 90_000);

    it("SIGTERM: a request still running after SHUTDOWN_GRACE_SECONDS loses its connection and the process exits anyway", async () => {
      const { child, answer } = await stuckRequest(1);
      const signalled = Date.now();
      child.child.kill("SIGTERM");
      const exit = await child.exited;
      const took = Date.now() - signalled;
      await locker.query("COMMIT");
      expect(exit.code).toBe(0);
      expect(took).toBeGreaterThanOrEqual(1_000);
      expect(took).toBeLessThan(8_000);
      expect((await answer).status).toBe(0); // the connection was closed under it
      const line = exit.stdout.split("\n").find((l) => l.includes("shutdown grace ran out"))!;
      expect(JSON.parse(line)).toMatchObject({ inFlightAtStart: 1, abandoned: 1 });
    }, 90_000);
  });
});
