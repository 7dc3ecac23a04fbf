import { Writable } from "node:stream";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import type { EpcaStore } from "@epca/core";
import { createMemoryStore } from "@epca/adapter-memory";
import { createApp, createLogger, testConfig } from "@epca/server";
import { afterEach, describe, expect, it } from "vitest";
import { createFixture, PASSWORD, startServer, startServerOn, TEST_SECRET, testHasher, type TestServer } from "./support/harness.js";
import { memoryStoreFactory } from "./support/stores.js";

const API = "/api/v1";
const servers: TestServer[] = [];
const track = (t: TestServer) => (servers.push(t), t);
afterEach(async () => {
  while (servers.length) await servers.pop()!.close();
});

/** A store whose every method fails like a database that went away, with SQL in the message. */
function brokenStore(): EpcaStore {
  const store = createMemoryStore();
  const fail = () => Promise.reject(new Error('relation "employees" does not exist: SELECT * FROM employees WHERE secret = 1'));
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === "ping" || property === "transaction") return fail;
      return Reflect.get(target, property, receiver);
    },
  });
}

/** A log destination that keeps each line written to it. */
function logSink(): { lines: string[]; sink: Writable } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  return { lines, sink };
}

describe("operations", () => {
  it("GET /health answers healthy with the database latency, 503 unhealthy when the ping fails", async () => {
    const t = track(await startServerOn(memoryStoreFactory));
    const healthy = await t.request("GET", `${API}/health`);
    expect(healthy.status).toBe(200);
    expect(healthy.body).toMatchObject({ status: "healthy", version: expect.any(String), uptime_seconds: expect.any(Number), checks: { database: { status: "healthy" } } });
    expect(typeof healthy.body.checks.database.latency_ms).toBe("number");
    const down = track(await startServer(brokenStore()));
    const unhealthy = await down.request("GET", `${API}/health/`);
    expect(unhealthy.status).toBe(503);
    expect(unhealthy.body.status).toBe("unhealthy");
  });

  it("answers an unexpected error 500 {detail: Internal Server Error} without stack or SQL", async () => {
    const t = track(await startServer(brokenStore()));
    const response = await t.request("POST", `${API}/auth/login`, { body: { username: "a@b.example", password: "whatever1" } });
    expect(response.status).toBe(500);
    expect(response.body).toEqual({ detail: "Internal Server Error" });
    expect(response.text).not.toMatch(/SELECT|relation|at .*\.ts/);
  });

  it("echoes a sane X-Request-ID and generates one otherwise", async () => {
    const t = track(await startServerOn(memoryStoreFactory));
    const echoed = await t.request("GET", `${API}/health`, { headers: { "x-request-id": "abc-123" } });
    expect(echoed.headers.get("x-request-id")).toBe("abc-123");
    const insane = await t.request("GET", `${API}/nothing`, { headers: { "x-request-id": "<script>" } });
    expect(insane.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("serves /metrics from its own registry, labelled by route template", async () => {
    const t = track(await startServerOn(memoryStoreFactory));
    const fx = await createFixture(t);
    await t.request("GET", `${API}/employees/${fx.empA}`, { token: fx.tokens.admin });
    await t.request("GET", `${API}/employees/${fx.empB}`, { token: fx.tokens.admin });
    const other = track(await startServerOn(memoryStoreFactory));
    const metrics = await t.request("GET", "/metrics");
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/http_requests_total\{method="GET",endpoint="\/api\/v1\/employees\/:emp_id",status_code="200"\} 2/);
    expect(metrics.text).not.toContain(`/api/v1/employees/${fx.empA}"`);
    expect(metrics.text).toContain("http_request_duration_seconds_bucket");
    expect(metrics.text).toContain("active_connections");
    expect(metrics.text).toContain("database_connections_active");
    expect(metrics.text).toContain("process_cpu_user_seconds_total");
    // Another app instance counts its own requests only.
    expect((await other.request("GET", "/metrics")).text).not.toContain("/api/v1/employees/:emp_id");
  });

  it("sets security headers, CORS for configured origins, and no-store on authenticated answers", async () => {
    const t = track(await startServer(createMemoryStore(), { BACKEND_CORS_ORIGINS: ["http://localhost:3000"] }));
    const fx = await createFixture(t);
    const allowed = await t.request("GET", `${API}/departments/`, { token: fx.tokens.analyst, headers: { origin: "http://localhost:3000" } });
    expect(allowed.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
    expect(allowed.headers.get("access-control-expose-headers")).toContain("X-Total-Count");
    expect(allowed.headers.get("cache-control")).toBe("no-store");
    expect(allowed.headers.get("x-content-type-options")).toBe("nosniff");
    expect(allowed.headers.get("x-powered-by")).toBeNull();
    const refused = await t.request("GET", `${API}/health`, { headers: { origin: "http://evil.example" } });
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("limits requests per IP with 429 and Retry-After; health is not limited", async () => {
    const t = track(await startServer(createMemoryStore(), { RATE_LIMIT_PER_MINUTE: 3 }));
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await t.request("GET", `${API}/departments/`)).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const limited = await t.request("GET", `${API}/departments/`);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.body).toEqual({ detail: expect.any(String) });
    expect((await t.request("GET", `${API}/health`)).status).toBe(200);
  });

  it("limits failed logins per account (resolved tenant + normalised username), whatever X-Tenant-ID and client address say", async () => {
    // The per-IP limits cannot trigger: each attempt comes from another client address (one trusted hop).
    const t = track(await startServer(createMemoryStore(), { AUTH_RATE_LIMIT_PER_MINUTE: 3, RATE_LIMIT_PER_MINUTE: 1000, TRUST_PROXY: 1 }));
    const attempt = (i: number, username: string) =>
      t.request("POST", `${API}/auth/login`, {
        body: { username, password: "wrong-pass" },
        headers: { "x-tenant-id": `tenant-${i}`, "x-forwarded-for": `203.0.113.${i}` },
      });
    const spellings = ["victim@test.example", "Victim@Test.Example", " victim@test.example ", "VICTIM@TEST.EXAMPLE"];
    const statuses: number[] = [];
    for (const [i, username] of spellings.entries()) statuses.push((await attempt(i + 1, username)).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    // Another account is not affected.
    expect((await attempt(50, "someone-else@test.example")).status).toBe(401);
  });

  it("limits login attempts per client IP; one trusted hop: the address the proxy appended is the client", async () => {
    const t = track(await startServer(createMemoryStore(), { AUTH_RATE_LIMIT_PER_IP_PER_MINUTE: 2, RATE_LIMIT_PER_MINUTE: 1000, TRUST_PROXY: 1 }));
    // A client-set left-most X-Forwarded-For changes nothing: the proxy appended 127.0.0.1.
    const attempt = (i: number) =>
      t.request("POST", `${API}/auth/login`, {
        body: { username: `user-${i}@test.example`, password: "wrong-pass" },
        headers: { "x-forwarded-for": i === 0 ? "spoofed, 127.0.0.1" : `198.51.100.${i}, 127.0.0.1` },
      });
    expect([(await attempt(0)).status, (await attempt(1)).status, (await attempt(2)).status]).toEqual([401, 401, 429]);
  });

  it("login, refresh and register have separate per-IP buckets", async () => {
    const t = track(await startServer(createMemoryStore(), { AUTH_RATE_LIMIT_PER_IP_PER_MINUTE: 2, AUTH_RATE_LIMIT_PER_MINUTE: 1, RATE_LIMIT_PER_MINUTE: 1000 }));
    let n = 0;
    const login = () => t.request("POST", `${API}/auth/login`, { body: { username: `nobody-${n++}@test.example`, password: "wrong-pass" } });
    expect([(await login()).status, (await login()).status, (await login()).status]).toEqual([401, 401, 429]);
    // Login's bucket is spent; refresh's (AUTH_RATE_LIMIT_PER_IP_PER_MINUTE) and register's (AUTH_RATE_LIMIT_PER_MINUTE) are not.
    expect((await t.request("POST", `${API}/auth/refresh`, { body: { refresh_token: "not.a.token" } })).status).toBe(401);
    expect((await t.request("POST", `${API}/auth/register`, { body: { email: "fresh@test.example", password: "password123", full_name: "Fresh" } })).status).toBe(201);
  });

  it("never limits /health, with or without the trailing slash", async () => {
    const t = track(await startServer(createMemoryStore(), { RATE_LIMIT_PER_MINUTE: 2 }));
    for (let i = 0; i < 5; i++) {
      expect((await t.request("GET", `${API}/health/`)).status).toBe(200);
      expect((await t.request("GET", `${API}/health`)).status).toBe(200);
    }
  });

  it("register answers Cache-Control: no-store", async () => {
    const t = track(await startServer(createMemoryStore()));
    const registered = await t.request("POST", `${API}/auth/register`, { body: { email: "nostore@test.example", password: "password123", full_name: "No Store" } });
    expect(registered.status).toBe(201);
    expect(registered.headers.get("cache-control")).toBe("no-store");
  });

  it("optional auth ignores a non-Bearer Authorization header; a bad Bearer token is still 401", async () => {
    const t = track(await startServer(createMemoryStore()));
    const registered = await t.request("POST", `${API}/auth/register`, {
      body: { email: "basic@test.example", password: "password123", full_name: "Basic" },
      headers: { authorization: "Basic dXNlcjpwYXNz" },
    });
    expect(registered.status).toBe(201);
    expect(registered.body.role).toBe("read_only");
    expect(registered.headers.get("cache-control")).toBe("no-store");
    // A Bearer token that does not verify is still refused.
    const badBearer = await t.request("POST", `${API}/auth/register`, {
      body: { email: "bearer@test.example", password: "password123", full_name: "Bearer" },
      headers: { authorization: "Bearer not.a.token" },
    });
    expect(badBearer.status).toBe(401);
  });

  it("logs one line per request with request_id, user_id, route, status and duration; no password or token", async () => {
    const { lines, sink } = logSink();
    const config = testConfig({ SECRET_KEY: TEST_SECRET, LOG_LEVEL: "info", JSON_LOGS: true, TRUST_PROXY: 1 });
    const store = createMemoryStore();
    const app = createApp({ store, config, passwordHasher: testHasher, logger: createLogger(config, sink) });
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const { createEpca, systemActor } = await import("@epca/core");
      const user = await createEpca({ store, passwordHasher: testHasher }).users.create(systemActor("default"), {
        email: "logged@test.example",
        password: PASSWORD,
        full_name: "Logged",
        role: "analyst",
      });
      const login = await fetch(`${base}${API}/auth/login`, { method: "POST", body: new URLSearchParams({ username: "logged@test.example", password: PASSWORD }) });
      expect(login.status).toBe(200);
      const tokens = (await login.json()) as { access_token: string; refresh_token: string };
      const me = await fetch(`${base}${API}/auth/me`, { headers: { authorization: `Bearer ${tokens.access_token}`, "x-request-id": "probe-rid-123", "x-forwarded-for": "192.0.2.7" } });
      expect(me.status).toBe(200);
      const refreshed = await fetch(`${base}${API}/auth/refresh`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ refresh_token: tokens.refresh_token }),
      });
      expect(refreshed.status).toBe(200);
      const next = (await refreshed.json()) as { access_token: string; refresh_token: string };
      await new Promise((resolve) => setTimeout(resolve, 50));

      const entries = lines.map((line) => JSON.parse(line) as Record<string, any>);
      const line = entries.find((e) => e.request_id === "probe-rid-123");
      expect(line, lines.join("\n")).toBeDefined();
      expect(line).toMatchObject({ request_id: "probe-rid-123", user_id: user.id, route: "/api/v1/auth/me", status_code: 200 });
      expect(typeof line!.duration_ms).toBe("number");
      // The client address is Express's req.ip (here behind one trusted hop).
      expect(line!.req).toMatchObject({ method: "GET", url: "/api/v1/auth/me", remote_address: "192.0.2.7" });
      const loginLine = entries.find((e) => e.route === "/api/v1/auth/login");
      expect(loginLine).toMatchObject({ status_code: 200, request_id: expect.any(String) });

      const all = lines.join("\n");
      for (const secret of [PASSWORD, tokens.access_token, tokens.refresh_token, next.access_token, next.refresh_token]) {
        expect(all).not.toContain(secret);
      }
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("logs an unexpected error with its request's id and fields, redacted like every line but the access line", async () => {
    const { lines, sink } = logSink();
    const config = testConfig({ SECRET_KEY: TEST_SECRET, LOG_LEVEL: "info", JSON_LOGS: true });
    const failing = new Proxy(createMemoryStore(), {
      get(target, property, receiver) {
        if (property === "transaction") return () => Promise.reject(Object.assign(new Error("the store went away"), { password: "hunter2-in-an-error" }));
        return Reflect.get(target, property, receiver);
      },
    });
    const app = createApp({ store: failing, config, passwordHasher: testHasher, logger: createLogger(config, sink) });
    const server: Server = await new Promise((resolve) => {
      const s = app.listen(0, "127.0.0.1", () => resolve(s));
    });
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const response = await fetch(`${base}${API}/auth/login?x=1`, { method: "POST", headers: { "x-request-id": "failing-rid-7" }, body: new URLSearchParams({ username: "a@b.example", password: "whatever1" }) });
      expect(response.status).toBe(500);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const entries = lines.map((line) => JSON.parse(line) as Record<string, any>);
      const logged = entries.find((e) => e.msg === "unexpected error");
      expect(logged, lines.join("\n")).toMatchObject({ level: 50, request_id: "failing-rid-7", req: { method: "POST", url: "/api/v1/auth/login" }, err: { message: "the store went away", password: "[redacted]" } });
      expect(entries.find((e) => e.request_id === "failing-rid-7" && e.route === "/api/v1/auth/login")).toMatchObject({ status_code: 500 });
      expect(lines.join("\n")).not.toContain("hunter2-in-an-error");
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it("refuses registration when REGISTRATION_ENABLED is false", async () => {
    const t = track(await startServer(createMemoryStore(), { REGISTRATION_ENABLED: false }));
    const response = await t.request("POST", `${API}/auth/register`, { body: { email: "x@y.example", password: "password123", full_name: "X" } });
    expect(response.status).toBe(403);
  });

  it("serves Swagger UI at /docs and ReDoc at /redoc from local files", async () => {
    const t = track(await startServerOn(memoryStoreFactory));
    const docs = await fetch(`${t.base}/docs`, { redirect: "manual" });
    expect(docs.status).toBe(301);
    const page = await t.request("GET", "/docs/");
    expect(page.status).toBe(200);
    expect(page.text).toContain("swagger-ui");
    expect((await t.request("GET", "/docs/swagger-ui-init.js")).text).toContain("../openapi.json");
    const redoc = await t.request("GET", "/redoc");
    expect(redoc.text).toContain('spec-url="/openapi.json"');
    expect(redoc.text).not.toMatch(/https?:\/\//);
    const bundle = await fetch(`${t.base}/redoc/redoc.standalone.js`);
    expect(bundle.status).toBe(200);
  });
});
