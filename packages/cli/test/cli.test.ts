/**
 * The `epca` command as a user runs it: `node dist/cli.js …` in a temporary working directory,
 * with a clean environment. Needs the build (`pnpm test` builds first; while developing run
 * `pnpm --filter "@epca/cli..." run build`).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createPGliteStore, createPostgresStore } from "@epca/adapter-postgres";
import { createTestDatabase, type TestDatabase } from "../../../test-support/test-database.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer } from "../../server/test/support/harness.js";
import { cleanEnv, runProcess, startProcess, type RunningProcess } from "../../../test-support/processes.js";
import { postgresServerUrl } from "../../server/test/support/stores.js";

const CLI = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const SECRET = "cli-test-secret-key-that-is-at-least-32-characters";

let workDir: string;

beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: build first (pnpm --filter "@epca/cli..." run build)`);
  workDir = mkdtempSync(join(tmpdir(), "epca-cli-"));
});

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

/** `epca args…` in the temporary directory; `env` on top of a clean environment. */
const epca = (args: string[], env: Record<string, string | undefined> = {}, timeoutMs = 60_000) =>
  runProcess(process.execPath, [CLI, ...args], {
    cwd: workDir,
    env: cleanEnv({ LOG_LEVEL: "warn", SCRYPT_LOG_N: "10", ...env }),
    timeoutMs,
  });

