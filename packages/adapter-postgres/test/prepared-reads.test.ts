/**
 * The repositories' reads by id are named prepared statements on node-postgres: PostgreSQL plans
 * each once per connection. Row-level security still applies to them (the plan is the
 * application role's, the tenant is read at execution), and a statement that went stale because
 * a migration changed its table while the server runs costs that connection once: the
 * transaction fails, the connection is dropped, and the next one prepares the statement afresh.
 */
import { once } from "node:events";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordStatements } from "../../../test-support/recorded-statements.js";
import { createTestDatabase, serverUrl, type TestDatabase } from "../../../test-support/test-database.js";
import { createPostgresStore, type PostgresStore } from "../src/index.js";

const limits = { max_users: 10, max_projects: 10, max_storage_gb: 1, ml_training_hours: 1 };

describe.skipIf(!serverUrl)("reads by id as prepared statements (PostgreSQL)", () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let store: PostgresStore;
  let admin: pg.Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    // One connection: every transaction below runs on the same backend, until it is dropped.
    pool = new pg.Pool({ connectionString: database.url, max: 1 });
    // A test below terminates the idle connection's backend: the pool reports it as an `error`
    // event of its own (an unheard one would end the run), then drops that client.
    pool.on("error", () => undefined);
    store = await createPostgresStore({ pool, migrate: true });
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await store.tenants.insert({ id: "globex", name: "Globex", subdomain: "globex", plan: "enterprise", is_active: true, limits });
  });

  afterAll(async () => {
    await admin?.end();
    await store?.close();
    await pool?.end();
    await database?.drop();
  });

  const backend = () => store.withTenantSql("default", async (sql) => Number((await sql.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid));

  it("prepares findById once per connection, and row-level security still hides another tenant's row", async () => {
    const department = await store.transaction("default", (s) => s.departments.insert({ name: "Ops", budget: 1, description: null }));
    const pid = await backend();
    for (let i = 0; i < 7; i++) expect((await store.transaction("default", (s) => s.departments.findById(department.id)))?.name).toBe("Ops");
    // Past the custom plans of the first five executions: the generic plan must still filter by tenant.
    expect(await store.transaction("globex", (s) => s.departments.findById(department.id))).toBeNull();
    const prepared = await store.withTenantSql("default", async (sql) => (await sql.query<{ name: string }>("SELECT name FROM pg_prepared_statements ORDER BY name")).rows.map((r) => r.name));
    // The opening's own statement (the tenant, migration-free: prepared by the first opening) beside it.
    expect(prepared).toEqual(["epca_departments_by_id", "epca_enter_o"]);
    expect(await backend()).toBe(pid);
  });

  it("after a migration changes the table, fails one transaction, drops that connection, and reads again on a new one", async () => {
    const department = await store.transaction("default", (s) => s.departments.insert({ name: "Lab", budget: 2, description: null }));
    expect((await store.transaction("default", (s) => s.departments.findById(department.id)))?.name).toBe("Lab");
    const pid = await backend();
    await admin.query("ALTER TABLE departments ADD COLUMN motto text");

    await expect(store.transaction("default", (s) => s.departments.findById(department.id))).rejects.toMatchObject({ code: "0A000" });
    expect(await backend()).not.toBe(pid);
    expect((await store.transaction("default", (s) => s.departments.findById(department.id)))?.name).toBe("Lab");
  });

  describe("the record a unit of work names (`prefetch`), read with the opening", () => {
    const named = (id: number) => ({ prefetch: { record: "departments" as const, id } });

    it("is prepared once per connection (SQL PREPARE, its own name), and row-level security still hides another tenant's row", async () => {
      const department = await store.transaction("default", (s) => s.departments.insert({ name: "Named", budget: 3, description: null }));
      const pid = await backend();
      for (let i = 0; i < 7; i++) expect((await store.transaction("default", (s) => s.departments.findById(department.id), named(department.id)))?.name).toBe("Named");
      expect(await store.transaction("globex", (s) => s.departments.findById(department.id), named(department.id))).toBeNull();
      const prepared = await store.withTenantSql("default", async (sql) => (await sql.query<{ name: string }>("SELECT name FROM pg_prepared_statements WHERE name LIKE '%_o' ORDER BY name")).rows.map((r) => r.name));
      expect(prepared).toEqual(["epca_departments_by_id_o", "epca_enter_o"]);
      expect(await backend()).toBe(pid);
    });

    it("drops the connection when an opening that was preparing fails (the PREPARE outlives the rollback), so the next one prepares afresh", async () => {
      const department = await store.transaction("default", (s) => s.departments.insert({ name: "Refused", budget: 4, description: null }));
      // A new connection (the stale-plan test below drops this one too): its first opening prepares.
      const dropped = once(pool, "error");
      await admin.query("SELECT pg_terminate_backend($1)", [await backend()]);
      await dropped;
      const pid = await backend();
      await admin.query("REVOKE SELECT ON departments FROM epca_app");
      try {
        // PREPARE passes (permissions are checked when it runs); EXECUTE is refused.
        await expect(store.transaction("default", (s) => s.departments.findById(department.id), named(department.id))).rejects.toMatchObject({ code: "42501" });
      } finally {
        await admin.query("GRANT SELECT ON departments TO epca_app");
      }
      expect((await store.transaction("default", (s) => s.departments.findById(department.id), named(department.id)))?.name).toBe("Refused");
      expect(await backend()).not.toBe(pid);
    });

    it("after a migration changes the table, fails one transaction, drops that connection, and reads again on a new one", async () => {
      const department = await store.transaction("default", (s) => s.departments.insert({ name: "Moved", budget: 5, description: null }));
      expect((await store.transaction("default", (s) => s.departments.findById(department.id), named(department.id)))?.name).toBe("Moved");
      const pid = await backend();
      await admin.query("ALTER TABLE departments ADD COLUMN slogan text");
      await expect(store.transaction("default", (s) => s.departments.findById(department.id), named(department.id))).rejects.toMatchObject({ code: "0A000" });
      expect(await backend()).not.toBe(pid);
      expect((await store.transaction("default", (s) => s.departments.findById(department.id), named(department.id)))?.name).toBe("Moved");
    });
  });

  it("prepares nothing with `preparedStatements: false` (a pooler in transaction mode): the same answers, still one message for a named record", async () => {
    const unpreparedPool = new pg.Pool({ connectionString: database.url, max: 1 });
    const sent = recordStatements(unpreparedPool);
    const unprepared = await createPostgresStore({ pool: unpreparedPool, preparedStatements: false });
    try {
      const department = await unprepared.transaction("default", (s) => s.departments.insert({ name: "It's unprepared", budget: 6, description: null }));
      sent.length = 0;
      const read = await unprepared.transaction("default", (s) => s.departments.findById(department.id), { actor: { userId: 424242, sessionId: "fam'ily" }, prefetch: { record: "departments", id: department.id } });
      expect(read).toEqual(department);
      expect(sent).toHaveLength(1);
      expect(sent[0]).toMatch(/^BEGIN;SELECT t\.\*, set_config\('app\.tenant_id', \('default'::text\), true\) AS pinned FROM tenants t WHERE t\.id = \('default'::text\);SET LOCAL ROLE epca_app;SELECT /);
      expect(sent[0]).toContain("u.id = (424242::bigint)");
      expect(sent[0]).toContain("rt.family_id = ('fam''ily'::text)");
      expect(sent[0]).toMatch(/;SELECT \* FROM departments WHERE id = \(\d+::bigint\);COMMIT$/);
      expect(await unprepared.transaction("default", (s) => s.departments.findById(department.id))).toEqual(department);
      expect(await unprepared.transaction("globex", (s) => s.departments.findById(department.id), { prefetch: { record: "departments", id: department.id } })).toBeNull();
      const prepared = await unprepared.withTenantSql("default", async (sql) => (await sql.query<{ name: string }>("SELECT name FROM pg_prepared_statements")).rows);
      expect(prepared).toEqual([]);
      expect(sent.join("\n")).not.toMatch(/PREPARE|EXECUTE/);
    } finally {
      await unprepared.close();
      await unpreparedPool.end();
    }
  });
});
