import { decodeJwt, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MATRIX, PAY_VISIBILITY } from "./authorization-matrix.js";
import { createFixture, daysAgo, PASSWORD, startServerOn, TEST_SECRET, type Caller, type Fixture, type TestServer } from "./support/harness.js";
import type { StoreFactory } from "./support/stores.js";
import { renderDashboardReads } from "./dashboard.js";

const API = "/api/v1";
const key = new TextEncoder().encode(TEST_SECRET);

/** A token signed with `secret` and the given header and claims (for negative cases). */
async function forge(
  options: { secret?: Uint8Array; typ?: string; type?: string; sub?: string; exp?: number; alg?: "HS256" | "HS384"; iss?: string; aud?: string; tenantId?: string | null; sid?: string } = {},
) {
  const now = Math.floor(Date.now() / 1000);
  const tenant = options.tenantId === null ? {} : { tenant_id: options.tenantId ?? "default" };
  return new SignJWT({ type: options.type ?? "access", ...tenant, sid: options.sid ?? "forged" })
    .setProtectedHeader({ alg: options.alg ?? "HS256", typ: options.typ ?? "at+jwt" })
    .setSubject(options.sub ?? "1")
    .setIssuer(options.iss ?? "epca")
    .setAudience(options.aud ?? "epca-api")
    .setJti("j")
    .setIssuedAt(now - 10)
    .setExpirationTime(options.exp ?? now + 600)
    .sign(options.secret ?? key);
}