describe("epca --help", () => {
  it.each([
    [[], /Usage: epca \[options\] \[command\][\s\S]*serve \[options\][\s\S]*migrate[\s\S]*seed-demo[\s\S]*create-admin/],
    [["serve"], /Usage: epca serve \[options\][\s\S]*--port <port>[\s\S]*--host <host>[\s\S]*--no-seed/],
    [["migrate"], /Usage: epca migrate \[options\][\s\S]*apply pending database migrations and exit/],
    [["seed-demo"], /Usage: epca seed-demo \[options\][\s\S]*seed the demo organisation into an empty store/],
    [["create-admin"], /Usage: epca create-admin \[options\][\s\S]*--email <email>[\s\S]*--password <password>[\s\S]*--name <name>/],
  ])("epca %j --help prints its usage and exits 0", async (command, usage) => {
    const result = await epca([...command, "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(usage);
    expect(result.stderr).toBe("");
    // --help never opens a store.
    expect(existsSync(join(workDir, ".epca-data"))).toBe(false);
  });
});

describe("a bad configuration stops the start", () => {
  it.each([
    [{ PORT: "abc" }, /Invalid configuration: PORT: expected a whole number, got "abc"/],
    [{ ACCESS_TOKEN_EXPIRE_MINUTES: "-5" }, /Invalid configuration: ACCESS_TOKEN_EXPIRE_MINUTES: /],
    [{ ACCESS_TOKEN_EXPIRE_MINUTES: "0" }, /Invalid configuration: ACCESS_TOKEN_EXPIRE_MINUTES: /],
    [{ BACKEND_CORS_ORIGINS: "notjson" }, /Invalid configuration: BACKEND_CORS_ORIGINS: "notjson" is not an http\(s\) origin/],
    [{ BACKEND_CORS_ORIGINS: "[not json" }, /Invalid configuration: BACKEND_CORS_ORIGINS: expected a JSON array/],
    [{ DATABASE_URL: "mysql://x" }, /Invalid configuration: DATABASE_URL: /],
    [{ TRUST_PROXY: "true" }, /Invalid configuration: TRUST_PROXY: "true" trusts every hop/],
    [{ NODE_ENV: "production" }, /Invalid configuration: SECRET_KEY: is required when NODE_ENV=production/],
    [{ NODE_ENV: "production", SECRET_KEY: "too-short-a-key" }, /Invalid configuration: SECRET_KEY: must be at least 32 characters in production/],
  ])("serve with %j exits non-zero naming the variable", async (env, message) => {
    const result = await epca(["serve"], { HOST: "127.0.0.1", PORT: "0", ...env }, 20_000);
    expect(result.signal).toBeNull(); // it exited on its own, not killed by the timeout
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe("");
    expect(existsSync(join(workDir, ".epca-data"))).toBe(false);
  });
});

describe("the start banner", () => {
  it("shows FIRST_ADMIN_PASSWORD only when it is the built-in development default", async () => {
    const password = "my-own-admin-secret-9";
    const server = startProcess(process.execPath, [CLI, "serve"], {
      cwd: workDir,
      env: cleanEnv({
        LOG_LEVEL: "warn",
        SCRYPT_LOG_N: "10",
        DATABASE_URL: "memory:",
        HOST: "127.0.0.1",
        PORT: "0",
        SECRET_KEY: SECRET,
        FIRST_ADMIN_EMAIL: "owner@example.com",
        FIRST_ADMIN_PASSWORD: password,
      }),
    });
    try {
      const stdout = await server.waitForStdout(/Log in:\n.*\n.*\n/, 60_000);
      expect(stdout).toMatch(/-d 'username=owner@example\.com&password=<FIRST_ADMIN_PASSWORD>'/);
      expect(stdout).not.toContain(password);
      expect(server.stderr()).not.toContain(password);
    } finally {
      await server.stop("SIGKILL");
    }
  });

  it("shows the rate limits in force and whom they count", async () => {
    const server = startProcess(process.execPath, [CLI, "serve"], {
      cwd: workDir,
      env: cleanEnv({
        LOG_LEVEL: "warn",
        DATABASE_URL: "memory:",
        HOST: "127.0.0.1",
        PORT: "0",
        SECRET_KEY: SECRET,
        EPCA_SEED_DEMO: "false",
        RATE_LIMIT_PER_MINUTE: "120",
        AUTH_RATE_LIMIT_PER_IP_PER_MINUTE: "500",
      }),
    });
    try {
      const stdout = await server.waitForStdout(/Limits .*\n.*\n/, 60_000);
      expect(stdout).toContain("  Limits   API 120/min, 1000/h per signed-in user (anonymous: per client address)\n");
      expect(stdout).toContain("           login 10 failures/15 min per account; login and refresh 500/min per client address\n");
    } finally {
      await server.stop("SIGKILL");
    }
  });
});

describe("epca doctor", () => {
  it("checks the analytics rollups against a rebuild, fails on a drifted one and repairs it with --repair", async () => {
    const dataDir = join(workDir, "doctor-data");
    const env = { EPCA_DATA_DIR: dataDir, SECRET_KEY: SECRET };
    expect((await epca(["seed-demo"], env)).code).toBe(0);
    const healthy = await epca(["doctor"], env);
    expect(healthy.code, healthy.stderr).toBe(0);
    const report = JSON.parse(healthy.stdout) as { rollups: { ok: boolean; buckets: number; tenants: number; mismatches: unknown[] } };
    expect(report.rollups.ok).toBe(true);
    expect(report.rollups.mismatches).toEqual([]);
    expect(report.rollups.buckets).toBeGreaterThan(0);
    expect(healthy.stderr).toMatch(/epca: analytics rollups: ok \(\d+ buckets in \d+ tenant\(s\)\)\n/);

    // Drift one bucket behind the triggers' back.
    const store = await createPGliteStore({ dataDir });
    await store.withTenantSql("default", (sql) =>
      sql.query("UPDATE timesheet_rollups SET hours = hours + 2 WHERE ctid = (SELECT ctid FROM timesheet_rollups LIMIT 1)"),
    );
    await store.close();

    const drifted = await epca(["doctor"], env);
    expect(drifted.code).toBe(1);
    expect(drifted.stderr).toContain("epca: analytics rollups: 1 bucket(s) differ from a rebuild; run epca doctor --repair\n");
    const repaired = await epca(["doctor", "--repair"], env);
    expect(repaired.code).toBe(1);
    expect(repaired.stderr).toContain("repaired in default");
    expect((await epca(["doctor"], env)).code).toBe(0);
  }, 180_000);
});

describe("on the embedded store (PGlite in EPCA_DATA_DIR)", () => {
  // One data directory for the whole sequence: creating a PGlite directory takes seconds.
  let dataDir: string;
  const env = () => ({ EPCA_DATA_DIR: dataDir, HOST: "127.0.0.1", PORT: "0", SECRET_KEY: SECRET });
  let server: RunningProcess | undefined;

  beforeAll(() => {
    dataDir = join(workDir, "data");
  });
  afterAll(async () => {
    await server?.stop("SIGKILL");
  });

  const serve = async () => {
    server = startProcess(process.execPath, [CLI, "serve"], { cwd: workDir, env: cleanEnv({ LOG_LEVEL: "warn", SCRYPT_LOG_N: "10", ...env() }) });
    const stdout = await server.waitForStdout(/Log in:\n.*\n.*\n/, 90_000);
    const port = Number(/ {2}API {6}http:\/\/localhost:(\d+)\/api\/v1\n/.exec(stdout)?.[1]);
    expect(port).toBeGreaterThan(0);
    const base = `http://127.0.0.1:${port}`;
    expect(stdout).toContain(`EPCA API 0.1.0 on embedded PGlite in ${dataDir}`);
    expect(stdout).toContain(`  Docs     http://localhost:${port}/docs   (ReDoc: http://localhost:${port}/redoc)`);
    const login = /curl -s -X POST http:\/\/localhost:\d+\/api\/v1\/auth\/login -d 'username=([^&]+)&password=([^']+)'/.exec(stdout);
    expect(login?.slice(1)).toEqual(["admin@example.com", "admin12345"]);
    return { base, email: login![1]!, password: login![2]! };
  };
  const call = async (base: string, path: string, init: RequestInit = {}) => {
    const response = await fetch(base + path, init);
    return { status: response.status, body: (await response.json()) as any };
  };
  const logIn = async (base: string, email: string, password: string) => {
    const response = await call(base, "/api/v1/auth/login", { method: "POST", body: new URLSearchParams({ username: email, password }) });
    expect(response.status).toBe(200);
    return { authorization: `Bearer ${response.body.access_token as string}` };
  };

  it("migrate applies the migrations on a fresh directory, then reports nothing pending", async () => {
    const first = await epca(["migrate"], env());
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/epca: applying migrations \(pglite\)…\n/);
    expect(first.stderr).toMatch(/epca: applied migration 1 \w+\n/);
    expect(first.stderr).toMatch(/epca: \d+ migration\(s\) applied\n/);
    expect(readdirSync(dataDir).length).toBeGreaterThan(0);

    const second = await epca(["migrate"], env());
    expect(second.code).toBe(0);
    expect(second.stderr).not.toMatch(/applied migration/);
    expect(second.stderr).toContain("epca: already up to date\n");
  });

  it("serve seeds the demo, prints how to log in, answers, and stops on SIGTERM with exit code 0", async () => {
    const { base, email, password } = await serve();
    expect(existsSync(join(dataDir, "secret-key"))).toBe(false); // the operator's SECRET_KEY is used, none generated
    expect(server!.stderr()).toContain("epca: created the first admin admin@example.com\n");
    expect(server!.stderr()).toMatch(/epca: demo organisation: 5 departments, 40 employees, 12 projects, \d+ timesheets, 6 users\n/);
    expect(server!.stderr()).not.toMatch(/applied migration/); // migrate already ran on this directory

    const health = await call(base, "/api/v1/health");
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: "healthy", version: "0.1.0", checks: { database: { status: "healthy" } } });

    const headers = await logIn(base, email, password);
    const company = await call(base, "/api/v1/analytics/company", { headers });
    expect(company.status).toBe(200);
    expect(company.body.employee_count).toBe(40);
    expect(company.body.department_count).toBe(5);
    // TensorFlow.js is not started until the first training or prediction (it held ~21 MB).
    const ml = await call(base, "/api/v1/ml/metrics", { headers });
    expect(ml.status).toBe(200);
    expect(ml.body.data.backend).toBeNull();
    // A record of ours, to find again after the restart.
    const created = await call(base, "/api/v1/departments/", {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ name: "Kept Across Restarts", budget: 1000 }),
    });
    expect(created.status).toBe(201);
    // A demo user logs in with the printed demo password.
    await logIn(base, "analyst@example.com", "demo12345");

    // PGlite is this process's database: a second process is refused at once, never told "created"
    // for a write the running server would not see (and a restart would lose).
    for (const command of [["create-admin", "--email", "late@example.com", "--password", "late-admin-1"], ["migrate"], ["seed-demo"]]) {
      const second = await epca(command, env());
      expect(second.code, command.join(" ")).toBe(1);
      expect(second.stderr).toMatch(new RegExp(`is in use by process ${server!.child.pid}`));
      expect(second.stdout).toBe("");
    }
    expect((await call(base, "/api/v1/auth/login", { method: "POST", body: new URLSearchParams({ username: "late@example.com", password: "late-admin-1" }) })).status).toBe(401);

    const stopped = await server!.stop("SIGTERM");
    server = undefined;
    expect(stopped.signal).toBeNull();
    expect(stopped.code).toBe(0);
  });

  it("a restart on the same directory keeps the data and does not seed again", async () => {
    const { base, email, password } = await serve();
    expect(server!.stderr()).not.toMatch(/demo seed|demo organisation|created the first admin/);
    const headers = await logIn(base, email, password);
    const company = await call(base, "/api/v1/analytics/company", { headers });
    expect(company.body.employee_count).toBe(40);
    expect(company.body.department_count).toBe(6); // the 5 of the demo and ours
    const departments = await call(base, "/api/v1/departments/?limit=100", { headers });
    expect(departments.body.map((d: { name: string }) => d.name)).toContain("Kept Across Restarts");
    const stopped = await server!.stop("SIGINT");
    server = undefined;
    expect(stopped.code).toBe(0);
  });

  it("seed-demo on a non-empty store says so and changes nothing", async () => {
    const result = await epca(["seed-demo"], env());
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("epca: the store already holds departments or employees: nothing seeded\n");
    expect(result.stdout).toBe("");
    // Nothing changed: the next start still counts 40 employees and 6 departments.
    const { base, email, password } = await serve();
    const company = await call(base, "/api/v1/analytics/company", { headers: await logIn(base, email, password) });
    expect([company.body.employee_count, company.body.department_count]).toEqual([40, 6]);
    expect((await server!.stop()).code).toBe(0);
    server = undefined;
  });
});

