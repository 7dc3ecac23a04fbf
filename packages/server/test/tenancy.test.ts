/**
 * Tenancy and enterprise routes (API contract section 11, issue 12) over real HTTP with
 * MULTI_TENANT=true, on memory, PGlite and PostgreSQL: the platform administrator provisions a
 * tenant with its first admin in one transaction, suspends and reactivates it (tokens issued
 * before a suspension stop working), changes its plan and limits; limits hold under 20 parallel
 * creates; usage is counted; custom roles extend what a user may do; every kind of change leaves
 * an audit entry with who, what, before/after, IP, user agent and request id; an employee's data
 * is exported and erased with company analytics unchanged.
 */
import { request as httpRequest } from "node:http";
import { createPGliteStore } from "@epca/adapter-postgres";
import { BYTES_PER_GB, systemActor } from "@epca/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { daysAgo, PASSWORD, startServer, type TestServer } from "./support/harness.js";
import { memoryStoreFactory, postgresServerUrl, postgresStoreFactory, type StoreFactory } from "./support/stores.js";

const ROOT = "root@platform.example";
const ACME_ADMIN = "boss@acme.example";
const ACME_PASSWORD = "acme-password-1";

const pgliteFactory: StoreFactory = async () => {
  const store = await createPGliteStore({ migrate: true });
  return { store, close: () => store.close() };
};

/** A JSON POST with a Host header of our choosing (fetch does not let one set Host). */
function postWithHost(base: string, host: string, path: string, body: unknown): Promise<{ status: number; body: any }> {
  const url = new URL(base + path);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { host, "content-type": "application/json", "content-length": Buffer.byteLength(payload) } },
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

const FACTORIES: Array<[string, StoreFactory, boolean]> = [
  ["memory", memoryStoreFactory, true],
  ["PGlite", pgliteFactory, true],
  ["PostgreSQL", postgresStoreFactory, Boolean(postgresServerUrl)],
];

