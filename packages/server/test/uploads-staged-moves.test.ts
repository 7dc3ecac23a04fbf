/**
 * A timesheet import on PGlite and PostgreSQL moves its staged rows into timesheets every
 * `STAGED_TIMESHEETS_PER_MOVE` rows while the file is read: the 24-hour day still counts the
 * rows moved before (a day the bounded map dropped is read again from timesheets), nothing is
 * stored twice, and an atomic import whose bad row comes after a move leaves no row behind.
 */
import { createEpca, systemActor, type EpcaStore } from "@epca/core";
import { importUseCases, STAGED_TIMESHEETS_PER_MOVE } from "@epca/reports";
import { createScryptPasswordHasher } from "@epca/server";
import { afterEach, describe, expect, it } from "vitest";
import { pgliteStoreFactory, postgresServerUrl, postgresStoreFactory, type StoreFactory } from "./support/stores.js";

const stores: Array<[string, StoreFactory, boolean]> = [
  ["PGlite", pgliteStoreFactory, true],
  ["PostgreSQL", postgresStoreFactory, Boolean(postgresServerUrl)],
];
const EMPLOYEES = 20;
const DAYS = Math.ceil(STAGED_TIMESHEETS_PER_MOVE / EMPLOYEES) + 100; // past the first move
const day = (i: number) => new Date(Date.UTC(2000, 0, 1) + i * 86_400_000).toISOString().slice(0, 10);

async function setUp(store: EpcaStore) {
  const epca = createEpca({ store, passwordHasher: null });
  const system = systemActor("default");
  const department = await epca.departments.create(system, { name: "Moves", budget: 1 });
  const employees: number[] = [];
  for (let e = 0; e < EMPLOYEES; e++) {
    employees.push((await epca.employees.create(system, { name: `Mo ${e}`, email: `mo${e}@moves.example`, department_id: department.id, salary: 1, hire_date: "2000-01-01" })).id);
  }
  const project = await epca.projects.create(system, { name: "Moves", department_id: department.id, status: "in_progress", start_date: "2000-01-01" });
  /** 20 h for every employee on each of DAYS days, day by day; then `tail`. */
  const file = (tail: string[]) => {
    const lines = ["employee_id,project_id,hours_worked,date"];
    for (let d = 0; d < DAYS; d++) for (const e of employees) lines.push(`${e},${project.id},20,${day(d)}`);
    lines.push(...tail);
    const bytes = new TextEncoder().encode(lines.join("\n"));
    return (async function* () {
      yield bytes;
    })();
  };
  const hours = async (employeeId: number, date: string) =>
    (await epca.timesheets.list(system, { employee_id: employeeId, from: date, to: date }, { limit: 10 })).items.reduce((sum, t) => sum + t.hours_worked, 0);
  const count = async () => (await epca.timesheets.list(system, {}, { limit: 1 })).total;
  return { epca, system, employees, project, file, hours, count };
}

describe.each(stores)("timesheet imports move staged rows while reading on %s", (_name, factory, available) => {
  let close: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await close?.();
    close = null;
  });

  it.skipIf(!available)("counts the moved rows of a day read again: 20 h + 5 h refused, 20 h + 4 h kept, each row stored once", async () => {
    const opened = await factory();
    close = opened.close;
    const { epca, system, employees, project, file, hours, count } = await setUp(opened.store);
    const [first, second] = employees as [number, number];
    const input = file([`${first},${project.id},5,${day(0)}`, `${second},${project.id},4,${day(0)}`]);
    const result = await epca.extend(importUseCases).importFile(system, input, { entity: "timesheets", mode: "partial", daySumsKept: 10 });
    const rows = DAYS * EMPLOYEES;
    expect(rows).toBeGreaterThan(STAGED_TIMESHEETS_PER_MOVE);
    expect(result).toMatchObject({ total_rows: rows + 2, created: rows + 1, failed: 1, committed: true });
    expect(result.errors).toEqual([{ row: rows + 2, column: "hours_worked", message: expect.stringContaining("20 hours are already logged on 2000-01-01") }]);
    expect(await count()).toBe(rows + 1);
    expect([await hours(first, day(0)), await hours(second, day(0)), await hours(first, day(DAYS - 1))]).toEqual([20, 24, 20]);
  }, 240_000);

  it.skipIf(!available)("an atomic import whose bad row comes after a move stores nothing", async () => {
    const opened = await factory();
    close = opened.close;
    const { employees, project, file, count } = await setUp(opened.store);
    const epca = createEpca({ store: opened.store, passwordHasher: createScryptPasswordHasher({ logN: 10 }) });
    const admin = await epca.users.create(systemActor("default"), { email: "admin@moves.example", password: "moves-password", full_name: "Admin", role: "admin" });
    const input = file([`${employees[0]},${project.id},5,${day(0)}`]);
    // As the route does: the unit of work rolls back when the import says so.
    let answer: unknown = null;
    await expect(
      epca.actingAs({ tenantId: "default", userId: admin.id }, async (actor, e) => {
        answer = await e.extend(importUseCases).importFile(actor, input, { entity: "timesheets", daySumsKept: 10 });
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    expect(answer).toMatchObject({ total_rows: DAYS * EMPLOYEES + 1, created: 0, failed: 1, committed: false });
    expect(await count()).toBe(0);
  }, 240_000);
});
