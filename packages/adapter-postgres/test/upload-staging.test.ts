import type { TimesheetDraftColumns, UploadImportStore, UploadScope } from "@epca/reports";
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
        type Draft = { hours: number; date: string; description: string | null };
        const columns = (drafts: Draft[]): TimesheetDraftColumns => ({
          length: drafts.length,
          employee_id: Float64Array.from(drafts, () => employee.id),
          project_id: Float64Array.from(drafts, () => project.id),
          hours_worked: Float64Array.from(drafts, (d) => d.hours),
          date: drafts.map((d) => d.date),
          description: drafts.map((d) => d.description),
        });
        await scope.timesheets.insert({ employee_id: employee.id, project_id: project.id, hours_worked: 1.25, date: "2024-01-02", description: "stored", status: "draft", reviewed_by: null, reviewed_at: null, review_note: null });
        const staged: Draft[] = [...TEXTS.map((t, i) => ({ hours: Math.round(i + 1) / 100, date: "2024-01-01", description: t })), { hours: 0.1, date: "2024-01-02", description: null }];
        expect(await scope.uploads.stageTimesheets!(columns(staged))).toBe(staged.length);
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
          ...staged.map((t) => [t.hours, t.date, t.description, "draft"]),
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
