/** Requests the router cannot decode, wrong methods, `GET /`, the documentation's paths and what the document lists. */
import type { AddressInfo } from "node:net";
import { createMemoryStore } from "@epca/adapter-memory";
import { createApiRouter, createApp, testConfig } from "@epca/server";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD, TEST_SECRET, startServer, type TestServer } from "./support/harness.js";

const API = "/api/v1";
const GARBAGE = ["%", "%zz", "%E0%A4%A", "a%2", "%%41"];
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

type Operation = { operationId?: string; responses: Record<string, { headers?: Record<string, unknown> }>; requestBody?: unknown };
type Document = {
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  tags: { name: string; description?: string }[];
  components: { securitySchemes: { OAuth2PasswordBearer: { flows: { password: { tokenUrl: string; refreshUrl: string } } } } };
};

describe("requests the router cannot decode, and wrong methods", () => {
  let t: TestServer;
  let admin: string;
  beforeAll(async () => {
    const store = createMemoryStore();
    t = await startServer(store, {}, { closeStore: () => store.close() });
    await t.epca.users.create(t.system, { email: "admin@edges.example", password: PASSWORD, full_name: "A", role: "admin" });
    admin = (await t.login("admin@edges.example")).access_token;
  });
  afterAll(async () => t?.close());

  it("answers 400 (never 500) for a malformed percent-escape in every path parameter of every route, for every method, with and without a token", async () => {
    const byPath = new Map<string, Set<string>>();
    for (const route of t.app.api.routes) {
      if (!route.path.includes("{")) continue;
      byPath.set(route.path, (byPath.get(route.path) ?? new Set()).add(route.method.toUpperCase()));
    }
    expect(byPath.size).toBeGreaterThan(15);
    const seen: string[] = [];
    for (const path of byPath.keys()) {
      for (const garbage of GARBAGE) {
        const url = path.replace(/\{\w+\}/g, garbage);
        for (const method of METHODS) {
          for (const token of [null, admin]) {
            const response = await t.request(method, url, { token, headers: { "content-type": "application/json" }, raw: method === "GET" || method === "DELETE" ? undefined : "{}" });
            // The router decodes a path's parameters when the path matches, before it looks at the method.
            seen.push(`${method} ${url} ${token ? "admin" : "anonymous"} → ${response.status}`);
            expect([method, url, response.status, response.body]).toEqual([method, url, 400, { detail: "Malformed percent-encoding in the request path" }]);
          }
        }
      }
    }
    expect(seen.length).toBe(byPath.size * GARBAGE.length * METHODS.length * 2);
  });

  it("answers 405 with Allow for a path without parameters, and 404 for a path no route has", async () => {
    const response = await t.request("DELETE", `${API}/departments/`, { token: admin });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, POST, HEAD");
    expect((await t.request("PUT", `${API}/health`)).headers.get("allow")).toBe("GET, HEAD");
    expect((await t.request("DELETE", `${API}/nothing/here`)).status).toBe(404);
  });

  it("answers GET / with where to go: JSON, or HTML for a browser", async () => {
    const json = await t.request("GET", "/", { headers: { accept: "application/json" } });
    expect(json.status).toBe(200);
    expect(json.body.links).toEqual({ docs: "/docs/", redoc: "/redoc", openapi: "/openapi.json", health: "/api/v1/health", api: "/api/v1/" });
    const html = await t.request("GET", "/", { headers: { accept: "text/html" } });
    expect(html.headers.get("content-type")).toMatch(/^text\/html/);
    expect(html.text).toContain('<a href="/docs/">Swagger UI</a>');
    expect((await t.request("POST", "/")).status).toBe(404);
  });

  it("answers under /docs only the page and its assets: other paths 404, other methods 405", async () => {
    const page = await t.request("GET", "/docs/");
    expect(page.status).toBe(200);
    expect(page.text).toContain("swagger-ui-init.js");
    expect((await t.request("GET", "/docs/index.html")).text).toBe(page.text);
    expect((await t.request("GET", "/docs/swagger-ui.css")).status).toBe(200);
    expect((await t.request("GET", "/docs/swagger-ui-init.js")).text).toContain("../openapi.json");
    const redirect = await fetch(`${t.base}/docs`, { redirect: "manual" });
    expect([redirect.status, redirect.headers.get("location")]).toEqual([301, "/docs/"]);
    for (const path of ["/docs/api/v1/auth/login", "/docs/nothing", "/docs/x/swagger-ui-init.js", "/docs/package.json", "/redoc/nothing.js"]) {
      const response = await t.request("GET", path);
      expect([path, response.status, response.body]).toEqual([path, 404, { detail: "Not Found" }]);
    }
    const post = await t.request("POST", "/docs/api/v1/auth/login", { raw: "username=a&password=b", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect([post.status, post.headers.get("allow")]).toEqual([405, "GET, HEAD"]);
    expect((await t.request("POST", "/openapi.json")).status).toBe(405);
  });
});

describe("the login flow's refreshUrl takes the OAuth2 form", () => {
  it("rotates a refresh token sent as grant_type=refresh_token, form-encoded", async () => {
    const store = createMemoryStore();
    const t = await startServer(store, {}, { closeStore: () => store.close() });
    try {
      await t.epca.users.create(t.system, { email: "form@edges.example", password: PASSWORD, full_name: "F", role: "analyst" });
      const { refresh_token } = await t.login("form@edges.example");
      const response = await t.request("POST", `${API}/auth/refresh`, {
        raw: `grant_type=refresh_token&refresh_token=${encodeURIComponent(refresh_token)}`,
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ token_type: "bearer", access_token: expect.any(String), refresh_token: expect.any(String) });
      expect(response.body.refresh_token).not.toBe(refresh_token);
    } finally {
      await t.close();
    }
  });
});

describe("the login flow's URLs follow the router's mount path", () => {
  it("documents absolute token and refresh URLs and the server at the root and under a host's path", async () => {
    const root = createApp({ store: createMemoryStore(), config: testConfig({ SECRET_KEY: TEST_SECRET }) });
    const host = express();
    host.use("/hr", createApiRouter({ store: createMemoryStore(), config: testConfig({ SECRET_KEY: TEST_SECRET }) }));
    for (const [app, base] of [[root, ""], [host, "/hr"]] as const) {
      const server = await new Promise<import("node:http").Server>((resolve) => {
        const s = app.listen(0, "127.0.0.1", () => resolve(s));
      });
      try {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
        const document = (await (await fetch(`${url}${base}/openapi.json`)).json()) as Document;
        expect(document.servers).toEqual([{ url: base || "/", description: "This server" }]);
        expect(document.components.securitySchemes.OAuth2PasswordBearer.flows.password).toEqual({
          tokenUrl: `${base}/api/v1/auth/login`,
          refreshUrl: `${base}/api/v1/auth/refresh`,
          scopes: {},
        });
        // The token URL, resolved against the page as a browser does, is the login route.
        const tokenUrl = new URL(document.components.securitySchemes.OAuth2PasswordBearer.flows.password.tokenUrl, `${url}${base}/docs/`);
        const login = await fetch(tokenUrl, { method: "POST", body: "username=x%40y.example&password=wrong-password", headers: { "content-type": "application/x-www-form-urlencoded" } });
        expect(login.status).toBe(401);
      } finally {
        server.close();
      }
    }
  });
});

describe("a rate-limited route answers 429 with the headers its document lists", () => {
  it("sends RateLimit, RateLimit-Policy and, on the 429, Retry-After, as documented", async () => {
    const store = createMemoryStore();
    const t = await startServer(store, { RATE_LIMIT_PER_MINUTE: 2 }, { closeStore: () => store.close() });
    try {
      const document = (await t.request("GET", "/openapi.json")).body as Document;
      const operation = document.paths["/api/v1/departments/"]!.get!;
      const first = await t.request("GET", `${API}/departments/`);
      expect(first.status).toBe(401);
      for (const header of Object.keys(operation.responses["401"]!.headers ?? {})) expect(first.headers.get(header), header).not.toBeNull();
      await t.request("GET", `${API}/departments/`);
      const limited = await t.request("GET", `${API}/departments/`);
      expect(limited.status).toBe(429);
      expect(Object.keys(operation.responses["429"]!.headers ?? {})).toEqual(["RateLimit", "RateLimit-Policy", "Retry-After"]);
      for (const header of ["RateLimit", "RateLimit-Policy", "Retry-After"]) expect(limited.headers.get(header), header).not.toBeNull();
      expect(limited.headers.get("ratelimit-policy")).toBe("2;w=60");
      // The health check is exempt, and its document lists no 429.
      expect((await t.request("GET", `${API}/health`)).status).toBe(200);
      expect(document.paths["/api/v1/health"]!.get!.responses["429"]).toBeUndefined();
    } finally {
      await t.close();
    }
  });
});

describe("the document lists what the server answers", () => {
  const config = testConfig({ SECRET_KEY: TEST_SECRET, RATE_LIMIT_PER_MINUTE: 60, RATE_LIMIT_PER_HOUR: 1000, AUTH_RATE_LIMIT_PER_MINUTE: 5 });
  const app = createApp({ store: createMemoryStore(), config });
  const document = app.api.openApiDocument() as unknown as Document;
  const operations = Object.entries(document.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
  const op = (method: string, path: string) => document.paths[`${API}${path}`]![method]!;
  const statuses = (method: string, path: string) => Object.keys(op(method, path).responses).map(Number);

  it("gives every operation a unique operationId and every tag a description", () => {
    const ids = operations.map(({ op }) => op.operationId);
    expect(ids.every((id) => typeof id === "string" && /^[a-z][A-Za-z0-9]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(op("get", "/departments/{dept_id}").operationId).toBe("getDepartmentDetails");
    expect(document.tags.every((tag) => (tag.description ?? "").length > 10)).toBe(true);
  });

  it("documents 413 and 415 on every route with a body, 409 on writes, 404 on creates naming ids, 403 on register", () => {
    for (const { path, method, op } of operations) {
      if (op.requestBody) expect([path, method, Object.keys(op.responses)]).toEqual([path, method, expect.arrayContaining(["400", "413", "415", "422"])]);
    }
    for (const path of ["/departments/", "/employees/", "/projects/", "/timesheets/"]) expect(statuses("post", path)).toContain(409);
    for (const path of ["/employees/", "/projects/", "/timesheets/"]) expect(statuses("post", path)).toContain(404);
    expect(statuses("post", "/departments/")).not.toContain(404);
    expect(statuses("post", "/timesheets/{ts_id}/approve")).toContain(409);
    expect(statuses("post", "/auth/register")).toEqual(expect.arrayContaining([201, 400, 401, 403, 409, 413, 415, 422, 429]));
    expect(statuses("get", "/health")).not.toContain(429);
  });

  it("documents 429 with Retry-After and the RateLimit headers on limited routes", () => {
    const tooMany = op("get", "/departments/").responses["429"]!;
    expect(Object.keys(tooMany.headers ?? {})).toEqual(["RateLimit", "RateLimit-Policy", "Retry-After"]);
    expect(Object.keys(op("get", "/departments/").responses["200"]!.headers ?? {})).toEqual(["X-Total-Count", "RateLimit", "RateLimit-Policy"]);
    expect(statuses("post", "/auth/login")).toContain(429);
  });

  it("writes the patterns of regexes with flags as patterns that match (no `/u` suffix)", () => {
    const patterns = [...JSON.stringify(document).matchAll(/"pattern":"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
    expect(patterns.length).toBeGreaterThan(5);
    expect(patterns.filter((p) => /\/[a-z]+$/.test(p))).toEqual([]);
    const name = (document as unknown as { components: { schemas: Record<string, { properties: Record<string, { pattern?: string }> }> } }).components.schemas.DepartmentCreate!.properties.name!;
    expect(new RegExp(name.pattern!, "u").test("Operations")).toBe(true);
    expect(new RegExp(name.pattern!, "u").test("Ops\u0000")).toBe(false);
  });

  it("gives every request body and path parameter an example (Redocly checks them against the schemas)", () => {
    const create = op("post", "/employees/") as unknown as { requestBody: { content: Record<string, { example: unknown }> } };
    expect(create.requestBody.content["application/json"]!.example).toEqual({
      name: "Ada Lovelace", email: "ada@example.com", department_id: 1, salary: 85000, revenue_generated: 170000, hire_date: "2024-03-01",
    });
    for (const { op: operation } of operations) {
      const withExamples = operation as unknown as { parameters?: { in: string; example?: unknown }[]; requestBody?: { content: Record<string, { example?: unknown }> } };
      for (const parameter of withExamples.parameters ?? []) {
        // Record ids are integers (example 1); a job's id is a UUID; an upload's entity the first it takes.
        if (parameter.in === "path") expect([1, "3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f", "departments"]).toContain(parameter.example);
      }
      for (const media of Object.values(withExamples.requestBody?.content ?? {})) expect(media.example).toBeDefined();
    }
  });

  it("lists in each mounted route exactly the statuses its operation documents", () => {
    for (const route of app.api.routes) {
      expect(route.statuses).toEqual(Object.keys(document.paths[route.path]![route.method]!.responses).map(Number));
    }
  });
});
