import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPGliteStore, createPostgresStore, type PostgresStore } from "../src/index.js";
import { createTestDatabase, serverUrl } from "../../../test-support/test-database.js";
import { newTenant, seedBasics } from "./store-scenarios.js";

const MAX_DAILY_HOURS = 24;

/** What the timesheet use case does: sum under the lock, check the cap, insert. */
async function logHours(store: PostgresStore, tenant: string, employeeId: number, projectId: number, hours: number, date: string): Promise<"stored" | "over_cap"> {
  return store.transaction(tenant, async (s) => {
    const sum = await s.timesheets.sumHoursOnDateForUpdate(employeeId, date);
    // Give the other transaction every chance to interleave.
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (sum + hours > MAX_DAILY_HOURS) return "over_cap";
    await s.timesheets.insert({
      employee_id: employeeId, project_id: projectId, hours_worked: hours, date, description: null,
      status: "draft", reviewed_by: null, reviewed_at: null, review_note: null,
    });
    return "stored";
  });
}

function runRaces(name: string, create: () => Promise<{ store: PostgresStore; cleanup: () => Promise<void> }>): void {
  describe(`${name}: races`, () => {
    let store: PostgresStore;
    let cleanup: () => Promise<void>;
    beforeAll(async () => {
      ({ store, cleanup } = await create());
    });
    afterAll(async () => cleanup?.());

    it("two concurrent 14 h entries for one employee and day: exactly one is stored", async () => {
      const tenant = await newTenant(store);
      const { alice, project } = await store.transaction(tenant, seedBasics);
      for (let round = 0; round < 5; round++) {
        const date = `2024-05-0${round + 1}`;
        const outcomes = await Promise.all([
          logHours(store, tenant, alice.id, project.id, 14, date),
          logHours(store, tenant, alice.id, project.id, 14, date),
        ]);
        expect(outcomes.sort()).toEqual(["over_cap", "stored"]);
        const total = await store.transaction(tenant, (s) => s.timesheets.sumHoursOnDateForUpdate(alice.id, date));
        expect(total).toBe(14);
      }
    });

    it("different employees or days do not block each other", async () => {
      const tenant = await newTenant(store);
      const { alice, bob, project } = await store.transaction(tenant, seedBasics);
      const outcomes = await Promise.all([
        logHours(store, tenant, alice.id, project.id, 14, "2024-06-01"),
        logHours(store, tenant, bob.id, project.id, 14, "2024-06-01"),
        logHours(store, tenant, alice.id, project.id, 14, "2024-06-02"),
      ]);
      expect(outcomes).toEqual(["stored", "stored", "stored"]);
    });

    it("two concurrent consumes of one refresh token: exactly one rotates", async () => {
      const tenant = await newTenant(store);
      const userId = await store.transaction(tenant, async (s) => {
        const user = await s.users.insert({ email: "r@example.com", password_hash: "h", full_name: "R", role: "read_only", is_active: true, department_id: null, employee_id: null });
        for (let i = 0; i < 5; i++) {
          await s.refreshTokens.insert({ family_id: `f${i}`, token_hash: `hash-${i}`, user_id: user.id, expires_at: "2099-01-01T00:00:00.000Z" });
        }
        return user.id;
      });
      expect(userId).toBeGreaterThan(0);
      for (let i = 0; i < 5; i++) {
        const outcomes = await Promise.all(
          [0, 1, 2].map(() =>
            store.transaction(tenant, async (s) => {
              const result = await s.refreshTokens.consume(`hash-${i}`, new Date());
              await new Promise((resolve) => setTimeout(resolve, 10));
              return result.outcome;
            }),
          ),
        );
        expect(outcomes.sort()).toEqual(["reused", "reused", "rotated"]);
      }
    });

    it("allocations: the employee lock serializes overlapping writers", async () => {
      const tenant = await newTenant(store);
      const { alice, project } = await store.transaction(tenant, seedBasics);
      const allocate = () =>
        store.transaction(tenant, async (s) => {
          const overlapping = await s.allocations.findOverlappingForUpdate(alice.id, "2024-01-01", "2024-12-31");
          await new Promise((resolve) => setTimeout(resolve, 20));
          const used = overlapping.reduce((sum, a) => sum + a.allocation_percentage, 0);
          if (used + 60 > 100) return "over";
          await s.allocations.insert({ employee_id: alice.id, project_id: project.id, allocation_percentage: 60, allocated_hours: 0, start_date: "2024-01-01", end_date: "2024-12-31" });
          return "stored";
        });
      expect((await Promise.all([allocate(), allocate()])).sort()).toEqual(["over", "stored"]);
    });
  });
}

describe.skipIf(!serverUrl)("PostgreSQL server", () => {
  runRaces("PostgreSQL", async () => {
    const database = await createTestDatabase();
    const store = await createPostgresStore({ connectionString: database.url, migrate: true, poolSize: 6 });
    return {
      store,
      cleanup: async () => {
        await store.close();
        await database.drop();
      },
    };
  });
});

// PGlite runs transactions one at a time, so the same scenarios must hold trivially there.
runRaces("PGlite", async () => {
  const store = await createPGliteStore({ migrate: true });
  return { store, cleanup: () => store.close() };
});