describe.each(FACTORIES)("tenancy on %s", (_name, factory, available) => {
  let t: TestServer;
  let root = "";
  let acme = { id: "", subdomain: "acme" };
  let acmeToken = "";

  const call = (method: string, path: string, token: string | null, body?: unknown, headers: Record<string, string> = {}) =>
    t.request(method, `/api/v1${path}`, { token, ...(body !== undefined ? { body } : {}), headers });
  const login = async (email: string, password: string, tenant: string) => {
    const response = await t.request("POST", "/api/v1/auth/login", { body: { username: email, password }, headers: { "x-tenant-id": tenant } });
    return response;
  };

  beforeAll(async () => {
    if (!available) return;
    const opened = await factory();
    t = await startServer(opened.store, { MULTI_TENANT: true, FIRST_ADMIN_EMAIL: ROOT }, { closeStore: opened.close });
    await t.epca.users.create(systemActor("default"), { email: ROOT, password: PASSWORD, full_name: "Root", role: "admin" });
    await t.epca.users.create(systemActor("default"), { email: "plain-admin@platform.example", password: PASSWORD, full_name: "Plain", role: "admin" });
    root = (await login(ROOT, PASSWORD, "default")).body.access_token;
  });
  afterAll(async () => {
    await t?.close();
  });

  it.runIf(available)("POST /tenants creates the tenant and its first admin; only the platform admin may", async () => {
    const plain = (await login("plain-admin@platform.example", PASSWORD, "default")).body.access_token;
    const input = { name: "Acme Corp", subdomain: "acme", plan: "starter", admin_email: ACME_ADMIN, admin_password: ACME_PASSWORD };
    expect((await call("POST", "/tenants/", plain, input)).status).toBe(403);
    expect((await call("GET", "/tenants/", plain)).status).toBe(403);

    const created = await call("POST", "/tenants/", root, input);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: "Acme Corp", subdomain: "acme", plan: "starter", is_active: true, limits: { max_users: 10, max_projects: 50, max_storage_gb: 10, ml_training_hours: 10 } });
    expect(created.body.id).toMatch(/^t_[0-9a-f]{16}$/);
    expect(created.headers.get("location")).toBe(`/api/v1/tenants/${created.body.id}`);
    acme = { id: created.body.id, subdomain: "acme" };

    // The first admin logs in by subdomain and by id; the token carries the tenant.
    const bySubdomain = await login(ACME_ADMIN, ACME_PASSWORD, "acme");
    expect(bySubdomain.status).toBe(200);
    acmeToken = bySubdomain.body.access_token;
    expect((await login(ACME_ADMIN, ACME_PASSWORD, acme.id)).status).toBe(200);
    // …and by the host name's first label, with no X-Tenant-ID; that token reaches the new routes.
    const byHost = await postWithHost(t.base, "acme.hr.example.com", "/api/v1/auth/login", { username: ACME_ADMIN, password: ACME_PASSWORD });
    expect(byHost.status).toBe(200);
    expect((await call("GET", "/roles/", byHost.body.access_token)).status).toBe(200);
    expect((await call("GET", "/roles/", byHost.body.access_token, undefined, { "x-tenant-id": "default" })).status).toBe(403);
    expect((await call("GET", "/auth/me", acmeToken)).body).toMatchObject({ email: ACME_ADMIN, role: "admin" });
    // Acme's admin is no platform admin.
    expect((await call("GET", "/tenants/", acmeToken)).status).toBe(403);

    const list = await call("GET", "/tenants/", root);
    expect(list.body.map((x: { subdomain: string }) => x.subdomain)).toEqual(["default", "acme"]);
    expect((await call("GET", `/tenants/${acme.id}`, root)).body).toEqual(created.body);
    expect((await call("GET", "/tenants/t_nope", root)).status).toBe(404);
  });

  it.runIf(available)("a taken subdomain is a 409 and leaves no tenant behind (one transaction)", async () => {
    const before = (await call("GET", "/tenants/", root)).body.length;
    const again = await call("POST", "/tenants/", root, { name: "Acme Again", subdomain: "acme", plan: "starter", admin_email: "x@acme.example", admin_password: ACME_PASSWORD });
    expect(again.status).toBe(409);
    expect((await call("GET", "/tenants/", root)).body.length).toBe(before);
  });

  it.runIf(available)("a plan limit holds under 20 parallel creates: exactly 5 succeed, the rest 403 naming the limit", async () => {
    const patched = await call("PATCH", `/tenants/${acme.id}`, root, { limits: { max_projects: 5 } });
    expect(patched.status).toBe(200);
    expect(patched.body.limits).toEqual({ max_users: 10, max_projects: 5, max_storage_gb: 10, ml_training_hours: 10 });
    const dept = await call("POST", "/departments/", acmeToken, { name: "Acme R&D", budget: 100_000 });
    expect(dept.status).toBe(201);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => call("POST", "/projects/", acmeToken, { name: `Parallel ${i}`, department_id: dept.body.id, status: "planned" })),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.filter((s) => s === 403)).toHaveLength(15);
    expect(answers.find((a) => a.status === 403)!.body).toEqual({ detail: "Plan limit reached: max_projects is 5 on this tenant's plan" });
    expect((await call("GET", "/projects/", acmeToken)).headers.get("x-total-count")).toBe("5");
  });

  it.runIf(available)("max_users holds for parallel user creation too", async () => {
    await call("PATCH", `/tenants/${acme.id}`, root, { limits: { max_users: 3 } }); // the admin is user 1
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => call("POST", "/auth/register", acmeToken, { email: `u${i}@acme.example`, password: PASSWORD, full_name: `User ${i}`, role: "read_only" })),
    );
    expect(answers.map((a) => a.status).filter((s) => s === 201)).toHaveLength(2);
    expect(answers.find((a) => a.status === 403)!.body.detail).toBe("Plan limit reached: max_users is 3 on this tenant's plan");
  });

  it.runIf(available)("a plan change takes the plan's limits; storage and training time are limited in the same unit of work", async () => {
    const professional = await call("PATCH", `/tenants/${acme.id}`, root, { plan: "professional" });
    expect(professional.body).toMatchObject({ plan: "professional", limits: { max_users: 100, max_projects: 500, max_storage_gb: 100, ml_training_hours: 100 } });
    await call("PATCH", `/tenants/${acme.id}`, root, { limits: { max_storage_gb: 1, ml_training_hours: 1 } });
    const acmeSystem = systemActor(acme.id);
    await t.epca.tenants.chargeStorage(acmeSystem, BYTES_PER_GB - 10);
    await expect(t.epca.tenants.chargeStorage(acmeSystem, 11)).rejects.toMatchObject({ code: "plan_limit_reached", limit: "max_storage_gb", max: 1 });
    await t.epca.tenants.chargeStorage(acmeSystem, 10);
    await t.epca.tenants.chargeStorage(acmeSystem, -100); // a deletion
    await t.epca.tenants.chargeTrainingTime(acmeSystem, 3000);
    await expect(t.epca.tenants.chargeTrainingTime(acmeSystem, 601)).rejects.toMatchObject({ code: "plan_limit_reached", limit: "ml_training_hours" });
    const usage = await call("GET", `/tenants/${acme.id}/usage`, root);
    expect(usage.status).toBe(200);
    expect(usage.body.current).toMatchObject({ storage_bytes: BYTES_PER_GB - 100, ml_training_hours_this_month: 3000 / 3600, projects: 5, users: 3 });
  });

  it.runIf(available)("usage counts API calls and active users per day, written in batches", async () => {
    const before = await call("GET", `/tenants/${acme.id}/usage`, root);
    const today = new Date().toISOString().slice(0, 10);
    const callsBefore = before.body.days.find((d: { date: string }) => d.date === today)?.api_calls ?? 0;
    for (let i = 0; i < 7; i++) await call("GET", "/departments/", acmeToken);
    const after = await call("GET", `/tenants/${acme.id}/usage?from=${today}&to=${today}`, root);
    expect(after.body).toMatchObject({ tenant_id: acme.id, from: today, to: today });
    expect(after.body.days).toHaveLength(1);
    expect(after.body.days[0].api_calls).toBe(callsBefore + 7);
    expect(after.body.days[0].active_users).toBe(1);
    expect((await call("GET", `/tenants/${acme.id}/usage?from=2026-13-01`, root)).status).toBe(422);
  });

  it.runIf(available)("suspension: every request of the tenant is 403, tokens issued before it and login included; reactivation restores it", async () => {
    expect((await call("GET", "/departments/", acmeToken)).status).toBe(200);
    const suspended = await call("PATCH", `/tenants/${acme.id}`, root, { is_active: false });
    expect(suspended.body.is_active).toBe(false);
    const refused = await call("GET", "/departments/", acmeToken);
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ detail: "Tenant is suspended" });
    expect((await login(ACME_ADMIN, ACME_PASSWORD, "acme")).status).toBe(403);
    // The platform's own tenant cannot be suspended.
    expect((await call("PATCH", "/tenants/default", root, { is_active: false })).status).toBe(409);
    await call("PATCH", `/tenants/${acme.id}`, root, { is_active: true });
    expect((await call("GET", "/departments/", acmeToken)).status).toBe(200);
    const audit = await call("GET", `/audit-logs/?resource_type=tenant&resource_id=${acme.id}`, acmeToken);
    expect(audit.body.map((e: { action: string }) => e.action)).toEqual(["create", "update", "update", "update", "update", "suspend", "reactivate"]);
    expect(audit.body.find((e: { action: string }) => e.action === "suspend").changes).toMatchObject({ before: { is_active: true }, after: { is_active: false } });
  });

  it.runIf(available)("custom roles: listed after the 4 built-ins, granted per user, evaluated by the policy", async () => {
    const reader = await call("POST", "/auth/register", acmeToken, { email: "reader@acme.example", password: PASSWORD, full_name: "Reader", role: "read_only" });
    expect(reader.status).toBe(201);
    const readerToken = (await login("reader@acme.example", PASSWORD, "acme")).body.access_token;
    expect((await call("GET", "/analytics/company", readerToken)).status).toBe(403);

    const listed = await call("GET", "/roles/", acmeToken);
    expect(listed.body.map((r: { name: string; id: number | null; is_system: boolean }) => [r.name, r.id, r.is_system])).toEqual([
      ["admin", null, true],
      ["department_head", null, true],
      ["analyst", null, true],
      ["read_only", null, true],
    ]);
    expect((await call("POST", "/roles/", acmeToken, { name: "admin", permissions: [] })).status).toBe(409);
    const role = await call("POST", "/roles/", acmeToken, { name: "finance", description: "Company figures", permissions: [{ resource: "company_analytics", actions: ["read"] }] });
    expect(role.status).toBe(201);
    expect(role.body).toMatchObject({ name: "finance", is_system: false, permissions: [{ resource: "company_analytics", actions: ["read"] }] });
    const granted = await call("PUT", `/users/${reader.body.id}/roles`, acmeToken, { role_ids: [role.body.id] });
    expect(granted.status).toBe(200);
    expect(granted.body).toMatchObject({ id: reader.body.id, role: "read_only", role_ids: [role.body.id] });
    expect((await call("GET", "/analytics/company", readerToken)).status).toBe(200);
    expect((await call("GET", "/roles/", readerToken)).status).toBe(403);

    const renamed = await call("PUT", `/roles/${role.body.id}`, acmeToken, { permissions: [{ resource: "reports", actions: ["read"] }] });
    expect(renamed.body.permissions).toEqual([{ resource: "reports", actions: ["read"] }]);
    expect((await call("GET", "/analytics/company", readerToken)).status).toBe(403);
    expect((await call("DELETE", `/roles/${role.body.id}`, acmeToken)).status).toBe(200);
    expect((await call("PUT", `/roles/${role.body.id}`, acmeToken, { name: "gone" })).status).toBe(404);
    expect((await call("PUT", `/users/${reader.body.id}/roles`, acmeToken, { role_ids: [role.body.id] })).status).toBe(404);
  });

  it.runIf(available)("every kind of change leaves an audit entry with who, what, before/after, IP, user agent and request id", async () => {
    const headers = { "user-agent": "audit-test/1.0", "x-request-id": "req-audit-1" };
    const dept = await call("POST", "/departments/", acmeToken, { name: "Audited", budget: 1000 }, headers);
    await call("PUT", `/departments/${dept.body.id}`, acmeToken, { budget: 2000 }, { ...headers, "x-request-id": "req-audit-2" });
    const emp = await call("POST", "/employees/", acmeToken, { name: "Audrey Audit", department_id: dept.body.id, salary: 50_000 }, headers);
    const proj = (await call("GET", "/projects/?limit=1", acmeToken)).body[0];
    const ts = await call("POST", "/timesheets/", acmeToken, { employee_id: emp.body.id, project_id: proj.id, hours_worked: 3, date: daysAgo(1) }, headers);
    await call("POST", `/timesheets/${ts.body.id}/submit`, acmeToken, undefined, headers);
    await call("POST", `/timesheets/${ts.body.id}/approve`, acmeToken, undefined, headers);
    await call("DELETE", `/departments/${(await call("POST", "/departments/", acmeToken, { name: "Doomed", budget: 1 })).body.id}`, acmeToken, undefined, headers);
    await t.request("POST", "/api/v1/auth/login", { body: { username: ACME_ADMIN, password: ACME_PASSWORD }, headers: { "x-tenant-id": "acme", ...headers, "x-request-id": "req-login" } });

    const me = (await call("GET", "/auth/me", acmeToken)).body;
    const byUpdate = await call("GET", `/audit-logs/?resource_type=department&resource_id=${dept.body.id}&action=update`, acmeToken);
    expect(byUpdate.status).toBe(200);
    expect(byUpdate.body).toEqual([
      {
        id: expect.any(Number),
        user_id: me.id,
        action: "update",
        resource_type: "department",
        resource_id: String(dept.body.id),
        changes: { before: expect.objectContaining({ budget: 1000 }), after: expect.objectContaining({ budget: 2000 }) },
        ip_address: expect.stringMatching(/127\.0\.0\.1/),
        user_agent: "audit-test/1.0",
        request_id: "req-audit-2",
        created_at: expect.any(String),
      },
    ]);
    const all = (await call("GET", `/audit-logs/?user_id=${me.id}&limit=1000`, acmeToken)).body as Array<{ action: string; resource_type: string }>;
    const kinds = new Set(all.map((e) => `${e.resource_type}:${e.action}`));
    for (const kind of ["department:create", "department:update", "department:delete", "employee:create", "timesheet:create", "timesheet:submit", "timesheet:approve", "session:login", "role:create", "role:update", "role:delete", "user:set_roles", "user:create"]) {
      expect(kinds, kind).toContain(kind);
    }
    const login = all.filter((e) => e.action === "login").at(-1) as unknown as { request_id: string; user_agent: string };
    expect(login).toMatchObject({ request_id: "req-login", user_agent: "audit-test/1.0" });
    const today = new Date().toISOString().slice(0, 10);
    expect((await call("GET", `/audit-logs/?from=${today}&to=${today}&action=approve`, acmeToken)).body).toHaveLength(1);
    expect((await call("GET", "/audit-logs/?from=2000-01-01&to=2000-01-02", acmeToken)).body).toEqual([]);
    expect((await call("GET", "/audit-logs/?from=yesterday", acmeToken)).status).toBe(422);
    // The default tenant's log never shows Acme's entries, and Acme's never the platform's.
    const platformLog = (await call("GET", "/audit-logs/?limit=1000", root)).body as Array<{ resource_type: string; resource_id: string }>;
    expect(platformLog.some((e) => e.resource_type === "department")).toBe(false);
    expect(platformLog.filter((e) => e.resource_type === "tenant" && e.resource_id === acme.id).length).toBeGreaterThan(0);
  });

  it.runIf(available)("export and erasure: everything about an employee, then personal data replaced with company analytics unchanged", async () => {
    const dept = await call("POST", "/departments/", acmeToken, { name: "Erasure Dept", budget: 500_000 });
    const emp = await call("POST", "/employees/", acmeToken, { name: "Eva Erase", email: "eva@acme.example", department_id: dept.body.id, salary: 90_000, revenue_generated: 120_000, skills: ["sql"], hire_date: "2024-01-02" });
    const proj = (await call("GET", "/projects/?limit=1", acmeToken)).body[0];
    const ts = await call("POST", "/timesheets/", acmeToken, { employee_id: emp.body.id, project_id: proj.id, hours_worked: 6.5, date: daysAgo(2), description: "Met Eva's dentist" });
    expect(ts.status).toBe(201);
    const alloc = await call("POST", "/allocations/", acmeToken, { employee_id: emp.body.id, project_id: proj.id, allocation_percentage: 40, allocated_hours: 60, start_date: daysAgo(30), end_date: daysAgo(1) });
    expect(alloc.status).toBe(201);
    await call("PATCH", `/tenants/${acme.id}`, root, { limits: { max_users: 100 } });
    const user = await call("POST", "/auth/register", acmeToken, { email: "eva.user@acme.example", password: PASSWORD, full_name: "Eva", role: "read_only" });
    expect(user.status).toBe(201);
    expect((await call("PUT", `/users/${user.body.id}`, acmeToken, { employee_id: emp.body.id })).status).toBe(200);
    expect((await login("eva.user@acme.example", PASSWORD, "acme")).status).toBe(200); // an entry made by her account

    const exported = await call("GET", `/employees/${emp.body.id}/export`, acmeToken);
    expect(exported.status).toBe(200);
    expect(exported.body.employee).toMatchObject({ id: emp.body.id, name: "Eva Erase", email: "eva@acme.example" });
    expect(exported.body.timesheets.map((x: { id: number }) => x.id)).toEqual([ts.body.id]);
    expect(exported.body.allocations.map((x: { id: number }) => x.id)).toEqual([alloc.body.id]);
    expect(exported.body.users).toEqual([expect.objectContaining({ id: user.body.id, email: "eva.user@acme.example", role_ids: [] })]);
    expect(exported.body.users[0]).not.toHaveProperty("password_hash");
    expect(exported.body.audit_entries.map((e: { resource_type: string; action: string }) => `${e.resource_type}:${e.action}`)).toEqual(["employee:create", "timesheet:create", "allocation:create", "user:create", "user:update", "session:login"]);

    const analyticsBefore = (await call("GET", "/analytics/company", acmeToken)).body;
    const departmentBefore = (await call("GET", `/analytics/departments/${dept.body.id}`, acmeToken)).body;
    const erased = await call("DELETE", `/employees/${emp.body.id}?erase=true`, acmeToken);
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ id: emp.body.id, name: `Erased employee ${emp.body.id}`, email: null, skills: [], hire_date: null, is_active: false, salary: 90_000, revenue_generated: 120_000 });
    expect((await call("GET", "/analytics/company", acmeToken)).body).toEqual(analyticsBefore);
    expect((await call("GET", `/analytics/departments/${dept.body.id}`, acmeToken)).body).toEqual(departmentBefore);
    expect((await call("GET", `/timesheets/${ts.body.id}`, acmeToken)).body).toMatchObject({ hours_worked: 6.5, description: null });
    expect((await call("GET", `/users/${user.body.id}`, acmeToken)).status).toBe(404);
    expect((await login("eva.user@acme.example", PASSWORD, "acme")).status).toBe(401);
    const after = (await call("GET", `/employees/${emp.body.id}/export`, acmeToken)).body;
    expect(JSON.stringify({ ...after, audit_entries: after.audit_entries.filter((e: { action: string }) => e.action === "erase") })).not.toMatch(/Eva|eva@|dentist/);
    const eraseEntry = after.audit_entries.find((e: { action: string }) => e.action === "erase");
    expect(eraseEntry.changes).toEqual({ before: null, after: { erased_fields: ["name", "email", "skills", "hire_date"], timesheet_descriptions_cleared: 1, user_ids_deleted: [user.body.id] } });
    // Nobody erases their own record (it would delete the account making the request).
    const selfEmp = await call("POST", "/employees/", acmeToken, { name: "Self Admin", department_id: dept.body.id, salary: 1000 });
    const me = (await call("GET", "/auth/me", acmeToken)).body;
    await call("PUT", `/users/${me.id}`, acmeToken, { employee_id: selfEmp.body.id });
    expect((await call("DELETE", `/employees/${selfEmp.body.id}?erase=true`, acmeToken)).status).toBe(409);
    await call("PUT", `/users/${me.id}`, acmeToken, { employee_id: null });
    // A plain DELETE still refuses an employee with timesheets.
    expect((await call("DELETE", `/employees/${emp.body.id}`, acmeToken)).status).toBe(409);
  });
});
