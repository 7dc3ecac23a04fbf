import { createEpca, fixedClock, systemActor, ValidationError, type EpcaStore } from "@epca/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serverUrl } from "../../../test-support/test-database.js";
import { openPGlite, openPostgres } from "./stores.js";

/**
 * PostgreSQL sums `hours_worked` (double precision) in floating point: 0.1 + 16.1 comes back as
 * 16.200000000000003. Core checks the daily cap on whole hundredths, so the store's sum must not
 * tip an exact 24 over the limit.
 */
function exactHours(name: string, open: () => Promise<{ store: EpcaStore; close: () => Promise<void> }>) {
  describe(`exact daily hours on ${name}`, () => {
    let store: EpcaStore;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ store, close } = await open());
    });
    afterAll(async () => close?.());

    it("0.1 h + 16.1 h + 7.8 h on one day is 24 and accepted; one hundredth more is refused", async () => {
      const epca = createEpca({ store, passwordHasher: null, clock: fixedClock("2024-06-15T12:00:00Z") });
      const admin = systemActor("default");
      const dept = await epca.departments.create(admin, { name: `Exact ${name}` });
      const employee = await epca.employees.create(admin, { name: "Ada", department_id: dept.id, salary: 1 });
      const project = await epca.projects.create(admin, { name: "Engine", department_id: dept.id, status: "in_progress" });
      const log = (hours_worked: number, date = "2024-06-14") =>
        epca.timesheets.create(admin, { employee_id: employee.id, project_id: project.id, hours_worked, date });

      for (const hours of [0.1, 16.1, 7.8]) await log(hours);
      const day = await epca.timesheets.list(admin, { employee_id: employee.id });
      expect(day.items.map((t) => t.hours_worked)).toEqual([0.1, 16.1, 7.8]);
      await store.transaction("default", async (scope) => {
        // What the store itself answers: a float sum, off by a hair.
        expect(await scope.timesheets.sumHoursOnDateForUpdate(employee.id, "2024-06-14")).toBeCloseTo(24, 10);
      });

      const refused = await log(0.01).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ValidationError);
      expect((refused as ValidationError).issues).toEqual([
        {
          path: ["hours_worked"],
          code: "daily_hours_exceeded",
          message:
            "24 hours are already logged on 2024-06-14; adding 0.01 would make 24.01, above the 24-hour daily limit, so log at most 0 more.",
        },
      ]);

      await log(0.1, "2024-06-13");
      await log(16.1, "2024-06-13");
      const over = await log(7.81, "2024-06-13").catch((e: unknown) => e);
      expect((over as ValidationError).issues.map((i) => i.message)).toEqual([
        "16.2 hours are already logged on 2024-06-13; adding 7.81 would make 24.01, above the 24-hour daily limit, so log at most 7.8 more.",
      ]);
    });
  });
}

exactHours("pglite", openPGlite);

describe.skipIf(!serverUrl)("PostgreSQL server", () => {
  exactHours("postgres", () => openPostgres());
});
