import { describe, expect, it } from "vitest";
import { resolveReferences, resolveTrackerTimesheet, type ReferenceResolver, type UploadRow } from "../src/index.js";

const resolver: ReferenceResolver = {
  departmentByName: async (name) => (name === "Engineering" ? 1 : null),
  employeeByEmail: async (email) => (email.toLowerCase() === "ana@example.com" ? 10 : null),
  employeeByName: async (first, last) => (first === "Ana" && last === "Lima" ? 10 : null),
  projectByName: async (name) => (name === "Atlas" ? 7 : null),
};
const columns = { employee: ["First name", "Last name"], project: "Project" };
const tracker = (values: Record<string, unknown> | null): UploadRow<never> => ({ row: 3, values: values as never, references: [], errors: [] });

describe("resolveReferences", () => {
  it("fills employee and project ids by email and name, and answers a row without references unchanged", async () => {
    const row = { row: 2, values: { hours_worked: 2 }, references: [
      { field: "employee_id", column: "employee_email", kind: "employee" as const, key: "ANA@example.com" },
      { field: "project_id", column: "project_name", kind: "project" as const, key: "Atlas" },
    ], errors: [] };
    expect(await resolveReferences(row as never, resolver)).toEqual({ row: 2, values: { hours_worked: 2, employee_id: 10, project_id: 7 }, references: [], errors: [] });
    const plain = { row: 4, values: { name: "x" }, references: [], errors: [] };
    expect(await resolveReferences(plain as never, resolver)).toBe(plain);
  });

  it("keeps an invalid row invalid and still names the reference it cannot resolve", async () => {
    const row = { row: 5, values: null, references: [{ field: "project_id", column: "project_name", kind: "project" as const, key: "Nope" }], errors: [{ row: 5, column: "hours_worked", message: "not a number" }] };
    expect(await resolveReferences(row as never, resolver)).toEqual({
      row: 5,
      values: null,
      references: [],
      errors: [{ row: 5, column: "hours_worked", message: "not a number" }, { row: 5, column: "project_name", message: 'no project "Nope"' }],
    });
  });
});

describe("resolveTrackerTimesheet", () => {
  const base = { project_name: "Atlas", date: "2024-05-02", hours_worked: 1.5, description: "review" };

  it("matches a Harvest person by first and last name", async () => {
    expect(await resolveTrackerTimesheet(tracker({ ...base, employee_first_name: "Ana", employee_last_name: "Lima" }), resolver, columns)).toEqual({
      row: 3,
      values: { employee_id: 10, project_id: 7, hours_worked: 1.5, date: "2024-05-02", description: "review" },
      references: [],
      errors: [],
    });
  });

  it("names the person and the project it cannot match, on the file's columns", async () => {
    expect(await resolveTrackerTimesheet(tracker({ ...base, project_name: "Zeus", employee_first_name: "Bo", employee_last_name: "Ek" }), resolver, columns)).toEqual({
      row: 3,
      values: null,
      references: [],
      errors: [
        { row: 3, column: "First name + Last name", message: 'no employee "Bo Ek"' },
        { row: 3, column: "Project", message: 'no project "Zeus"' },
      ],
    });
  });

  it("refuses a row with neither an email nor both names, and passes an invalid row through", async () => {
    const unnamed = await resolveTrackerTimesheet(tracker({ ...base, employee_first_name: "Ana" }), resolver, columns);
    expect(unnamed.errors).toEqual([{ row: 3, column: "First name + Last name", message: 'no employee "Ana"' }]);
    expect(unnamed.values).toBeNull();
    const invalid = { row: 9, values: null, references: [], errors: [{ row: 9, column: "Date", message: "not a date" }] };
    expect(await resolveTrackerTimesheet(invalid, resolver, columns)).toEqual(invalid);
  });
});