function unsigned(claims: Record<string, unknown>): string {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${b64({ alg: "none", typ: "at+jwt" })}.${b64(claims)}.`;
}

/**
 * The HTTP suite, written once and run on every store: `factory` opens a fresh, empty store.
 */
export function httpSuite(factory: StoreFactory): void {
  describe("authorization matrix", () => {
    let t: TestServer;
    let fx: Fixture;
    beforeAll(async () => {
      t = await startServerOn(factory);
      fx = await createFixture(t);
    });
    afterAll(() => t.close());

    const callers: Caller[] = ["anonymous", "admin", "department_head", "analyst", "read_only", "other_head"];
    for (const row of MATRIX) {
      it(row.route, async () => {
        const [method] = row.route.split(" ");
        // Per caller: the exact status, and for a success answering one record, that record's id.
        const outcomes: Record<string, { status: number; id?: unknown }> = {};
        const expected: Record<string, { status: number; id?: unknown }> = {};
        for (const caller of callers) {
          const { path, body, id } = await row.request(t, fx, caller);
          const token = caller === "anonymous" ? null : fx.tokens[caller];
          const response = await t.request(method!, API + path, { token, ...(body !== undefined ? { body } : {}) });
          const want = caller === "anonymous" ? 401 : row.expect[caller];
          const wantStatus = want === "success" ? row.success : want;
          const checksId = id !== undefined && want === "success";
          outcomes[caller] = { status: response.status, ...(checksId ? { id: response.body?.id } : {}) };
          expected[caller] = { status: wantStatus, ...(checksId ? { id } : {}) };
          if (response.status >= 500) throw new Error(`${row.route} as ${caller}: ${response.status} ${response.text}`);
        }
        expect(outcomes).toEqual(expected);
      });
    }

    for (const row of PAY_VISIBILITY) {
      it(`pay visibility: ${row.route}`, async () => {
        const seen: Record<string, Record<string, boolean>> = {};
        const expected: Record<string, Record<string, boolean>> = {};
        for (const caller of ["admin", "department_head", "analyst", "read_only", "other_head"] as const) {
          const response = await t.request("GET", API + row.path(fx), { token: fx.tokens[caller] });
          expect(response.status, `${row.route} as ${caller}: ${response.text}`).toBe(200);
          const target = row.pick(response.body, fx);
          seen[caller] = Object.fromEntries(row.fields.map((f) => [f, f in target]));
          expected[caller] = Object.fromEntries(row.fields.map((f) => [f, row.visible[caller]]));
        }
        expect(seen).toEqual(expected);
      });
    }

    it("answers 401 with WWW-Authenticate: Bearer to anonymous callers", async () => {
      const response = await t.request("GET", `${API}/employees/`);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe("Bearer");
      expect(response.body).toEqual({ detail: "Not authenticated" });
    });
  });

  describe("analytics over time and the documented dashboard", () => {
    let t: TestServer;
    let fx: Fixture;
    let token: string;
    let project: number;
    const monthOf = (date: string) => date.slice(0, 7);
    beforeAll(async () => {
      t = await startServerOn(factory);
      fx = await createFixture(t);
      token = fx.tokens.admin;
      project = (await t.epca.projects.create(t.system, { name: "Dashboard deal", department_id: fx.deptA, status: "in_progress", cost: 6_000, revenue: 60_000 })).id;
      // 10 h this month, 20 h two months ago, 30 h fourteen months ago: revenue spreads 1/6, 2/6, 3/6.
      for (const [days, hours] of [[0, 10], [62, 20], [430, 15], [431, 15]] as const) {
        await t.epca.timesheets.create(t.system, { employee_id: fx.empA, project_id: project, hours_worked: hours, date: daysAgo(days) });
      }
    });
    afterAll(() => t.close());

    it("renders every read of the dashboard component from GET /analytics/company", async () => {
      const response = await t.request("GET", `${API}/analytics/company`, { token });
      expect(response.status).toBe(200);
      const view = renderDashboardReads(response.body);
      expect(view.employees).toBe(2);
      expect(view.projects).toBe(3);
      expect(view.revenue).toBe(`$${(60_000).toLocaleString()}`);
      expect(view.bars.map((b) => b.name)).toEqual(["Dept A", "Dept B"]);
      expect(view.bars[0]!.revenue).toBe(60_000);
      expect(view.line).toHaveLength(12);
      expect(view.line.at(-1)!.month).toBe(monthOf(daysAgo(0)));
      const recent = view.line.reduce((sum, p) => sum + p.revenue, 0);
      expect(recent).toBeCloseTo(30_000, 6); // 10 h + 20 h of 60 h fall in the last 12 months
      expect(view.line.reduce((sum, p) => sum + p.hours, 0)).toBe(32); // + the fixture's 2 h (revenue 0 project)
      // Trailing 12 months against the 12 before: 30 000 vs 30 000 of revenue.
      expect(view.revenueTrend.previous).toBeCloseTo(30_000, 6);
      expect(view.revenueTrend.change).toBeCloseTo(0, 6);
    });

    it("takes a period: totals, trends and series that add up", async () => {
      const from = daysAgo(400);
      const to = daysAgo(0);
      const company = await t.request("GET", `${API}/analytics/company?from=${from}&to=${to}`, { token });
      expect(company.status).toBe(200);
      expect(company.body.period).toEqual({ from, to });
      expect(company.body.total_hours).toBe(32);
      expect(company.body.total_revenue).toBeCloseTo(30_000, 6);
      renderDashboardReads(company.body);
      const series = await t.request("GET", `${API}/analytics/company/series?from=${from}&to=${to}`, { token });
      expect(series.status).toBe(200);
      const sum = (key: string) => series.body.points.reduce((s: number, p: Record<string, number>) => s + p[key]!, 0);
      for (const key of ["hours", "revenue", "cost", "salary_cost", "direct_cost", "labour_cost"]) {
        expect(sum(key), key).toBeCloseTo(series.body.total[key], 6);
      }
      expect(series.body.total.revenue).toBeCloseTo(company.body.total_revenue, 6);
      expect(series.body.total.cost).toBeCloseTo(company.body.total_cost, 6);
      const quarters = await t.request("GET", `${API}/analytics/company/series?from=${from}&to=${to}&interval=quarter`, { token });
      expect(quarters.body.total.revenue).toBeCloseTo(series.body.total.revenue, 6);
      expect(quarters.body.points.length).toBeLessThan(series.body.points.length);
      const projectOnly = await t.request("GET", `${API}/analytics/projects/${project}?from=${daysAgo(100)}&to=${to}`, { token });
      expect(projectOnly.body).toMatchObject({ total_hours: 30, direct_cost: 3_000, revenue: 30_000 });
      const allTime = await t.request("GET", `${API}/analytics/projects/${project}`, { token });
      expect(allTime.body).toMatchObject({ total_hours: 60, direct_cost: 6_000, revenue: 60_000 });
      expect(allTime.body.period).toBeUndefined();
    });

    it("refuses from after to with 422 on every analytics route", async () => {
      for (const path of [
        "/analytics/company",
        `/analytics/departments/${fx.deptA}`,
        `/analytics/employees/${fx.empA}`,
        `/analytics/projects/${project}`,
        "/analytics/top-performers",
        "/analytics/top-projects",
        "/analytics/company/series",
        `/analytics/employees/${fx.empA}/series`,
      ]) {
        const response = await t.request("GET", `${API}${path}?from=2024-02-01&to=2024-01-31`, { token });
        expect(response.status, path).toBe(422);
      }
      expect((await t.request("GET", `${API}/analytics/company?from=2024-13-01`, { token })).status).toBe(422);
      expect((await t.request("GET", `${API}/analytics/employees/999999/series`, { token })).status).toBe(404);
    });
  });

  describe("auth flows and hostile tokens", () => {
    let t: TestServer;
    let fx: Fixture;
    beforeAll(async () => {
      t = await startServerOn(factory);
      fx = await createFixture(t);
    });
    afterAll(() => t.close());

    const me = (token: string) => t.request("GET", `${API}/auth/me`, { token });

    it("refuses alg none, a wrong signature, wrong typ/type, expiry and a refresh token as access", async () => {
      const sub = String(fx.users.admin);
      const now = Math.floor(Date.now() / 1000);
      const cases = {
        none: unsigned({ sub, type: "access", tenant_id: "default", sid: "x", iss: "epca", aud: "epca-api", jti: "j", iat: now, exp: now + 600 }),
        wrongSecret: await forge({ sub, secret: new TextEncoder().encode("another-secret-that-is-32-characters-long!") }),
        otherAlg: await forge({ sub, alg: "HS384" }),
        wrongTyp: await forge({ sub, typ: "rt+jwt" }),
        wrongType: await forge({ sub, type: "refresh" }),
        expired: await forge({ sub, exp: now - 60 }),
        wrongIssuer: await forge({ sub, iss: "someone-else" }),
        wrongAudience: await forge({ sub, aud: "another-api" }),
        missingTenant: await forge({ sub, tenantId: null }),
        refreshAsAccess: (await t.login("admin@test.example")).refresh_token,
        garbage: "not.a.token",
        // Signed right, but of no session the store knows (or one that has ended).
        unknownSession: await forge({ sub }),
      };
      const sid = String(decodeJwt((await t.login("admin@test.example")).access_token).sid);
      expect((await me(await forge({ sub, sid }))).status).toBe(200);
      for (const [name, token] of Object.entries(cases)) {
        const response = await me(token);
        expect({ name, status: response.status }).toEqual({ name, status: 401 });
        expect(response.headers.get("www-authenticate")).toBe("Bearer");
      }
    });

    it("login accepts form-encoded and JSON bodies and answers the same 401 for unknown emails and wrong passwords", async () => {
      const form = await fetch(`${t.base}${API}/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ username: "admin@test.example", password: PASSWORD }),
      });
      expect(form.status).toBe(200);
      const tokens = (await form.json()) as Record<string, unknown>;
      expect(tokens).toMatchObject({ token_type: "bearer", expires_in: 3600 });
      expect(form.headers.get("cache-control")).toBe("no-store");

      const wrongPassword = await t.request("POST", `${API}/auth/login`, { body: { username: "admin@test.example", password: "nope-nope" } });
      const unknownEmail = await t.request("POST", `${API}/auth/login`, { body: { username: "ghost@test.example", password: "nope-nope" } });
      expect(wrongPassword.status).toBe(401);
      expect(unknownEmail.status).toBe(401);
      expect(wrongPassword.body).toEqual(unknownEmail.body);
      expect(wrongPassword.headers.get("www-authenticate")).toBe("Bearer");
    });

    it("rotates refresh tokens; a used one back inside the grace window answers the same pair once, then revokes the family", async () => {
      const first = await t.login("analyst@test.example");
      const refreshed = await t.request("POST", `${API}/auth/refresh`, { body: { refresh_token: first.refresh_token } });
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.refresh_token).not.toBe(first.refresh_token);
      expect((await me(refreshed.body.access_token)).status).toBe(200);

      // The old token again inside the grace window: the same pair (two tabs refreshing at once).
      const replay = await t.request("POST", `${API}/auth/refresh`, { body: { refresh_token: first.refresh_token } });
      expect({ status: replay.status, refresh_token: replay.body.refresh_token }).toEqual({ status: 200, refresh_token: refreshed.body.refresh_token });
      // Once more: reuse → 401, and the family (the new token too) is revoked.
      const reuse = await t.request("POST", `${API}/auth/refresh`, { body: { refresh_token: first.refresh_token } });
      expect(reuse.status).toBe(401);
      const afterReuse = await t.request("POST", `${API}/auth/refresh`, { body: { refresh_token: refreshed.body.refresh_token } });
      expect(afterReuse.status).toBe(401);

      // Another login is another family, unaffected.
      const other = await t.login("analyst@test.example");
      expect((await t.request("POST", `${API}/auth/refresh`, { body: { refresh_token: other.refresh_token } })).status).toBe(200);
    });

    it("three concurrent refreshes with one token: two get the same pair, the third revokes the whole family", async () => {
      // Several rounds: a race that the store does not serialise shows up in one of them.
      for (let round = 0; round < 5; round++) {
        const pair = await t.login("analyst@test.example");
        const refresh = (token: string) => t.request("POST", `${API}/auth/refresh`, { body: { refresh_token: token } });
        const answers = await Promise.all([refresh(pair.refresh_token), refresh(pair.refresh_token), refresh(pair.refresh_token)]);
        const statuses = answers.map((a) => a.status).sort();
        expect({ round, statuses }).toEqual({ round, statuses: [200, 200, 401] });
        const [a, b] = answers.filter((x) => x.status === 200);
        expect({ round, same: a!.body.refresh_token === b!.body.refresh_token }).toEqual({ round, same: true });
        expect({ round, winner: (await refresh(a!.body.refresh_token)).status }).toEqual({ round, winner: 401 });
        expect({ round, original: (await refresh(pair.refresh_token)).status }).toEqual({ round, original: 401 });
      }
    });

    it("never accepts an access token as a refresh token", async () => {
      const pair = await t.login("analyst@test.example");
      const response = await t.request("POST", `${API}/auth/refresh`, { body: { refresh_token: pair.access_token } });
      expect(response.status).toBe(401);
      const forgedRefresh = await forge({ sub: String(fx.users.analyst), typ: "rt+jwt", type: "refresh" });
      expect((await t.request("POST", `${API}/auth/refresh`, { body: { refresh_token: forgedRefresh } })).status).toBe(401);
    });

    it("logout revokes the session's refresh tokens", async () => {
      const pair = await t.login("reader@test.example");
      const logout = await t.request("POST", `${API}/auth/logout`, { token: pair.access_token });
      expect(logout.status).toBe(200);
      const refresh = await t.request("POST", `${API}/auth/refresh`, { body: { refresh_token: pair.refresh_token } });
      expect(refresh.status).toBe(401);
    });

    it("an inactive user cannot log in, refresh or use an unexpired access token", async () => {
      const user = await t.epca.users.create(t.system, { email: "leaver@test.example", password: PASSWORD, full_name: "Leaver", role: "analyst" });
      const pair = await t.login("leaver@test.example");
      const deactivate = await t.request("PUT", `${API}/users/${user.id}`, { token: fx.tokens.admin, body: { is_active: false } });
      expect(deactivate.status).toBe(200);
      expect((await me(pair.access_token)).status).toBe(401);
      expect((await t.request("POST", `${API}/auth/refresh`, { body: { refresh_token: pair.refresh_token } })).status).toBe(401);
      expect((await t.request("POST", `${API}/auth/login`, { body: { username: "leaver@test.example", password: PASSWORD } })).status).toBe(401);
    });

    it("registration: anonymous creates read_only only; an admin token may register any role", async () => {
      const anonymousAdmin = await t.request("POST", `${API}/auth/register`, {
        body: { email: "sneaky@test.example", password: "password123", full_name: "Sneaky", role: "admin" },
      });
      expect(anonymousAdmin.status).toBe(403);
      const byAdmin = await t.request("POST", `${API}/auth/register`, {
        token: fx.tokens.admin,
        body: { email: "newanalyst@test.example", password: "password123", full_name: "New Analyst", role: "analyst" },
      });
      expect(byAdmin.status).toBe(201);
      expect(byAdmin.body.role).toBe("analyst");
      expect(byAdmin.headers.get("location")).toBe(`${API}/users/${byAdmin.body.id}`);
      const short = await t.request("POST", `${API}/auth/register`, { body: { email: "x@test.example", password: "short", full_name: "X" } });
      expect(short.status).toBe(422);
      expect(short.body.detail[0].loc).toEqual(["body", "password"]);
    });

    it("user bodies never carry a password or hash", async () => {
      const list = await t.request("GET", `${API}/users/`, { token: fx.tokens.admin });
      expect(list.status).toBe(200);
      expect(list.text).not.toMatch(/password|scrypt\$/);
      expect(Object.keys(list.body[0]).sort()).toEqual(["created_at", "department_id", "email", "employee_id", "full_name", "id", "is_active", "role"]);
    });
  });

  describe("the documented test suite (spec 000 section 5), on our contract", () => {
    let t: TestServer;
    let headers: { token: string };
    beforeAll(async () => {
      t = await startServerOn(factory);
      await t.epca.users.create(t.system, { email: "test@example.com", password: "testpassword", full_name: "Test User", role: "admin" });
      headers = { token: (await t.login("test@example.com", "testpassword")).access_token };
    });
    afterAll(() => t.close());

    it("test_user_registration", async () => {
      const response = await t.request("POST", `${API}/auth/register`, {
        body: { email: "newuser@example.com", password: "newpassword", full_name: "New User", role: "read_only" },
      });
      expect(response.status).toBe(201);
      expect(response.body.email).toBe("newuser@example.com");
      expect(response.body.full_name).toBe("New User");
      expect(response.body).toHaveProperty("id");
    });

    it("test_user_login (form-encoded)", async () => {
      const response = await fetch(`${t.base}${API}/auth/login`, {
        method: "POST",
        body: new URLSearchParams({ username: "test@example.com", password: "testpassword" }),
      });
      expect(response.status).toBe(200);
      const tokens = (await response.json()) as Record<string, unknown>;
      expect(tokens).toHaveProperty("access_token");
      expect(tokens).toHaveProperty("refresh_token");
      expect(tokens.token_type).toBe("bearer");
    });

    it("test_protected_endpoint_access", async () => {
      const response = await t.request("GET", `${API}/auth/me`, headers);
      expect(response.status).toBe(200);
      expect(response.body.email).toBe("test@example.com");
    });

    it("test_department_crud_operations", async () => {
      const created = await t.request("POST", `${API}/departments/`, { ...headers, body: { name: "Engineering", budget: 500000.0 } });
      expect(created.status).toBe(201);
      const id = created.body.id;
      expect(created.body).toMatchObject({ name: "Engineering", budget: 500000 });
      expect(created.headers.get("location")).toBe(`${API}/departments/${id}`);
      const read = await t.request("GET", `${API}/departments/${id}`, headers);
      expect(read.status).toBe(200);
      expect(read.body.name).toBe("Engineering");
      const updated = await t.request("PUT", `${API}/departments/${id}`, { ...headers, body: { name: "Engineering Updated", budget: 600000.0 } });
      expect(updated.status).toBe(200);
      expect(updated.body.name).toBe("Engineering Updated");
      const deleted = await t.request("DELETE", `${API}/departments/${id}`, headers);
      expect(deleted.status).toBe(200);
      expect(deleted.body.id).toBe(id);
      const gone = await t.request("GET", `${API}/departments/${id}`, headers);
      expect(gone.status).toBe(404);
      expect(typeof gone.body.detail).toBe("string");
    });

    it("test_employee_creation_with_department", async () => {
      const dept = await t.request("POST", `${API}/departments/`, { ...headers, body: { name: "HR", budget: 300000.0 } });
      const employee = await t.request("POST", `${API}/employees/`, {
        ...headers,
        body: { name: "John Doe", department_id: dept.body.id, salary: 75000.0, revenue_generated: 150000.0 },
      });
      expect(employee.status).toBe(201);
      expect(employee.body).toMatchObject({ name: "John Doe", department_id: dept.body.id, salary: 75000 });
      const missing = await t.request("POST", `${API}/employees/`, { ...headers, body: { name: "No Dept", department_id: 999999, salary: 1 } });
      expect(missing.status).toBe(404);
    });

    it("test_company_analytics_calculation, with real data and computed figures", async () => {
      // A store of its own, so that the figures are exactly the ones below.
      const own = await startServerOn(factory);
      try {
        await own.epca.users.create(own.system, { email: "test@example.com", password: "testpassword", full_name: "T", role: "admin" });
        const token = (await own.login("test@example.com", "testpassword")).access_token;
        const post = async (path: string, body: unknown) => {
          const r = await own.request("POST", `${API}${path}`, { token, body });
          expect(r.status, r.text).toBe(201);
          return r.body;
        };
        const sales = await post("/departments/", { name: "Sales", budget: 400000 });
        const ops = await post("/departments/", { name: "Ops", budget: 100000 });
        const ann = await post("/employees/", { name: "Ann", department_id: sales.id, salary: 100000, revenue_generated: 250000 });
        const ben = await post("/employees/", { name: "Ben", department_id: ops.id, salary: 50000 });
        const big = await post("/projects/", { name: "Big deal", department_id: sales.id, cost: 20000, revenue: 300000, status: "in_progress" });
        const small = await post("/projects/", { name: "Small job", department_id: ops.id, cost: 10000, revenue: 100000, status: "in_progress" });
        await post("/timesheets/", { employee_id: ann.id, project_id: big.id, hours_worked: 8, date: daysAgo(3) });
        await post("/timesheets/", { employee_id: ann.id, project_id: big.id, hours_worked: 2, date: daysAgo(2) });
        await post("/timesheets/", { employee_id: ben.id, project_id: small.id, hours_worked: 6, date: daysAgo(2) });

        const company = await own.request("GET", `${API}/analytics/company`, { token });
        expect(company.status).toBe(200);
        // total_cost = salaries 150 000 + project costs 30 000; revenue = project revenue 400 000.
        expect(company.body).toMatchObject({
          department_count: 2,
          employee_count: 2,
          project_count: 2,
          total_revenue: 400000,
          total_cost: 180000,
          profit: 220000,
          total_hours: 16,
        });
        expect(company.body.roi).toBeCloseTo(220000 / 180000, 10);
        expect(company.body.productivity_index).toBeCloseTo(400000 / 16, 10);

        const dept = await own.request("GET", `${API}/analytics/departments/${sales.id}`, { token });
        expect(dept.status).toBe(200);
        expect(dept.body).toMatchObject({ department_id: sales.id, total_revenue: 300000, total_cost: 120000, profit: 180000, total_hours: 10 });
        expect(dept.body.roi).toBeCloseTo(1.5, 10);
        expect(dept.body.productivity_index).toBeCloseTo(30000, 10);
        expect(dept.body.budget_utilization).toBeCloseTo(120000 / 400000, 10);

        const project = await own.request("GET", `${API}/analytics/projects/${big.id}`, { token });
        // labour = 10 h × 100 000 / 2080
        expect(project.body.labour_cost).toBeCloseTo((10 * 100000) / 2080, 8);

        const top = await own.request("GET", `${API}/analytics/top-performers?metric=revenue_generated&limit=1`, { token });
        expect(top.status).toBe(200);
        expect(top.body).toHaveLength(1);
        expect(top.body[0]).toMatchObject({ employee_id: ann.id, rank: 1 });
      } finally {
        await own.close();
      }
    });

    it("test_department_analytics_with_employees", async () => {
      const dept = await t.request("POST", `${API}/departments/`, { ...headers, body: { name: "Sales", budget: 400000.0 } });
      const response = await t.request("GET", `${API}/analytics/departments/${dept.body.id}`, headers);
      expect(response.status).toBe(200);
      expect(response.body).toHaveProperty("department_id");
      expect(response.body).toHaveProperty("roi");
      expect(response.body).toHaveProperty("productivity_index");
      expect(response.body.roi).toBeNull();
    });

    it("lists carry X-Total-Count and page with skip/limit, with and without the trailing slash", async () => {
      for (let i = 0; i < 3; i++) await t.request("POST", `${API}/departments/`, { ...headers, body: { name: `Paged ${i}`, budget: 1 } });
      const all = await t.request("GET", `${API}/departments`, headers);
      const slash = await t.request("GET", `${API}/departments/`, headers);
      expect(all.body).toEqual(slash.body);
      const total = Number(all.headers.get("x-total-count"));
      expect(total).toBe(all.body.length);
      const pageOf = await t.request("GET", `${API}/departments/?skip=1&limit=2`, headers);
      expect(pageOf.body).toHaveLength(2);
      expect(pageOf.body[0].id).toBe(all.body[1].id);
      expect(pageOf.headers.get("x-total-count")).toBe(String(total));
    });

    it("timesheet workflow: submit, approve; approve again is 409", async () => {
      const dept = await t.request("POST", `${API}/departments/`, { ...headers, body: { name: "Flow", budget: 1 } });
      const emp = await t.request("POST", `${API}/employees/`, { ...headers, body: { name: "Flo", department_id: dept.body.id, salary: 1000 } });
      const proj = await t.request("POST", `${API}/projects/`, { ...headers, body: { name: "Flowing", department_id: dept.body.id, status: "in_progress" } });
      const ts = await t.request("POST", `${API}/timesheets/`, { ...headers, body: { employee_id: emp.body.id, project_id: proj.body.id, hours_worked: 4, date: daysAgo(1) } });
      expect(ts.status).toBe(201);
      expect(ts.body.status).toBe("draft");
      expect((await t.request("POST", `${API}/timesheets/${ts.body.id}/submit`, headers)).body.status).toBe("submitted");
      expect((await t.request("POST", `${API}/timesheets/${ts.body.id}/approve`, headers)).body.status).toBe("approved");
      expect((await t.request("POST", `${API}/timesheets/${ts.body.id}/approve`, headers)).status).toBe(409);
      const tooMany = await t.request("POST", `${API}/timesheets/`, { ...headers, body: { employee_id: emp.body.id, project_id: proj.body.id, hours_worked: 21, date: daysAgo(1) } });
      expect(tooMany.status).toBe(422);
    });
  });

  describe("hostile input", () => {
    let t: TestServer;
    let fx: Fixture;
    let token: string;
    beforeAll(async () => {
      t = await startServerOn(factory);
      fx = await createFixture(t);
      token = fx.tokens.admin;
    });
    afterAll(() => t.close());

    const snapshot = async () => {
      const departments = await t.epca.departments.list(t.system, {}, { limit: 1000 });
      const employees = await t.epca.employees.list(t.system, {}, { limit: 1000 });
      return { departments: departments.items, employees: employees.items };
    };

    it("never answers 5xx to bad input, and bad input changes nothing", async () => {
      const before = await snapshot();
      const attempts: { method: string; path: string; raw?: string; body?: unknown; headers?: Record<string, string>; expect: number }[] = [
        { method: "POST", path: "/departments/", raw: "{bad json", headers: { "content-type": "application/json" }, expect: 422 },
        { method: "POST", path: "/departments/", raw: '{"name": "Inf", "budget": 1e309}', headers: { "content-type": "application/json" }, expect: 422 },
        { method: "POST", path: "/employees/", body: { name: "Rich", department_id: fx.deptA, salary: 1e20 }, expect: 422 },
        { method: "POST", path: "/employees/", body: { name: 12345, department_id: "one", salary: "lots" }, expect: 422 },
        { method: "POST", path: "/employees/", body: [1, 2, 3], expect: 422 },
        { method: "POST", path: "/employees/", raw: "null", headers: { "content-type": "application/json" }, expect: 422 },
        { method: "POST", path: "/departments/", raw: "name=x", headers: { "content-type": "text/plain" }, expect: 415 },
        { method: "POST", path: "/departments/", body: { name: "x".repeat(2 * 1024 * 1024), budget: 1 }, expect: 413 },
        { method: "PUT", path: `/employees/${fx.empA}`, body: { salary: -5 }, expect: 422 },
        { method: "PUT", path: `/employees/${fx.empA}`, body: { department_id: 99999999 }, expect: 404 },
        { method: "POST", path: "/timesheets/", body: { employee_id: fx.empA, project_id: fx.projA, hours_worked: 25, date: daysAgo(1) }, expect: 422 },
        { method: "POST", path: "/timesheets/", body: { employee_id: fx.empA, project_id: fx.projA, hours_worked: 1, date: "2999-01-01" }, expect: 422 },
        { method: "POST", path: "/timesheets/", body: { employee_id: fx.empA, project_id: fx.projA, hours_worked: 1, date: "not-a-date" }, expect: 422 },
        { method: "POST", path: "/departments/", body: { name: "Dept A", budget: 1 }, expect: 409 },
        { method: "DELETE", path: `/departments/${fx.deptA}`, expect: 409 },
      ];
      for (const attempt of attempts) {
        const response = await t.request(attempt.method, API + attempt.path, {
          token,
          ...(attempt.raw !== undefined ? { raw: attempt.raw } : {}),
          ...(attempt.body !== undefined ? { body: attempt.body } : {}),
          ...(attempt.headers ? { headers: attempt.headers } : {}),
        });
        expect({ path: attempt.path, status: response.status, body: response.status === attempt.expect ? "ok" : response.text.slice(0, 300) }).toEqual({
          path: attempt.path,
          status: attempt.expect,
          body: "ok",
        });
        expect(response.body).toHaveProperty("detail");
      }
      expect(await snapshot()).toEqual(before);
    });

    it("a __proto__ or constructor.prototype key in a JSON body pollutes nothing", async () => {
      const hostile = await t.request("POST", `${API}/departments/`, {
        token,
        raw: '{"__proto__":{"is_admin":true},"name":"Proto name","budget":1}',
        headers: { "content-type": "application/json" },
      });
      expect(hostile.status).toBe(201);
      expect(hostile.body).not.toHaveProperty("is_admin");
      expect(hostile.text).not.toContain("is_admin");
      expect(Object.keys(hostile.body).sort()).toEqual(Object.keys((await t.request("GET", `${API}/departments/${fx.deptA}`, { token })).body).sort());
      const stored = await t.request("GET", `${API}/departments/${hostile.body.id}`, { token });
      expect(stored.text).not.toContain("is_admin");
      // The server runs in this process: no object gained the property.
      expect(({} as Record<string, unknown>).is_admin).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty("is_admin");

      const viaConstructor = await t.request("POST", `${API}/departments/`, {
        token,
        raw: '{"constructor":{"prototype":{"is_admin":true}},"name":"Constructor name","budget":1}',
        headers: { "content-type": "application/json" },
      });
      expect(viaConstructor.status).toBeLessThan(500);
      // Zod strips the unknown `constructor` key: the department is created without it.
      expect(viaConstructor.status).toBe(201);
      expect(viaConstructor.text).not.toContain("is_admin");
      expect(viaConstructor.body).not.toHaveProperty("is_admin");
      expect(Object.keys(viaConstructor.body)).not.toContain("constructor");
      const storedViaConstructor = await t.request("GET", `${API}/departments/${viaConstructor.body.id}`, { token });
      expect(storedViaConstructor.status).toBe(200);
      expect(storedViaConstructor.body.name).toBe("Constructor name");
      expect(Object.keys(storedViaConstructor.body)).not.toContain("constructor");
      expect(Object.keys(storedViaConstructor.body)).not.toContain("is_admin");
      expect(storedViaConstructor.text).not.toContain("is_admin");
      expect(({} as Record<string, unknown>).is_admin).toBeUndefined();
      // And the server still answers normally.
      expect((await t.request("GET", `${API}/departments/`, { token })).status).toBe(200);
    });

    it("reports validation errors FastAPI style, with loc", async () => {
      const response = await t.request("POST", `${API}/employees/`, { token, body: { name: "Ok name", department_id: fx.deptA, salary: "lots" } });
      expect(response.status).toBe(422);
      expect(response.body.detail).toEqual([expect.objectContaining({ loc: ["body", "salary"], msg: expect.any(String), type: expect.any(String) })]);
      const malformed = await t.request("POST", `${API}/employees/`, { token, raw: "{", headers: { "content-type": "application/json" } });
      expect(malformed.body.detail[0].loc[0]).toBe("body");
    });

    it("stores SQL-looking strings verbatim and treats them as plain data in queries", async () => {
      const name = "Robert'); DROP TABLE departments;--";
      const created = await t.request("POST", `${API}/departments/`, { token, body: { name, budget: 1 } });
      expect(created.status).toBe(201);
      expect((await t.request("GET", `${API}/departments/${created.body.id}`, { token })).body.name).toBe(name);
      const injected = await t.request("GET", `${API}/departments/?name=${encodeURIComponent("' OR 1=1 --")}`, { token });
      expect(injected.status).toBe(200);
      expect(injected.body).toEqual([]);
      const statusInjection = await t.request("GET", `${API}/projects/?status=${encodeURIComponent("planned' OR '1'='1")}`, { token });
      expect(statusInjection.status).toBe(422);
      expect((await t.request("GET", `${API}/departments/`, { token })).status).toBe(200);
    });

    it("rejects bad paging and bad path ids with 422 (unknown ids: 404)", async () => {
      const queries = ["skip=-1", "limit=0", "limit=1001", "limit=abc", "skip=1e30", "skip=99999999999999999999", "limit=1.5", "skip=1&skip=2"];
      for (const query of queries) {
        const response = await t.request("GET", `${API}/employees/?${query}`, { token });
        expect({ query, status: response.status }).toEqual({ query, status: 422 });
        expect(response.body.detail[0].loc[0]).toBe("query");
      }
      const ids = ["abc", "-1", "0", "1e3", "1.5", "99999999999999999999", "%27%20OR%201%3D1"];
      for (const id of ids) {
        const response = await t.request("GET", `${API}/employees/${id}`, { token });
        expect({ id, status: response.status }).toEqual({ id, status: 422 });
        expect(response.body.detail[0].loc).toEqual(["path", "emp_id"]);
      }
      expect((await t.request("GET", `${API}/employees/987654321`, { token })).status).toBe(404);
      expect((await t.request("GET", `${API}/employees/?skip=999999999`, { token })).body).toEqual([]);
    });

    it("answers unknown routes 404 {detail: Not Found}, and a known path's other methods 405 with Allow", async () => {
      const response = await t.request("GET", `${API}/no-such-thing`, { token });
      expect(response.status).toBe(404);
      expect(response.body).toEqual({ detail: "Not Found" });
      const patch = await t.request("PATCH", `${API}/departments/${fx.deptA}`, { token, body: {} });
      expect(patch.status).toBe(405);
      expect(patch.headers.get("allow")).toBe("GET, PUT, DELETE, HEAD");
      expect(patch.body).toEqual({ detail: "Method Not Allowed" });
    });
  });
}
