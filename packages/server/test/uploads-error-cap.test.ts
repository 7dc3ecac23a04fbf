/**
 * An import with more row errors than an answer lists (`MAX_REPORTED_ERRORS`) answers the first
 * ones by row, though its batches finish after later rows' parse errors were seen; `failed`
 * counts every bad row. On memory and PGlite (the staged path).
 */
import { createEpca, systemActor } from "@epca/core";
import { importUseCases, MAX_REPORTED_ERRORS } from "@epca/reports";
import { afterEach, describe, expect, it } from "vitest";
import { memoryStoreFactory, pgliteStoreFactory, type StoreFactory } from "./support/stores.js";

const stores: Array<[string, StoreFactory]> = [
  ["memory", memoryStoreFactory],
  ["PGlite", pgliteStoreFactory],
];

describe.each(stores)("an import's answer lists its first row errors on %s", (_name, factory) => {
  let close: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await close?.();
    close = null;
  });

  it("12,000 rows, every even row refused by a check after parsing and every 7th by the parse: the first 1,000 errors by row", async () => {
    const opened = await factory();
    close = opened.close;
    const epca = createEpca({ store: opened.store, passwordHasher: null });
    const system = systemActor("default");
    const department = await epca.departments.create(system, { name: "Caps", budget: 1 });
    const employee = await epca.employees.create(system, { name: "Cap", email: "cap@caps.example", department_id: department.id, salary: 1, hire_date: "2000-01-01" });
    const project = await epca.projects.create(system, { name: "Caps", department_id: department.id, status: "in_progress", start_date: "2000-01-01" });
    const day = (i: number) => new Date(Date.UTC(2000, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    const lines = ["employee_id,project_id,hours_worked,date"];
    // Row r = i + 2: a parse error (hours not a number) when i % 7 === 0, else an unknown employee when i is even.
    for (let i = 0; i < 12_000; i++) lines.push(`${i % 2 === 0 ? 999_999 : employee.id},${project.id},${i % 7 === 0 ? "x" : "1"},${day(i % 9000)}`);
    const bytes = new TextEncoder().encode(lines.join("\n"));
    const input = (async function* () {
      yield bytes;
    })();
    const result = await epca.extend(importUseCases).importFile(system, input, { entity: "timesheets", mode: "partial" });
    const bad = Array.from({ length: 12_000 }, (_, i) => i).filter((i) => i % 7 === 0 || i % 2 === 0);
    expect(result.failed).toBe(bad.length);
    expect(result.errors).toHaveLength(MAX_REPORTED_ERRORS);
    expect(result.errors.map((e) => e.row)).toEqual(bad.slice(0, MAX_REPORTED_ERRORS).map((i) => i + 2));
    expect(result.errors.slice(0, 3).map((e) => [e.row, e.column])).toEqual([
      [2, "hours_worked"],
      [4, "employee_id"],
      [6, "employee_id"],
    ]);
  }, 120_000);
});
