/**
 * The repositories' reads by id are named prepared statements on node-postgres: PostgreSQL plans
 * each once per connection. Row-level security still applies to them (the plan is the
 * application role's, the tenant is read at execution), and a statement that went stale because
 * a migration changed its table while the server runs costs that connection once: the
 * transaction fails, the connection is dropped, and the next one prepares the statement afresh.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
    expect(prepared).toEqual(["epca_departments_by_id"]);
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
});
