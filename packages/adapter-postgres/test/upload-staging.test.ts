import type { TimesheetInsert } from "@epca/core";
import type { UploadImportStore, UploadScope } from "@epca/reports";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPGliteStore, createPostgresStore, type PostgresStore } from "../src/index.js";
import { postgresUploads } from "../src/uploads.js";
import { createTestDatabase } from "../../../test-support/test-database.js";

/**
 * The staging of a timesheet import sends its columns as array literals it writes itself (not
 * node-postgres's per-element serialisation): every text must come back exactly, whatever it
 * holds, and the day sums must line up with the pairs asked, staged hours included.
 */
const TEXTS = [
  "task 5",
  "",
  "NULL",
  "null",
  'say "hi"',
  "back\\slash \\\" both",
  "{braces},commas",
  "  spaces around  ",
  "tab\tand\nline\r\nbreaks",
  "émoji 🚀 ümlaut, 日本語",
  "2024-01-01",
  "plain-word.1:2+3",
];

function stagingOn(name: string, open: () => Promise<{ store: PostgresStore; close: () => Promise<void> }>) {
  describe(`staged timesheets on ${name}`, () => {
    let store: PostgresStore;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ store, close } = await open());
    });
    afterAll(async () => close?.());

    it("stores every description exactly and answers day sums in the order of the pairs, staged hours included", async () => {
      await store.transaction("default", async (s) => {
        const scope = s as unknown as UploadScope & { uploads: UploadImportStore };
        const dept = await scope.departments.insert({ name: `Staging ${name}`, budget: 0, description: null });
        const employee = await scope.employees.insert({ name: "Ada", email: `ada-${name}@example.com`, department_id: dept.id, salary: 1, revenue_generated: 0, hire_date: "2020-01-01", skills: [], is_active: true });
        const other = await scope.employees.insert({ name: "Bo", email: `bo-${name}@example.com`, department_id: dept.id, salary: 1, revenue_generated: 0, hire_date: "2020-01-01", skills: [], is_active: true });
        const project = await scope.projects.insert({ name: `P ${name}`, department_id: dept.id, cost: 0, revenue: 0, status: "in_progress", completion_percentage: 0, start_date: "2020-01-01", end_date: null, estimated_end_date: null, description: null });
        const entry = (hours: number, date: string, description: string | null): TimesheetInsert => ({
          employee_id: employee.id,
          project_id: project.id,
          hours_worked: hours,
          date,
          description,
          status: "draft",
          reviewed_by: null,
          reviewed_at: null,
          review_note: null,
        });
        await scope.timesheets.insert(entry(1.25, "2024-01-02", "stored"));
        const staged = [...TEXTS.map((t, i) => entry(0.01 * (i + 1), "2024-01-01", t)), entry(0.1, "2024-01-02", null)];
        expect(await scope.uploads.stageTimesheets!(staged)).toBe(staged.length);
        // Stored plus staged, in the order asked (a pair with nothing is 0).
        const sums = await scope.uploads.dailyHoursForUpdate([
          { employee_id: employee.id, date: "2024-01-02" },
          { employee_id: other.id, date: "2024-01-01" },
          { employee_id: employee.id, date: "2024-01-01" },
        ]);
        expect(sums.map((h) => Math.round(h * 100) / 100)).toEqual([1.35, 0, 0.78]);
        expect(await scope.uploads.storeStagedTimesheets!()).toBe(staged.length);
        const stored = await scope.timesheets.list({ employee_id: employee.id }, { skip: 0, limit: 100 });
        expect(stored.items.map((t) => [t.hours_worked, t.date, t.description, t.status])).toEqual([
          [1.25, "2024-01-02", "stored", "draft"],
          ...staged.map((t) => [t.hours_worked, t.date, t.description, "draft"]),
        ]);
      });
    });

    it("stages entries that are not new drafts with all their columns", async () => {
      await store.transaction("default", async (s) => {
        const scope = s as unknown as UploadScope & { uploads: UploadImportStore };
        const dept = await scope.departments.insert({ name: `Reviewed ${name}`, budget: 0, description: null });
        const employee = await scope.employees.insert({ name: "Cy", email: `cy-${name}@example.com`, department_id: dept.id, salary: 1, revenue_generated: 0, hire_date: "2020-01-01", skills: [], is_active: true });
        const project = await scope.projects.insert({ name: `R ${name}`, department_id: dept.id, cost: 0, revenue: 0, status: "in_progress", completion_percentage: 0, start_date: "2020-01-01", end_date: null, estimated_end_date: null, description: null });
        const values: TimesheetInsert[] = [
          { employee_id: employee.id, project_id: project.id, hours_worked: 2, date: "2024-02-01", description: null, status: "rejected", reviewed_by: null, reviewed_at: "2024-02-02T10:00:00.000Z", review_note: 'not "ok"' },
          { employee_id: employee.id, project_id: project.id, hours_worked: 3, date: "2024-02-01", description: "x", status: "draft", reviewed_by: null, reviewed_at: null, review_note: null },
        ];
        expect(await scope.uploads.stageTimesheets!(values)).toBe(2);
        // A rejected entry counts for no day.
        expect(await scope.uploads.dailyHoursForUpdate([{ employee_id: employee.id, date: "2024-02-01" }])).toEqual([3]);
        await scope.uploads.storeStagedTimesheets!();
        const stored = await scope.timesheets.list({ employee_id: employee.id }, { skip: 0, limit: 10 });
        expect(stored.items.map((t) => [t.status, t.reviewed_at, t.review_note, t.description])).toEqual([
          ["rejected", "2024-02-02T10:00:00.000Z", 'not "ok"', null],
          ["draft", null, null, "x"],
        ]);
      });
    });
  });
}

stagingOn("PGlite", async () => {
  const store = await createPGliteStore({ migrate: true, parts: { uploads: postgresUploads } });
  return { store, close: () => store.close() };
});
stagingOn("PostgreSQL", async () => {
  const database = await createTestDatabase();
  const store = await createPostgresStore({ connectionString: database.url, migrate: true, parts: { uploads: postgresUploads } });
  return {
    store,
    async close() {
      await store.close();
      await database.drop();
    },
  };
});
