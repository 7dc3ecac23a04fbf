import { createEpca, fixedClock, ValidationError, type Actor, type EpcaStore, type Timesheet } from "@epca/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresStore, type PostgresStore } from "../src/index.js";
import { createTestDatabase } from "../../../test-support/test-database.js";
import { newTenant, seedBasics } from "./store-scenarios.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The store with a pause after every `findByIdForUpdate` and `sumHoursOnDateForUpdate`, so that a
 * concurrent use case gets every chance to slip in between the read and the write.
 */
function slowed(store: EpcaStore, ms: number): EpcaStore {
  return {
    ...store,
    transaction: (tenantId, work) =>
      store.transaction(tenantId, (scope) =>
        work({
          ...scope,
          timesheets: {
            ...scope.timesheets,
            async findByIdForUpdate(id) {
              const found = await scope.timesheets.findByIdForUpdate(id);
              await sleep(ms);
              return found;
            },
            async sumHoursOnDateForUpdate(employeeId, date, excludeId) {
              const sum = await scope.timesheets.sumHoursOnDateForUpdate(employeeId, date, excludeId);
              await sleep(ms);
              return sum;
            },
          },
        }),
      ),
  };
}

describe.skipIf(!process.env.EPCA_TEST_DATABASE_URL)("PostgreSQL server: use cases racing each other", () => {
  let store: PostgresStore;
  let drop: () => Promise<void>;
  let tenant: string;
  let seeded: Awaited<ReturnType<typeof seedBasics>>;
  let admin: Actor;
  let owner: Actor;
  let head: Actor;

  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    store = await createPostgresStore({ connectionString: database.url, migrate: true, poolSize: 8 });
    tenant = await newTenant(store);
    seeded = await store.transaction(tenant, seedBasics);
    admin = { userId: 1, tenantId: tenant, role: "admin", departmentId: null, employeeId: null };
    owner = { userId: 2, tenantId: tenant, role: "read_only", departmentId: null, employeeId: seeded.alice.id };
    head = { userId: 3, tenantId: tenant, role: "department_head", departmentId: seeded.department.id, employeeId: seeded.bob.id };
  });
  afterAll(async () => {
    await store?.close();
    await drop?.();
  });

  const clock = fixedClock("2024-06-15T12:00:00Z");
  /** Day `n` (1..28) of May 2024: before the clock's today, one fresh day per round. */
  const day = (n: number) => `2024-05-${String(n).padStart(2, "0")}`;

  it("an owner's edit racing an approval: the approved entry is always the one the approver read", async () => {
    const epca = createEpca({ store: slowed(store, 15), clock, passwordHasher: null });
    const outcomes = { editFirst: 0, approveFirst: 0 };
    for (let round = 0; round < 20; round++) {
      const draft = await epca.timesheets.create(owner, { employee_id: seeded.alice.id, project_id: seeded.project.id, hours_worked: 8, date: day(round + 1) });
      await epca.timesheets.submit(owner, draft.id);
      // Alternate which one starts first, so that both orders happen.
      const edit = () => epca.timesheets.update(owner, draft.id, { hours_worked: 6 });
      const approve = () => epca.timesheets.approve(head, draft.id);
      const [edited, approved] =
        round % 2 === 0
          ? await Promise.allSettled([edit(), sleep(round % 4 === 0 ? 0 : 5).then(approve)])
          : await Promise.allSettled([sleep(5).then(edit), approve()]);
      expect(approved.status, "the approval of a submitted entry always succeeds").toBe("fulfilled");
      const final = (await store.transaction(tenant, (s) => s.timesheets.findById(draft.id))) as Timesheet;
      expect(final.status).toBe("approved");
      const audit = await epca.audit.list(admin, { resource_type: "timesheet", resource_id: String(draft.id), action: "approve" });
      expect(audit.items).toHaveLength(1);
      const before = audit.items[0]!.changes.before as Timesheet;
      expect(before.hours_worked, "the approved row is what the approver read").toBe(final.hours_worked);
      if (edited.status === "fulfilled") {
        // The edit committed first and the approval saw it.
        expect(final.hours_worked).toBe(6);
        outcomes.editFirst++;
      } else {
        // The approval committed first: the owner may no longer change the approved entry.
        expect(final.hours_worked).toBe(8);
        expect((edited.reason as Error).message).toMatch(/approved and locked/);
        outcomes.approveFirst++;
      }
    }
    expect(outcomes.editFirst + outcomes.approveFirst).toBe(20);
    // The staggered starts make both orders happen.
    expect(outcomes.editFirst).toBeGreaterThan(0);
    expect(outcomes.approveFirst).toBeGreaterThan(0);
  }, 60_000);

  it("two concurrent 14 h entries for one employee and day: exactly one is created, the other is a ValidationError", async () => {
    const epca = createEpca({ store: slowed(store, 20), clock, passwordHasher: null });
    for (let round = 0; round < 5; round++) {
      const date = `2024-04-0${round + 1}`;
      const create = () => epca.timesheets.create(owner, { employee_id: seeded.alice.id, project_id: seeded.project.id, hours_worked: 14, date });
      const results = await Promise.allSettled([create(), create()]);
      const created = results.filter((r) => r.status === "fulfilled");
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
      expect(created).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expect(refused[0]!.reason).toBeInstanceOf(ValidationError);
      expect((refused[0]!.reason as ValidationError).issues.map((i) => i.code)).toContain("daily_hours_exceeded");
      expect(await store.transaction(tenant, (s) => s.timesheets.sumHoursOnDateForUpdate(seeded.alice.id, date))).toBe(14);
    }
  }, 60_000);

  it("resubmitting a rejected entry over the 24 h cap is refused", async () => {
    const epca = createEpca({ store, clock, passwordHasher: null });
    const date = "2024-03-15";
    const first = await epca.timesheets.create(owner, { employee_id: seeded.alice.id, project_id: seeded.project.id, hours_worked: 14, date });
    await epca.timesheets.submit(owner, first.id);
    await epca.timesheets.reject(head, first.id, { reason: "wrong project" });
    // Rejected hours do not count, so the day takes another 14 h entry.
    await epca.timesheets.create(owner, { employee_id: seeded.alice.id, project_id: seeded.project.id, hours_worked: 14, date });
    const resubmit = await epca.timesheets.submit(owner, first.id).catch((error: unknown) => error);
    expect(resubmit).toBeInstanceOf(ValidationError);
    expect((resubmit as ValidationError).issues.map((i) => i.code)).toContain("daily_hours_exceeded");
    expect((await store.transaction(tenant, (s) => s.timesheets.findById(first.id)))?.status).toBe("rejected");
  });
});
