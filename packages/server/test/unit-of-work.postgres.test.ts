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
    // BEGIN goes alone, or with the tenant's opening in one message (`BEGIN;SELECT * FROM epca_enter_tenant(…)…`),
    // after an earlier read's COMMIT when it rides along (`COMMIT;BEGIN;…`).
    return { begins: all.filter((s) => /^(COMMIT;)?BEGIN\b/i.test(s.trim())).length, all };
  }

  /**
   * The round trips of a request, by their first two words: a lone COMMIT (an earlier read's, sent
   * late) is not one of its own, and an earlier read's COMMIT riding this opening is left off.
   */
  const ownRoundTrips = (all: readonly string[]) =>
    all
      .filter((s) => s.trim() !== "COMMIT")
      .map((s) => s.trim().replace(/^COMMIT;/, "").split(/\s+/).slice(0, 2).join(" "));

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
    // Two round trips of its own: BEGIN with the tenant read, the role switch and the caller's
    // read (user and session, under row-level security: after the switch), then the row. Both
    // reads of the opening are calls of migration 0014's functions (planned once per connection).
    // Every statement only read: the COMMIT goes with the next transaction's opening on that
    // connection, or alone a few milliseconds later (nothing waits for it).
    expect(ownRoundTrips(read.all)).toEqual(["BEGIN;SELECT *", "SELECT *"]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(statements.slice(-1)).toEqual(["COMMIT"]);
    const opening = read.all[0]!.split(";").map((s) => s.trim());
    expect(opening.map((s) => s.split(/\s+/).slice(0, 4).join(" "))).toEqual(["BEGIN", "SELECT * FROM epca_enter_tenant('default')", "SET LOCAL ROLE epca_app", "SELECT (a.actor_user).*, a.actor_role_ids AS"]);
    expect(opening[3]).toMatch(/FROM epca_actor\(\d+, '[^']+'\) a$/);
  });

  it("reads with two round trips for a caller whose custom role grants the read (the roles come with the opening)", async () => {
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
    // Without the roles in the opening, `SELECT * FROM roles …` would be a third.
    expect(ownRoundTrips(read.all)).toEqual(["BEGIN;SELECT *", "SELECT *"]);
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
