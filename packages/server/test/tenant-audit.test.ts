/**
 * Tenant changes (`PATCH /tenants/{id}`: suspend, reactivate, plan and limits) are audited in the
 * SAME transaction as the change, over real HTTP with MULTI_TENANT=true on memory, PGlite and
 * PostgreSQL: a change leaves exactly one entry in the tenant's log with before and after (and its
 * copy in the platform tenant's log); a change whose unit of work fails after the entry was
 * written leaves neither the change nor the entry; on PostgreSQL and PGlite an audit insert that
 * the database refuses (a trigger) undoes the change too.
 */
import { systemActor, type AuditEntry, type EpcaStore, type TenantRepository } from "@epca/core";
import type { PostgresStore } from "@epca/adapter-postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD, startServer, type TestServer } from "./support/harness.js";
import { memoryStoreFactory, pgliteStoreFactory, postgresServerUrl, postgresStoreFactory, type StoreFactory } from "./support/stores.js";

const ROOT = "root@platform.example";

const FACTORIES: Array<[string, StoreFactory, boolean, boolean]> = [
  ["memory", memoryStoreFactory, true, false],
  ["PGlite", pgliteStoreFactory, true, true],
  ["PostgreSQL", postgresStoreFactory, Boolean(postgresServerUrl), true],
];

describe.each(FACTORIES)("tenant changes audited in their own transaction on %s", (_name, factory, available, sql) => {
  let t: TestServer;
  let store: EpcaStore;
  let root = "";
  let rootId = 0;
  let tenant = "";
  /** When set, the next tenant change's unit of work fails after its audit entry was written. */
  let failNext = false;

  const call = (method: string, path: string, body?: unknown) => t.request(method, `/api/v1${path}`, { token: root, ...(body !== undefined ? { body } : {}) });
  const entries = async (tenantId: string): Promise<AuditEntry[]> =>
    (await store.transaction(tenantId, (s) => s.audit.list({ resource_type: "tenant", resource_id: tenant }, { skip: 0, limit: 100 }))).items;

  beforeAll(async () => {
    if (!available) return;
    const opened = await factory();
    store = opened.store;
    // The store as the server sees it, with a tenant change that can be made to fail after its work.
    const tenants = new Proxy(store.tenants, {
      get(target, key) {
        if (key !== "change") return Reflect.get(target, key);
        const change: TenantRepository["change"] = (id, patchOf, work) =>
          target.change(id, patchOf, async (scope, before) => {
            const result = await work(scope, before);
            if (failNext) {
              failNext = false;
              throw new Error("the unit of work failed after the audit entry");
            }
            return result;
          });
        return change;
      },
    });
    const failing = new Proxy(store, { get: (target, key) => (key === "tenants" ? tenants : Reflect.get(target, key)) });
    t = await startServer(failing, { MULTI_TENANT: true, FIRST_ADMIN_EMAIL: ROOT }, { closeStore: opened.close });
    rootId = (await t.epca.users.create(systemActor("default"), { email: ROOT, password: PASSWORD, full_name: "Root", role: "admin" })).id;
    root = (await t.request("POST", "/api/v1/auth/login", { body: { username: ROOT, password: PASSWORD }, headers: { "x-tenant-id": "default" } })).body.access_token;
    const created = await call("POST", "/tenants/", { name: "Initech", subdomain: "initech", plan: "starter", admin_email: "admin@initech.example", admin_password: "initech-password-1" });
    expect(created.status).toBe(201);
    tenant = created.body.id;
  });
  afterAll(async () => {
    await t?.close();
  });

  it.runIf(available)("a suspension and a plan change each leave exactly one entry with before and after", async () => {
    expect((await entries(tenant)).map((e) => e.action)).toEqual(["create"]);
    const suspended = await call("PATCH", `/tenants/${tenant}`, { is_active: false });
    expect(suspended.status).toBe(200);
    const own = await entries(tenant);
    expect(own.map((e) => [e.action, e.user_id])).toEqual([
      ["create", null],
      ["suspend", null],
    ]);
    expect(own[1]!.changes).toEqual({ before: { ...suspended.body, is_active: true }, after: suspended.body });
    const upgraded = await call("PATCH", `/tenants/${tenant}`, { plan: "professional", is_active: true });
    expect(upgraded.status).toBe(200);
    const after = await entries(tenant);
    expect(after.map((e) => e.action)).toEqual(["create", "suspend", "reactivate"]);
    expect(after[2]!.changes).toEqual({ before: suspended.body, after: upgraded.body });
    expect(upgraded.body).toMatchObject({ plan: "professional", is_active: true, limits: { max_users: 100, max_projects: 500 } });
    // The platform tenant's log has the same changes, made by the platform administrator.
    expect((await entries("default")).map((e) => [e.action, e.user_id])).toEqual([
      ["create", rootId],
      ["suspend", rootId],
      ["reactivate", rootId],
    ]);
  });

  it.runIf(available)("a change whose unit of work fails after the entry leaves neither the change nor the entry", async () => {
    const before = (await call("GET", `/tenants/${tenant}`)).body;
    failNext = true;
    const failed = await call("PATCH", `/tenants/${tenant}`, { limits: { max_projects: 7 } });
    expect(failed.status).toBe(500);
    expect((await call("GET", `/tenants/${tenant}`)).body).toEqual(before);
    expect((await entries(tenant)).map((e) => e.action)).toEqual(["create", "suspend", "reactivate"]);
    expect((await entries("default")).map((e) => e.action)).toEqual(["create", "suspend", "reactivate"]);
    // Refused before any write: no entry either.
    expect((await call("PATCH", `/tenants/${tenant}`, { plan: "platinum" })).status).toBe(422);
    expect((await call("PATCH", "/tenants/default", { is_active: false })).status).toBe(409);
    expect((await entries(tenant)).map((e) => e.action)).toEqual(["create", "suspend", "reactivate"]);
  });

  it.runIf(available && sql)("an audit insert the database refuses undoes the change (a trigger on audit_logs)", async () => {
    const pg = store as PostgresStore;
    const asOwner = (statement: string) => pg.withTenantSql("default", async (s) => (await s.query("RESET ROLE"), s.query(statement)));
    await asOwner(`CREATE FUNCTION test_refuse_suspend() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.action = 'suspend' THEN RAISE EXCEPTION 'audit refused'; END IF; RETURN NEW; END $$`);
    await asOwner("CREATE TRIGGER test_refuse_suspend BEFORE INSERT ON audit_logs FOR EACH ROW EXECUTE FUNCTION test_refuse_suspend()");
    try {
      expect((await call("PATCH", `/tenants/${tenant}`, { is_active: false })).status).toBe(500);
      expect((await call("GET", `/tenants/${tenant}`)).body.is_active).toBe(true);
      expect((await entries(tenant)).map((e) => e.action)).toEqual(["create", "suspend", "reactivate"]);
    } finally {
      await asOwner("DROP TRIGGER test_refuse_suspend ON audit_logs");
    }
    expect((await call("PATCH", `/tenants/${tenant}`, { is_active: false })).status).toBe(200);
    expect((await entries(tenant)).map((e) => e.action)).toEqual(["create", "suspend", "reactivate", "suspend"]);
  });
});
