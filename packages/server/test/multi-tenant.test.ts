/**
 * MULTI_TENANT (API contract section 11, first bullet) over real HTTP on the memory store: a
 * request's tenant comes from its token's `tenant_id` claim; before login (login, register,
 * refresh) from `X-Tenant-ID` (tenant id or subdomain) or the host's first label. A token of
 * tenant A with `X-Tenant-ID: B` is a 403; a record of another tenant is a 404; a suspended tenant
 * is a 403, login included. An unknown tenant before login is a 404 whose detail names it.
 */
import { request as httpRequest } from "node:http";
import { createMemoryStore } from "@epca/adapter-memory";
import { DEFAULT_TENANT_ID, PLAN_LIMITS, systemActor } from "@epca/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD, startServer, type TestServer } from "./support/harness.js";

const ACME = "t_acme"; // id; its subdomain is "acme"
const SHARED_EMAIL = "admin@shared.example"; // the same address is an admin in both tenants
const ACME_PASSWORD = "acme-password-1";

let t: TestServer;
let single: TestServer; // the same store, MULTI_TENANT off
const ids = { defaultDept: 0, acmeDept: 0, acmeEmployee: 0, defaultEmployee: 0 };
const tokens = { default: "", acme: "", acmeRefresh: "" };

/** JWT payload, unverified (to read the claim the server put there). */
const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8")) as Record<string, unknown>;

const login = (email: string, password: string, headers: Record<string, string> = {}, server = t) =>
  server.request("POST", "/api/v1/auth/login", { body: { username: email, password }, headers });

/** A request with a Host header of our choosing (fetch does not let one set Host). */
function withHost(host: string, method: string, path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const url = new URL(t.base + path);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname, method, headers: { ...headers, host, "content-type": "application/json", "content-length": Buffer.byteLength(payload) } },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode!, body: JSON.parse(text) }));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

beforeAll(async () => {
  const store = createMemoryStore();
  await store.tenants.insert({ id: ACME, name: "Acme Corp", subdomain: "acme", plan: "starter", is_active: true, limits: PLAN_LIMITS.starter });
  t = await startServer(store, { MULTI_TENANT: true }, { closeStore: () => store.close() });
  single = await startServer(store, { MULTI_TENANT: false });

  // An admin in each tenant, registered by a system actor of that tenant.
  await t.epca.users.register(DEFAULT_TENANT_ID, { email: SHARED_EMAIL, password: PASSWORD, full_name: "Default Admin", role: "admin" }, systemActor(DEFAULT_TENANT_ID));
  await t.epca.users.register(ACME, { email: SHARED_EMAIL, password: ACME_PASSWORD, full_name: "Acme Admin", role: "admin" }, systemActor(ACME));

  ids.defaultDept = (await t.epca.departments.create(systemActor(DEFAULT_TENANT_ID), { name: "Default Finance", budget: 100_000 })).id;
  ids.acmeDept = (await t.epca.departments.create(systemActor(ACME), { name: "Acme R&D", budget: 200_000 })).id;
  ids.defaultEmployee = (await t.epca.employees.create(systemActor(DEFAULT_TENANT_ID), { name: "Dana Default", department_id: ids.defaultDept, salary: 50_000 })).id;
  ids.acmeEmployee = (await t.epca.employees.create(systemActor(ACME), { name: "Arno Acme", department_id: ids.acmeDept, salary: 60_000 })).id;
});

afterAll(async () => {
  await single?.close();
  await t?.close();
});