describe.skipIf(!postgresServerUrl)("on PostgreSQL (DATABASE_URL)", () => {
  let database: TestDatabase;
  let url: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    url = database.url;
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("create-admin creates an administrator who can log in; a second run leaves it unchanged", async () => {
    // The production hashing cost (SCRYPT_LOG_N unset = 17), as a real deployment stores it.
    const env = { DATABASE_URL: url, SECRET_KEY: SECRET, SCRYPT_LOG_N: undefined };
    const missing = await epca(["create-admin", "--email", "x@example.com"], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/--password: required \(or set EPCA_ADMIN_PASSWORD\)/);

    const created = await epca(["create-admin", "--email", "x@example.com", "--password", "s3cret-passw0rd", "--name", "Xavier Admin"], env);
    expect(created.code).toBe(0);
    expect(created.stderr).toContain("epca: admin x@example.com created\n");
    const again = await epca(["create-admin", "--email", "X@example.com", "--password", "another-password"], env);
    expect(again.code).toBe(0);
    expect(again.stderr).toContain("already exists: unchanged");

    // The stored admin, through the HTTP API on the same database.
    const store = await createPostgresStore({ connectionString: url, poolSize: 2 });
    // The job queue (pg-boss) opens on first use: create-admin neither started it nor waited on it.
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const pgBossSchemas = await client.query("SELECT 1 FROM information_schema.schemata WHERE schema_name = 'pgboss'").finally(() => client.end());
    expect(pgBossSchemas.rowCount).toBe(0);
    const t = await startServer(store, {}, { closeStore: () => store.close() });
    try {
      const tokens = await t.login("x@example.com", "s3cret-passw0rd");
      const me = await t.request("GET", "/api/v1/auth/me", { token: tokens.access_token });
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ email: "x@example.com", full_name: "Xavier Admin", role: "admin", is_active: true });
      const wrong = await t.request("POST", "/api/v1/auth/login", { body: { username: "x@example.com", password: "another-password" } });
      expect(wrong.status).toBe(401);
      // An admin's right: listing users.
      expect((await t.request("GET", "/api/v1/users/", { token: tokens.access_token })).status).toBe(200);
    } finally {
      await t.close();
    }
  });
});
