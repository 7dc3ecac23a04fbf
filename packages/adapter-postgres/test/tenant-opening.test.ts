/**
 * A tenant transaction opens with BEGIN, the tenant read and the role switch in one message, the
 * tenant id inlined as a literal: each tenant sees its own rows only (row-level security applies
 * after the opening), and ids with quotes, backslashes, statements or a NUL are no tenant at all
 * (the literal holds them whole; the table's check allows none of them).
 */
import { NotFoundError } from "@epca/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pg from "pg";
import { createTestDatabase, serverUrl } from "../../../test-support/test-database.js";
import { createPostgresStore, type PostgresStore } from "../src/index.js";
import { openPGlite, openPostgres, type OpenedStore } from "./stores.js";

const limits = { max_users: 10, max_projects: 10, max_storage_gb: 1, ml_training_hours: 1 };
const tenants = ["acme", "globex"];

describe.each([
  ["PGlite", openPGlite, false],
  ["PostgreSQL", openPostgres, !serverUrl],
] as const)("the tenant opening on %s", (_name, open, skip) => {
  let opened: OpenedStore;
  let store: PostgresStore;
  beforeAll(async () => {
    if (skip) return;
    opened = await open();
    store = opened.store;
    for (const [i, id] of tenants.entries()) {
      await store.tenants.insert({ id, name: `Tenant ${i}`, subdomain: id, plan: "enterprise", is_active: true, limits });
      await store.transaction(id, (s) => s.departments.insert({ name: `Dept of ${i}`, budget: i, description: null }));
    }
  });
  afterAll(() => opened?.close());

  it.skipIf(skip)("reads the tenant an id with quotes or backslashes names, and only its rows", async () => {
    for (const [i, id] of tenants.entries()) {
      const seen = await store.transaction(id, async (s) => ({ tenant: s.tenant.id, departments: (await s.departments.list({}, { skip: 0, limit: 10 })).items.map((d) => d.name) }));
      expect(seen).toEqual({ tenant: id, departments: [`Dept of ${i}`] });
    }
  });

  it.skipIf(skip)("reads the caller with the opening: the same answers as the repository, under row-level security", async () => {
    const user = (tenant: string, email: string) =>
      store.transaction(tenant, (s) =>
        s.users.insert({ email, password_hash: "x", full_name: email, role: "analyst", is_active: true, department_id: null, employee_id: null }),
      );
    const ann = await user("acme", "ann@acme.test");
    const bob = await user("globex", "bob@globex.test");
    const expires_at = new Date(Date.now() + 3_600_000).toISOString();
    await store.transaction("acme", (s) => s.refreshTokens.insert({ family_id: "fam-live", token_hash: "h1", user_id: ann.id, expires_at }));
    await store.transaction("acme", async (s) => {
      await s.refreshTokens.insert({ family_id: "fam-ended", token_hash: "h2", user_id: ann.id, expires_at });
      await s.refreshTokens.revokeFamily("fam-ended", new Date());
    });
    const withActor = (tenant: string, userId: number, sessionId: string | undefined, read: (s: Parameters<Parameters<typeof store.transaction>[1]>[0]) => Promise<unknown>) =>
      store.transaction(tenant, read, { actor: { userId, ...(sessionId === undefined ? {} : { sessionId }) } });
    const seen = (found: { user: { id: number; email: string }; sessionActive: boolean } | null) => found && { id: found.user.id, email: found.user.email, live: found.sessionActive };

    expect(seen((await withActor("acme", ann.id, "fam-live", (s) => s.users.findWithSession(ann.id, "fam-live"))) as never)).toEqual({ id: ann.id, email: "ann@acme.test", live: true });
    expect(seen((await withActor("acme", ann.id, "fam-ended", (s) => s.users.findWithSession(ann.id, "fam-ended"))) as never)).toEqual({ id: ann.id, email: "ann@acme.test", live: false });
    expect(await withActor("acme", ann.id, undefined, async (s) => (await s.users.findById(ann.id))?.email)).toBe("ann@acme.test");
    // Another tenant's user, and a session id with quotes, are no one here.
    expect(await withActor("acme", bob.id, "fam-live", (s) => s.users.findWithSession(bob.id, "fam-live"))).toBeNull();
    expect(seen((await withActor("acme", ann.id, "x'; SELECT '", (s) => s.users.findWithSession(ann.id, "x'; SELECT '"))) as never)).toEqual({ id: ann.id, email: "ann@acme.test", live: false });
    // A question about someone else, or one asked after another statement, goes to the database.
    expect(await withActor("acme", ann.id, "fam-live", async (s) => (await s.users.findWithSession(bob.id, "fam-live")) ?? "none")).toBe("none");
    expect(
      await withActor("acme", ann.id, "fam-live", async (s) => {
        await s.refreshTokens.revokeFamily("fam-live", new Date());
        return (await s.users.findWithSession(ann.id, "fam-live"))?.sessionActive;
      }),
    ).toBe(false);
    expect(
      await withActor("acme", ann.id, undefined, async (s) => {
        await s.users.update(ann.id, { full_name: "Ann Renamed" });
        return (await s.users.findById(ann.id))?.full_name;
      }),
    ).toBe("Ann Renamed");
  });

  it.skipIf(skip)("an unknown id, or one with a NUL, is a tenant not found", async () => {
    const hostile = ["nobody", "acme\0", "acme'--", "' OR true --", "x'; SET LOCAL ROLE postgres; SELECT '", "back\\'slash", "E'\\''"];
    for (const id of hostile) {
      await expect(store.transaction(id, async () => "entered")).rejects.toBeInstanceOf(NotFoundError);
    }
  });
});

describe.skipIf(!serverUrl)("a transaction whose connection the server ends between two statements", () => {
  it("rejects, and the process survives (no unhandled 'error' event); the next transaction works", async () => {
    const database = await createTestDatabase();
    const store = await createPostgresStore({ connectionString: database.url, migrate: true, poolSize: 2 });
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    try {
      const outcome = store.transaction("default", async (s) => {
        await s.departments.list({}, { skip: 0, limit: 1 });
        // A superuser ends every other backend of this database, as a shutdown would.
        const { rows } = await admin.query("SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
        expect(rows.some((r: { ended: boolean }) => r.ended)).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, 300));
        return s.departments.list({}, { skip: 0, limit: 1 });
      });
      await expect(outcome).rejects.toThrow();
      expect((await store.transaction("default", (s) => s.departments.list({}, { skip: 0, limit: 1 }))).total).toBe(0);
    } finally {
      await admin.end();
      await store.close();
      await database.drop();
    }
  });
});
