import { NotFoundError, ValidationError } from "@epca/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPGliteStore, createPostgresStore, TransactionRolledBackError, type PostgresStore } from "../src/index.js";
import { createTestDatabase, serverUrl } from "../../../test-support/test-database.js";
import { newTenant, seedBasics } from "./store-scenarios.js";

const entry = (employee_id: number, project_id: number, hours_worked: number, date: string) => ({
  employee_id, project_id, hours_worked, date, description: null, status: "draft" as const,
  reviewed_by: null, reviewed_at: null, review_note: null,
});

/** A unit of work that catches a failing statement and returns: its writes are either all kept or the transaction rejects, never lost silently. */
function runTransactionSafety(name: string, create: () => Promise<{ store: PostgresStore; cleanup: () => Promise<void> }>): void {
  describe(`${name}: a caught failure inside the unit of work`, () => {
    let store: PostgresStore;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      ({ store, cleanup } = await create());
    });
    afterAll(async () => cleanup?.());

    it("a caught port error (savepoint) leaves the transaction usable and commits the writes around it", async () => {
      const tenant = await newTenant(store);
      const { alice, project } = await store.transaction(tenant, seedBasics);
      const caught = await store.transaction(tenant, async (s) => {
        const errors: unknown[] = [];
        await s.departments.insert({ name: "Before", budget: 0, description: null });
        const attempts: (() => Promise<unknown>)[] = [
          () => s.departments.insert({ name: "Engineering", budget: 0, description: null }),
          () => s.timesheets.insertMany([entry(alice.id, project.id, 1, "2024-03-01"), entry(alice.id, 999_999_999, 1, "2024-03-01")]),
          () => s.timesheets.insertMany([entry(alice.id, project.id, 30, "2024-03-01")]),
          () => s.timesheets.list({ from: "2024-02-30" }, { skip: 0, limit: 10 }),
          () => s.allocations.list({ to: "not a date" }, { skip: 0, limit: 10 }),
          () => s.timesheets.sumHoursOnDateForUpdate(alice.id, "2024-13-01"),
          () => s.allocations.findOverlappingForUpdate(alice.id, "2024-01-01", "someday"),
          () => s.audit.list({ from: "yesterday-ish" }, { skip: 0, limit: 10 }),
          () => s.audit.list({ to: "2024-02-31" }, { skip: 0, limit: 10 }),
        ];
        for (const attempt of attempts) errors.push(await attempt().then(() => "resolved", (error: unknown) => error));
        await s.timesheets.insertMany([entry(alice.id, project.id, 2, "2024-03-02")]);
        await s.departments.insert({ name: "After", budget: 0, description: null });
        return errors;
      });
      expect(caught).toHaveLength(9);
      expect(caught.every((e) => e instanceof Error)).toBe(true);
      expect(caught[1]).toEqual(new NotFoundError("project", 999_999_999));
      expect(caught[2]).toBeInstanceOf(ValidationError);
      await store.transaction(tenant, async (s) => {
        expect(await s.departments.findByName("Before")).not.toBeNull();
        expect(await s.departments.findByName("After")).not.toBeNull();
        // The refused bulk insert is undone as a whole; the later one is kept.
        const entries = await s.timesheets.list({ employee_id: alice.id }, { skip: 0, limit: 10 });
        expect(entries.items.map((t) => [t.date, t.hours_worked])).toEqual([["2024-03-02", 2]]);
      });
    });

    it("a caught raw SQL error makes transaction() reject instead of resolving with nothing saved", async () => {
      const tenant = await newTenant(store);
      const outcome = await store
        .withTenantSql(tenant, async (sql) => {
          await sql.query("INSERT INTO departments (name, budget) VALUES ('Lost', 0)");
          await sql.query("SELECT 1 / 0").catch(() => undefined);
          return "resolved";
        })
        .catch((error: unknown) => error);
      expect(outcome).toBeInstanceOf(TransactionRolledBackError);
      expect((outcome as Error).message).toMatch(/rolled back.*none of its writes were saved/);
      expect(await store.transaction(tenant, (s) => s.departments.findByName("Lost"))).toBeNull();
      // The store (and its connection) is still usable afterwards.
      expect(await store.transaction(tenant, async (s) => (await s.departments.insert({ name: "Kept", budget: 0, description: null })).name)).toBe("Kept");
    });

    it("an error of the work itself still rejects unchanged and rolls back", async () => {
      const tenant = await newTenant(store);
      const boom = new Error("boom");
      await expect(
        store.transaction(tenant, async (s) => {
          await s.departments.insert({ name: "Gone", budget: 0, description: null });
          await s.departments.insert({ name: "Gone", budget: 0, description: null }).catch(() => undefined);
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await store.transaction(tenant, (s) => s.departments.findByName("Gone"))).toBeNull();
    });
  });
}

describe.skipIf(!serverUrl)("PostgreSQL server", () => {
  runTransactionSafety("PostgreSQL", async () => {
    const database = await createTestDatabase();
    const store = await createPostgresStore({ connectionString: database.url, migrate: true, poolSize: 2 });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await database.drop();
      },
    };
  });
});

runTransactionSafety("PGlite", async () => {
  const store = await createPGliteStore({ migrate: true });
  return { store, cleanup: () => store.close() };
});
