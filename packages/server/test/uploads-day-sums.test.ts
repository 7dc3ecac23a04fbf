/**
 * The 24-hour day of a timesheet import past the days it keeps in memory (`daySumsKept`): a day
 * dropped between two batches is read again from the store, which by then holds the file's
 * earlier rows of that day (stored, or staged on PostgreSQL), on memory, PGlite and PostgreSQL.
 */
import { createEpca, systemActor } from "@epca/core";
import { importUseCases } from "@epca/reports";
import { afterEach, describe, expect, it } from "vitest";
import { memoryStoreFactory, pgliteStoreFactory, postgresServerUrl, postgresStoreFactory, type StoreFactory } from "./support/stores.js";

const stores: Array<[string, StoreFactory, boolean]> = [
  ["memory", memoryStoreFactory, true],
  ["PGlite", pgliteStoreFactory, true],
  ["PostgreSQL", postgresStoreFactory, Boolean(postgresServerUrl)],
];

describe.each(stores)("timesheet imports keep a bounded map of day sums on %s", (_name, factory, available) => {
  let close: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await close?.();
    close = null;
  });

  it.skipIf(!available)("a day read in the first batch and dropped is read again with the file's rows of it: 20 h + 5 h is refused, 20 h + 4 h kept", async () => {
    const opened = await factory();
    close = opened.close;
    const epca = createEpca({ store: opened.store, passwordHasher: null });
    const system = systemActor("default");
    const department = await epca.departments.create(system, { name: "Day Sums", budget: 1 });
    const employee = await epca.employees.create(system, { name: "Dee", email: "dee@sums.example", department_id: department.id, salary: 1, hire_date: "2000-01-01" });
    const project = await epca.projects.create(system, { name: "Sums", department_id: department.id, status: "in_progress", start_date: "2000-01-01" });
    const day = (i: number) => new Date(Date.UTC(2000, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);
    // Rows 2…5001: 20 h on 5,000 days (the first batch); rows 5002 and 5003 come back to days 0 and 1.
    const lines = ["employee_id,project_id,hours_worked,date"];
    for (let i = 0; i < 5000; i++) lines.push(`${employee.id},${project.id},20,${day(i)}`);
    lines.push(`${employee.id},${project.id},5,${day(0)}`, `${employee.id},${project.id},4,${day(1)}`);
    const bytes = new TextEncoder().encode(lines.join("\n"));
    const input = (async function* () {
      yield bytes;
    })();

    const result = await epca.extend(importUseCases).importFile(system, input, { entity: "timesheets", mode: "partial", daySumsKept: 10 });
    expect(result).toMatchObject({ total_rows: 5002, created: 5001, failed: 1, committed: true });
    expect(result.errors).toEqual([{ row: 5002, column: "hours_worked", message: expect.stringContaining("20 hours are already logged on 2000-01-01") }]);
    const hoursOn = async (date: string) =>
      (await epca.timesheets.list(system, { employee_id: employee.id, from: date, to: date }, { limit: 10 })).items.reduce((sum, t) => sum + t.hours_worked, 0);
    expect([await hoursOn(day(0)), await hoursOn(day(1)), await hoursOn(day(4999))]).toEqual([20, 24, 20]);
  }, 120_000);
});
