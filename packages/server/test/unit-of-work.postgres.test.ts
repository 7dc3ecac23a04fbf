/**
 * One transaction per authenticated request: the actor lookup (tenant, user, roles) and the use
 * case share one BEGIN … COMMIT on PostgreSQL. Counted on the wire: every statement the pool's
 * clients send is recorded.
 */
import { createPostgresStore, type PostgresStore } from "@epca/adapter-postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test-support/test-database.js";
import { PASSWORD, startServer, type TestServer } from "./support/harness.js";
import { postgresServerUrl } from "./support/stores.js";

describe.skipIf(!postgresServerUrl)("one unit of work per authenticated request (PostgreSQL)", () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let store: PostgresStore;
  let server: TestServer;
  const statements: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 4 });
    pool.on("connect", (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        const first = args[0];
        statements.push(typeof first === "string" ? first : String((first as { text?: unknown }).text ?? ""));
        return query(...args);
      };
    });
    store = await createPostgresStore({ pool, migrate: true });
    server = await startServer(store, { storeKind: "postgres", DATABASE_URL: database.url });
  });

  afterAll(async () => {
    await server?.close();
    await store?.close();
    await pool?.end();
    await database?.drop();
  });

  /** The statements `work` sent, and how many of them were BEGIN. */
  async function sent(work: () => Promise<unknown>): Promise<{ begins: number; all: string[] }> {
    statements.length = 0;
    await work();
    const all = [...statements];
    // BEGIN goes alone, or with the tenant's opening in one message (`BEGIN;SELECT t.*, …`).
    return { begins: all.filter((s) => /^BEGIN\b/i.test(s.trim())).length, all };
  }

  it("reads with one BEGIN: GET /employees/{id}", async () => {
    const dept = await server.epca.departments.create(server.system, { name: "Ops", budget: 1 });
    const employee = await server.epca.employees.create(server.system, { name: "Ann", department_id: dept.id, salary: 50_000 });
    await server.epca.users.create(server.system, { email: "reader@example.com", password: PASSWORD, full_name: "Reader", role: "read_only" });
    const { access_token } = await server.login("reader@example.com");

    const read = await sent(async () => {
      const response = await server.request("GET", `/api/v1/employees/${employee.id}`, { token: access_token });
      expect(response.status).toBe(200);
      expect(response.body.name).toBe("Ann");
    });
    expect(read.begins).toBe(1);
    expect(read.all.filter((s) => s.trim().toUpperCase() === "COMMIT")).toHaveLength(1);
    // Three round trips: BEGIN with the tenant read, the role switch and the caller's read (user
    // and session, under row-level security: after the switch), the row, COMMIT. Both reads are
    // calls of migration 0014's functions (planned once per connection).
    expect(read.all.map((s) => s.trim().split(/\s+/).slice(0, 2).join(" "))).toEqual(["BEGIN;SELECT *", "SELECT *", "COMMIT"]);
    const opening = read.all[0]!.split(";").map((s) => s.trim());
    expect(opening.map((s) => s.split(/\s+/).slice(0, 4).join(" "))).toEqual(["BEGIN", "SELECT * FROM epca_enter_tenant('default')", "SET LOCAL ROLE epca_app", "SELECT (a.actor_user).*, a.actor_role_ids AS"]);
    expect(opening[3]).toMatch(/FROM epca_actor\(\d+, '[^']+'\) a$/);
  });

  it("reads with three round trips for a caller whose custom role grants the read (the roles come with the opening)", async () => {
    const dept = await server.epca.departments.create(server.system, { name: "Custom", budget: 1 });
    const employee = await server.epca.employees.create(server.system, { name: "Cy", department_id: dept.id, salary: 40_000 });
    const role = await server.epca.roles.create(server.system, { name: "payroll_reader", permissions: [{ resource: "employees", actions: ["read"], scope: "all" }] });
    const user = await server.epca.users.create(server.system, { email: "custom@example.com", password: PASSWORD, full_name: "Custom", role: "read_only" });
    await server.epca.users.setRoles(server.system, user.id, [role.id]);
    const { access_token } = await server.login("custom@example.com");

    const read = await sent(async () => {
      const response = await server.request("GET", `/api/v1/employees/${employee.id}`, { token: access_token });
      expect(response.status).toBe(200);
      expect(response.body.name).toBe("Cy");
    });
    // Without the roles in the opening, `SELECT * FROM roles …` would be a fourth.
    expect(read.all.map((s) => s.trim().split(/\s+/).slice(0, 2).join(" "))).toEqual(["BEGIN;SELECT *", "SELECT *", "COMMIT"]);
    expect(read.all[1]).toMatch(/FROM employees/);
  });

  it("writes with one BEGIN, audit entry included: POST /departments/", async () => {
    await server.epca.users.create(server.system, { email: "admin2@example.com", password: PASSWORD, full_name: "Admin", role: "admin" });
    const { access_token } = await server.login("admin2@example.com");
    const write = await sent(async () => {
      const response = await server.request("POST", "/api/v1/departments/", { token: access_token, body: { name: "Sales", budget: 10 } });
      expect(response.status).toBe(201);
    });
    expect(write.begins).toBe(1);
    expect(write.all.some((s) => /INSERT INTO audit_logs/i.test(s))).toBe(true);
  });

  it("refuses a forbidden write inside that one unit of work, and writes nothing", async () => {
    const { access_token } = await server.login("reader@example.com");
    const refused = await sent(async () => {
      const response = await server.request("POST", "/api/v1/departments/", { token: access_token, body: { name: "Nope", budget: 1 } });
      expect(response.status).toBe(403);
    });
    expect(refused.begins).toBe(1);
    expect(refused.all.some((s) => /INSERT/i.test(s))).toBe(false);
    expect(refused.all.filter((s) => s.trim().toUpperCase() === "ROLLBACK")).toHaveLength(1);
  });
});
