import type { EpcaStore } from "@epca/core";
import { createMemoryStore } from "@epca/adapter-memory";
import { afterEach, describe, expect, it } from "vitest";
import { createFixture, startServer, startServerOn, type TestServer } from "./support/harness.js";
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

  it("limits failed logins per account and per IP", async () => {
    const t = track(await startServer(createMemoryStore(), { AUTH_RATE_LIMIT_PER_MINUTE: 2 }));
    const attempt = () => t.request("POST", `${API}/auth/login`, { body: { username: "victim@test.example", password: "wrong-pass" } });
    expect([(await attempt()).status, (await attempt()).status, (await attempt()).status]).toEqual([401, 401, 429]);
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
