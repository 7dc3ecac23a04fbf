/**
 * On node-postgres, a tenant transaction whose every statement is a pure read (the opening and
 * reads marked `readsOnly`, none failed) does not wait for its COMMIT: the next transaction on
 * that connection sends it in the same message as its own opening (`COMMIT;BEGIN;…`), or it is
 * sent alone within a few milliseconds. Anything else (a write, an unmarked statement, a caught
 * failure) commits before the transaction resolves, as before. The tenant pin and the role end
 * with the COMMIT either way.
 */
import { TransactionRolledBackError } from "../src/index.js";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, serverUrl, type TestDatabase } from "../../../test-support/test-database.js";
import { createPostgresStore, type PostgresStore } from "../src/index.js";

const limits = { max_users: 10, max_projects: 10, max_storage_gb: 1, ml_training_hours: 1 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!serverUrl)("the COMMIT of a transaction that only read (PostgreSQL)", () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  let store: PostgresStore;
  let admin: pg.Client;
  let departmentId: number;
  const statements: string[] = [];
  /** The statements `work` sent (their text). */
  const sent = async <T>(work: () => Promise<T>): Promise<{ result: T; all: string[] }> => {
    statements.length = 0;
    const result = await work();
    return { result, all: [...statements] };
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    // One connection: every transaction below runs on it.
    pool = new pg.Pool({ connectionString: database.url, max: 1 });
    pool.on("connect", (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        const first = args[0];
        statements.push(typeof first === "string" ? first : String((first as { text?: unknown }).text ?? ""));
        return query(...args);
      };
    });
    store = await createPostgresStore({ pool, migrate: true });
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await store.tenants.insert({ id: "globex", name: "Globex", subdomain: "globex", plan: "enterprise", is_active: true, limits });
    departmentId = (await store.transaction("default", (s) => s.departments.insert({ name: "Ops", budget: 1, description: null }))).id;
    await sleep(20);
  });

  afterAll(async () => {
    await admin?.end();
    await store?.close();
    await pool?.end();
    await database?.drop();
  });

  const opening = (tenant: string) => `BEGIN;SELECT * FROM epca_enter_tenant('${tenant}');SET LOCAL ROLE epca_app`;
  const byId = "SELECT * FROM departments WHERE id = $1";
  /** The state of the store's one connection, as pg_stat_activity shows it. */
  const connectionState = async () =>
    (await admin.query<{ state: string }>("SELECT state FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'")).rows.map((r) => r.state);

  it("two reads in a row: the second's opening carries the first's COMMIT; then it commits alone", async () => {
    const read = (tenant: string) => store.transaction(tenant, async (s) => (await s.departments.findById(departmentId))?.name ?? null);
    const { result, all } = await sent(async () => [await read("default"), await read("globex")]);
    // Row-level security on the connection the pin moved off: the other tenant sees nothing.
    expect(result).toEqual(["Ops", null]);
    expect(all).toEqual([opening("default"), byId, `COMMIT;${opening("globex")}`, byId]);
    await sleep(50);
    expect(statements.slice(-1)).toEqual(["COMMIT"]);
    expect(await connectionState()).toEqual(["idle"]);
    // The pin and the role ended with that COMMIT: a plain statement on the same connection has neither.
    expect((await pool.query("SELECT current_setting('app.tenant_id', true) AS tenant, current_user AS role")).rows).toEqual([{ tenant: "", role: "postgres" }]);
  });

  it("a write, or a statement not marked as a pure read, commits before the transaction resolves", async () => {
    const write = await sent(() => store.transaction("default", (s) => s.departments.insert({ name: "Lab", budget: 2, description: null })));
    expect(write.all.slice(-1)).toEqual(["COMMIT"]);
    expect((await admin.query("SELECT name FROM departments WHERE id = $1", [write.result.id])).rows).toEqual([{ name: "Lab" }]);
    expect(await connectionState()).toEqual(["idle"]);

    const list = await sent(() => store.transaction("default", async (s) => (await s.departments.list({}, { skip: 0, limit: 10 })).total));
    expect(list.result).toBe(2);
    expect(list.all.slice(-1)).toEqual(["COMMIT"]);
  });

  it("a read whose statement failed and was caught still ends in TransactionRolledBackError", async () => {
    const outcome = store.transaction("default", async (s) => {
      await s.departments.findById("not a number" as unknown as number).catch(() => null);
      return "done";
    });
    await expect(outcome).rejects.toBeInstanceOf(TransactionRolledBackError);
    expect((await store.transaction("default", (s) => s.departments.findById(departmentId)))?.name).toBe("Ops");
  });

  it("closing a store while a read waits for its COMMIT commits it and ends cleanly", async () => {
    const other = await createPostgresStore({ connectionString: database.url, poolSize: 1 });
    expect((await other.transaction("default", (s) => s.departments.findById(departmentId)))?.name).toBe("Ops");
    await other.close();
    // Its backend goes away; only the first store's connection is left, idle.
    for (let i = 0; i < 50 && (await connectionState()).length > 1; i++) await sleep(20);
    expect(await connectionState()).toEqual(["idle"]);
  });
});