describe("MULTI_TENANT=true", () => {
  it("logs in to the tenant X-Tenant-ID names (id or subdomain); the token carries it as tenant_id", async () => {
    const toDefault = await login(SHARED_EMAIL, PASSWORD, { "X-Tenant-ID": "default" });
    expect(toDefault.status).toBe(200);
    expect(claimsOf(toDefault.body.access_token).tenant_id).toBe(DEFAULT_TENANT_ID);
    tokens.default = toDefault.body.access_token;

    const bySubdomain = await login(SHARED_EMAIL, ACME_PASSWORD, { "X-Tenant-ID": "acme" });
    expect(bySubdomain.status).toBe(200);
    expect(claimsOf(bySubdomain.body.access_token).tenant_id).toBe(ACME);
    const byId = await login(SHARED_EMAIL, ACME_PASSWORD, { "X-Tenant-ID": ACME });
    expect(byId.status).toBe(200);
    expect(claimsOf(byId.body.access_token).tenant_id).toBe(ACME);
    tokens.acme = byId.body.access_token;
    tokens.acmeRefresh = byId.body.refresh_token;

    // The same email, the other tenant's password: the tenant decides whose account is checked.
    expect((await login(SHARED_EMAIL, PASSWORD, { "X-Tenant-ID": "acme" })).status).toBe(401);
    expect((await login(SHARED_EMAIL, ACME_PASSWORD, { "X-Tenant-ID": "default" })).status).toBe(401);

    const me = await t.request("GET", "/api/v1/auth/me", { token: tokens.acme });
    expect(me.body).toMatchObject({ email: SHARED_EMAIL, full_name: "Acme Admin", role: "admin" });
  });

  it("takes the tenant from the host's first label when there is no X-Tenant-ID", async () => {
    const viaHost = await withHost("acme.hr.example.com", "POST", "/api/v1/auth/login", { username: SHARED_EMAIL, password: ACME_PASSWORD });
    expect(viaHost.status).toBe(200);
    expect(claimsOf(viaHost.body.access_token).tenant_id).toBe(ACME);
    // The header wins over the host.
    const headerWins = await withHost("acme.hr.example.com", "POST", "/api/v1/auth/login", { username: SHARED_EMAIL, password: PASSWORD }, { "X-Tenant-ID": "default" });
    expect(headerWins.status).toBe(200);
    expect(claimsOf(headerWins.body.access_token).tenant_id).toBe(DEFAULT_TENANT_ID);
  });

  it("answers an unknown tenant before login with 404 and a detail naming it", async () => {
    const unknown = await login(SHARED_EMAIL, PASSWORD, { "X-Tenant-ID": "nope" });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ detail: 'Unknown tenant "nope" (X-Tenant-ID): expected a tenant id or subdomain' });
    // No header: the host of this test server is 127.0.0.1, whose first label "127" is no tenant.
    const noHeader = await login(SHARED_EMAIL, PASSWORD);
    expect(noHeader.status).toBe(404);
    expect(noHeader.body.detail).toBe('Unknown tenant "127" (from the host name): send X-Tenant-ID with a tenant id or subdomain');
    const malformed = await login(SHARED_EMAIL, PASSWORD, { "X-Tenant-ID": "../etc" });
    expect(malformed.status).toBe(404);
    const register = await t.request("POST", "/api/v1/auth/register", {
      body: { email: "someone@x.example", password: PASSWORD, full_name: "Some One" },
      headers: { "X-Tenant-ID": "nope" },
    });
    expect(register.status).toBe(404);
  });

  it("shows each admin only their own tenant's records", async () => {
    const ours = await t.request("GET", "/api/v1/departments/", { token: tokens.default });
    expect(ours.status).toBe(200);
    expect(ours.body.map((d: { name: string }) => d.name)).toEqual(["Default Finance"]);
    const theirs = await t.request("GET", "/api/v1/departments/", { token: tokens.acme });
    expect(theirs.body.map((d: { name: string }) => d.name)).toEqual(["Acme R&D"]);
    const employees = await t.request("GET", "/api/v1/employees/", { token: tokens.acme });
    expect(employees.body.map((e: { name: string }) => e.name)).toEqual(["Arno Acme"]);
    const company = await t.request("GET", "/api/v1/analytics/company", { token: tokens.acme });
    expect(company.body).toMatchObject({ department_count: 1, employee_count: 1 });
  });

  it("answers a record of another tenant 404, never 403", async () => {
    // The owner reads it…
    expect((await t.request("GET", `/api/v1/departments/${ids.acmeDept}`, { token: tokens.acme })).status).toBe(200);
    // …the other tenant's admin does not see it, whatever the verb.
    for (const [method, path, body] of [
      ["GET", `/api/v1/departments/${ids.acmeDept}`, undefined],
      ["PUT", `/api/v1/departments/${ids.acmeDept}`, { name: "Taken Over" }],
      ["DELETE", `/api/v1/departments/${ids.acmeDept}`, undefined],
      ["GET", `/api/v1/employees/${ids.acmeEmployee}`, undefined],
      ["GET", `/api/v1/analytics/departments/${ids.acmeDept}`, undefined],
    ] as const) {
      const response = await t.request(method, path, { token: tokens.default, ...(body ? { body } : {}) });
      expect(response.status, `${method} ${path}`).toBe(404);
    }
    // And the other way round; a reference to another tenant's department does not link either.
    expect((await t.request("GET", `/api/v1/employees/${ids.defaultEmployee}`, { token: tokens.acme })).status).toBe(404);
    const crossLink = await t.request("POST", "/api/v1/employees/", {
      token: tokens.acme,
      body: { name: "Cross Link", department_id: ids.defaultDept, salary: 1000 },
    });
    expect(crossLink.status).toBe(404);
    // Nothing was changed by the refused calls.
    expect((await t.request("GET", `/api/v1/departments/${ids.acmeDept}`, { token: tokens.acme })).body.name).toBe("Acme R&D");
  });

  it("refuses a token of tenant A with X-Tenant-ID naming tenant B (403), accepts its own", async () => {
    const mismatch = await t.request("GET", "/api/v1/departments/", { token: tokens.default, headers: { "X-Tenant-ID": "acme" } });
    expect(mismatch.status).toBe(403);
    expect(mismatch.body).toEqual({ detail: "Token does not belong to this tenant" });
    const mismatchById = await t.request("GET", "/api/v1/departments/", { token: tokens.acme, headers: { "X-Tenant-ID": "default" } });
    expect(mismatchById.status).toBe(403);
    const unknown = await t.request("GET", "/api/v1/departments/", { token: tokens.acme, headers: { "X-Tenant-ID": "nope" } });
    expect(unknown.status).toBe(403);
    expect((await t.request("GET", "/api/v1/departments/", { token: tokens.acme, headers: { "X-Tenant-ID": "acme" } })).status).toBe(200);
    expect((await t.request("GET", "/api/v1/departments/", { token: tokens.acme, headers: { "X-Tenant-ID": ACME } })).status).toBe(200);
    // A refresh token of acme presented for default: 403; on its own: a new pair of acme.
    const refreshMismatch = await t.request("POST", "/api/v1/auth/refresh", { body: { refresh_token: tokens.acmeRefresh }, headers: { "X-Tenant-ID": "default" } });
    expect(refreshMismatch.status).toBe(403);
    const refreshed = await t.request("POST", "/api/v1/auth/refresh", { body: { refresh_token: tokens.acmeRefresh } });
    expect(refreshed.status).toBe(200);
    expect(claimsOf(refreshed.body.access_token).tenant_id).toBe(ACME);
    tokens.acmeRefresh = refreshed.body.refresh_token;
  });

  it("registers an anonymous user in the tenant X-Tenant-ID names", async () => {
    const registered = await t.request("POST", "/api/v1/auth/register", {
      body: { email: "reader@acme.example", password: PASSWORD, full_name: "Acme Reader" },
      headers: { "X-Tenant-ID": "acme" },
    });
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ email: "reader@acme.example", role: "read_only" });
    expect((await login("reader@acme.example", PASSWORD, { "X-Tenant-ID": "acme" })).status).toBe(200);
    expect((await login("reader@acme.example", PASSWORD, { "X-Tenant-ID": "default" })).status).toBe(401);
    const users = await t.request("GET", "/api/v1/users/", { token: tokens.default });
    expect(users.body.map((u: { email: string }) => u.email)).not.toContain("reader@acme.example");
  });

  it("refuses every request of a suspended tenant with 403, login and refresh included, and not the others", async () => {
    await t.store.tenants.update(ACME, { is_active: false });
    try {
      const loginSuspended = await login(SHARED_EMAIL, ACME_PASSWORD, { "X-Tenant-ID": "acme" });
      expect(loginSuspended.status).toBe(403);
      expect(loginSuspended.body).toEqual({ detail: "Tenant is suspended" });
      const request = await t.request("GET", "/api/v1/departments/", { token: tokens.acme });
      expect(request.status).toBe(403);
      expect(request.body).toEqual({ detail: "Tenant is suspended" });
      expect((await t.request("GET", "/api/v1/auth/me", { token: tokens.acme })).status).toBe(403);
      expect((await t.request("POST", "/api/v1/auth/refresh", { body: { refresh_token: tokens.acmeRefresh } })).status).toBe(403);
      const register = await t.request("POST", "/api/v1/auth/register", {
        body: { email: "late@acme.example", password: PASSWORD, full_name: "Too Late" },
        headers: { "X-Tenant-ID": "acme" },
      });
      expect(register.status).toBe(403);
      // The other tenant is untouched.
      expect((await t.request("GET", "/api/v1/departments/", { token: tokens.default })).status).toBe(200);
    } finally {
      await t.store.tenants.update(ACME, { is_active: true });
    }
    // Reactivated: the same token works again (a suspension is not a revocation).
    expect((await t.request("GET", "/api/v1/departments/", { token: tokens.acme })).status).toBe(200);
  });
});

describe("MULTI_TENANT=false (the default)", () => {
  it("ignores X-Tenant-ID: every login is in the default tenant", async () => {
    const r = await login(SHARED_EMAIL, PASSWORD, { "X-Tenant-ID": "acme" }, single);
    expect(r.status).toBe(200);
    expect(claimsOf(r.body.access_token).tenant_id).toBe(DEFAULT_TENANT_ID);
    expect((await login(SHARED_EMAIL, ACME_PASSWORD, { "X-Tenant-ID": "acme" }, single)).status).toBe(401);
    const departments = await single.request("GET", "/api/v1/departments/", { token: r.body.access_token, headers: { "X-Tenant-ID": "acme" } });
    expect(departments.body.map((d: { name: string }) => d.name)).toEqual(["Default Finance"]);
  });

  it("does not accept a token of another tenant (401)", async () => {
    const response = await single.request("GET", "/api/v1/departments/", { token: tokens.acme });
    expect(response.status).toBe(401);
  });
});
