/**
 * One transaction per authenticated request: the actor lookup (tenant, user, roles) and the use
 * case share one BEGIN … COMMIT on PostgreSQL. Counted on the wire: every statement the pool's
 * clients send is recorded.
 */
import { createPostgresStore, type PostgresStore } from "@epca/adapter-postgres";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordStatements } from "../../../test-support/recorded-statements.js";
import { createTestDatabase, type TestDatabase } from "../../../test-support/test-database.js";
import { PASSWORD, startServer, type TestServer } from "./support/harness.js";
import { postgresServerUrl } from "./support/stores.js";

describe.skipIf(!postgresServerUrl)("one unit of work per authenticated request (PostgreSQL)", () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let store: PostgresStore;
  let server: TestServer;
  let statements: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 4 });
    statements = recordStatements(pool);
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

  it("reads in one round trip: GET /employees/{id}", async () => {
    const dept = await server.epca.departments.create(server.system, { name: "Ops", budget: 1 });
    const employee = await server.epca.employees.create(server.system, { name: "Ann", department_id: dept.id, salary: 50_000 });
    await server.epca.users.create(server.system, { email: "reader@example.com", password: PASSWORD, full_name: "Reader", role: "read_only" });
    const { access_token } = await server.login("reader@example.com");

    const read = await sent(async () => {
      const response = await server.request("GET", `/api/v1/employees/${employee.id}`, { token: access_token });
      expect(response.status).toBe(200);
      expect(response.body.name).toBe("Ann");
    });
    // One round trip, one message: BEGIN, the tenant, the role switch, the caller's read (user and
    // session, under row-level security: after the switch), the record, COMMIT. The reads are
    // statements each connection prepares once (the first message on a connection PREPAREs them):
    // planned once per connection.
    expect(read.all).toHaveLength(1);
    const opening = read.all[0]!.split(";").map((s) => s.trim());
    expect(opening.filter((s) => !s.startsWith("PREPARE "))).toEqual([
      "BEGIN",
      "EXECUTE epca_enter_o('default')",
      "SET LOCAL ROLE epca_app",
      expect.stringMatching(/^EXECUTE epca_actor_o\(\d+, '[^']+'\)$/),
      `EXECUTE epca_employees_by_id_o(${employee.id})`,
      "COMMIT",
    ]);
    for (const prepare of opening.filter((s) => s.startsWith("PREPARE "))) expect(prepare).toMatch(/^PREPARE epca_(enter|actor|employees_by_id)_o\((text|bigint, text|bigint)\) AS SELECT /);
  });

  it("answers every GET of one record in one round trip, a missing one (404) too; a malformed id names nothing (422)", async () => {
    const { access_token } = await server.login("reader@example.com");
    const dept = await server.epca.departments.create(server.system, { name: "One trip", budget: 1 });
    const employee = await server.epca.employees.create(server.system, { name: "Bo", department_id: dept.id, salary: 1 });
    const project = await server.epca.projects.create(server.system, { name: "Trip", department_id: dept.id, revenue: 1, cost: 1, status: "in_progress" });
    const timesheet = await server.epca.timesheets.create(server.system, { employee_id: employee.id, project_id: project.id, hours_worked: 2, date: "2026-01-05" });
    const allocation = await server.epca.allocations.create(server.system, { employee_id: employee.id, project_id: project.id, allocation_percentage: 50, start_date: "2026-01-01", end_date: "2026-12-31" });
    const reads = [
      ["departments", dept.id, "name", "One trip"],
      ["employees", employee.id, "name", "Bo"],
      ["projects", project.id, "name", "Trip"],
      ["timesheets", timesheet.id, "hours_worked", 2],
      ["allocations", allocation.id, "allocation_percentage", 50],
    ] as const;
    for (const [path, id, field, value] of reads) {
      const read = await sent(async () => {
        const response = await server.request("GET", `/api/v1/${path}/${id}`, { token: access_token });
        expect(response.status).toBe(200);
        expect(response.body[field]).toBe(value);
      });
      expect(read.all, path).toHaveLength(1);
      expect(read.all[0], path).toMatch(new RegExp(`;EXECUTE epca_${path}_by_id_o\\(${id}\\);COMMIT$`));
    }
    const missing = await sent(async () => expect((await server.request("GET", "/api/v1/employees/987654321", { token: access_token })).status).toBe(404));
    expect(missing.all).toHaveLength(1);
    expect(missing.all[0]).toMatch(/;EXECUTE epca_employees_by_id_o\(987654321\);COMMIT$/);
    const malformed = await sent(async () => expect((await server.request("GET", "/api/v1/employees/1e3", { token: access_token })).status).toBe(422));
    expect(malformed.all.join("\n")).not.toMatch(/_by_id_o/);
  });

  it("reads in one round trip for a caller whose custom role grants the read (the roles come with the opening)", async () => {
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
    // Without the roles in the opening, `SELECT * FROM roles …` would be a second.
    expect(read.all).toHaveLength(1);
    expect(read.all[0]).toMatch(/;EXECUTE epca_employees_by_id_o\(\d+\);COMMIT$/);
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
