/**
 * Migration 0011 on PGlite and on a PostgreSQL server: the audit log is append-only (the
 * application role's UPDATE, DELETE and TRUNCATE are refused by PostgreSQL itself, and so is the
 * owner's), plan-limit locks serialize parallel checks, usage counters add up, and a tenant is
 * provisioned with its first unit of work in one transaction.
 */
import { ConflictError, PLAN_LIMITS, type TenantInsert } from "@epca/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverUrl } from "../../../test-support/test-database.js";
import { openPGlite, openPostgres, type OpenedStore } from "./stores.js";

const tenant = (id: string): TenantInsert => ({ id, name: id, subdomain: id.replace(/_/g, "-"), plan: "starter", is_active: true, limits: { ...PLAN_LIMITS.starter } });

describe.each([
  ["PGlite", openPGlite, true],
  ["PostgreSQL", () => openPostgres({ poolSize: 8 }), Boolean(serverUrl)],
] as const)("tenancy storage on %s", (_name, open, available) => {
  let opened: OpenedStore;
  beforeAll(async () => {
    if (available) opened = await open();
  });
  afterAll(async () => {
    await opened?.close();
  });

  it.runIf(available)("refuses UPDATE, DELETE and TRUNCATE of audit_logs as the application role, and for the owner too", async () => {
    const { store } = opened;
    await store.transaction("default", (s) =>
      s.audit.append({ user_id: 1, action: "create", resource_type: "department", resource_id: "1", changes: { before: null, after: { name: "X" } }, ip_address: "127.0.0.1", user_agent: "t", request_id: "r" }),
    );
    for (const statement of ["UPDATE audit_logs SET action = 'forged'", "DELETE FROM audit_logs", "TRUNCATE audit_logs"]) {
      await expect(store.withTenantSql("default", (sql) => sql.query(statement)), statement).rejects.toThrow(/permission denied|append-only/);
    }
    // The connecting user (the table's owner) meets the trigger.
    await expect(store.withTenantSql("default", async (sql) => (await sql.query("RESET ROLE"), sql.query("UPDATE audit_logs SET action = 'forged'")))).rejects.toThrow(
      /audit_logs is append-only: UPDATE refused/,
    );
    await expect(store.withTenantSql("default", async (sql) => (await sql.query("RESET ROLE"), sql.query("DELETE FROM audit_logs")))).rejects.toThrow(
      /audit_logs is append-only: DELETE refused/,
    );
    const privileges = await store.withTenantSql("default", (sql) =>
      sql.query<{ update: boolean; delete: boolean; insert: boolean }>(
        "SELECT has_table_privilege('epca_app', 'audit_logs', 'UPDATE') AS update, has_table_privilege('epca_app', 'audit_logs', 'DELETE') AS delete, has_table_privilege('epca_app', 'audit_logs', 'INSERT') AS insert",
      ),
    );
    expect(privileges.rows).toEqual([{ update: false, delete: false, insert: true }]);
    const kept = await store.transaction("default", (s) => s.audit.list({ action: "create" }, { skip: 0, limit: 10 }));
    expect(kept.items.map((e) => e.action)).toEqual(["create"]);
  });

  it.runIf(available)("provision stores the tenant and its first unit of work together, or neither", async () => {
    const { store } = opened;
    const { tenant: made, result } = await store.tenants.provision(tenant("t_prov"), async (s) => {
      expect(s.tenantId).toBe("t_prov");
      return (await s.departments.insert({ name: "First", budget: 1, description: null })).id;
    });
    expect(made).toMatchObject({ id: "t_prov", plan: "starter", is_active: true });
    expect(await store.transaction("t_prov", (s) => s.departments.findById(result))).toMatchObject({ name: "First" });
    await expect(store.tenants.provision(tenant("t_fail"), async () => Promise.reject(new Error("first admin failed")))).rejects.toThrow("first admin failed");
    expect(await store.tenants.findById("t_fail")).toBeNull();
    await expect(store.tenants.provision({ ...tenant("t_other"), subdomain: "t-prov" }, async () => 1)).rejects.toBeInstanceOf(ConflictError);
  });

  it.runIf(available)("a limit's lock serializes parallel check-then-insert: 20 at a limit of 5 store exactly 5", async () => {
    const { store } = opened;
    await store.tenants.insert(tenant("t_lock"));
    const attempt = (i: number) =>
      store.transaction("t_lock", async (s) => {
        await s.usage.lockLimit("max_projects");
        const { total } = await s.departments.list({}, { skip: 0, limit: 1 });
        if (total >= 5) return false;
        await new Promise((resolve) => setTimeout(resolve, 5)); // widen the window a missing lock would leave
        await s.departments.insert({ name: `D${i}`, budget: 1, description: null });
        return true;
      });
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => attempt(i)));
    expect(outcomes.filter(Boolean)).toHaveLength(5);
    expect((await store.transaction("t_lock", (s) => s.departments.list({}, { skip: 0, limit: 100 }))).total).toBe(5);
  });

  it.runIf(available)("usage counters add per day, active users are distinct, totals sum from a day", async () => {
    const { store } = opened;
    await store.tenants.insert(tenant("t_use"));
    await store.transaction("t_use", async (s) => {
      await s.usage.add("2026-11-30", { api_calls: 3, storage_bytes: 100 }, [1, 2]);
      await s.usage.add("2026-11-30", { api_calls: 2, predictions: 1 }, [2, 3]);
      await s.usage.add("2026-12-01", { storage_bytes: -40, ml_training_seconds: 1.5 }, [1]);
    });
    const days = await store.transaction("t_use", (s) => s.usage.days("2026-11-01", "2026-12-31"));
    expect(days).toEqual([
      { date: "2026-11-30", api_calls: 5, predictions: 1, active_users: 3, storage_bytes: 100, ml_training_seconds: 0 },
      { date: "2026-12-01", api_calls: 0, predictions: 0, active_users: 1, storage_bytes: -40, ml_training_seconds: 1.5 },
    ]);
    expect(await store.transaction("t_use", (s) => s.usage.totals())).toEqual({ api_calls: 5, predictions: 1, storage_bytes: 60, ml_training_seconds: 1.5 });
    expect(await store.transaction("t_use", (s) => s.usage.totals("2026-12-01"))).toEqual({ api_calls: 0, predictions: 0, storage_bytes: -40, ml_training_seconds: 1.5 });
    // Another tenant sees none of it (row-level security).
    expect(await store.transaction("default", (s) => s.usage.days("2026-11-01", "2026-12-31"))).toEqual([]);
  });
});
