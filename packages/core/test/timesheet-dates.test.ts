import { describe, expect, it } from "vitest";
import { ValidationError } from "@epca/core";
import { setup } from "./helpers.js";

/** The issues of the ValidationError `promise` rejects with. */
async function issuesOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return (error as ValidationError).issues.map(({ path, code, message }) => ({ path, code, message }));
}

describe("timesheet rules users trip over (through the use cases)", () => {
  async function organisation() {
    const ctx = setup(); // today is 2024-06-15
    const { epca, admin } = ctx;
    const dept = await epca.departments.create(admin, { name: "Engineering" });
    const hired = await epca.employees.create(admin, { name: "Ada", department_id: dept.id, salary: 1, hire_date: "2024-03-01" });
    const active = await epca.projects.create(admin, { name: "Engine", department_id: dept.id, status: "in_progress" });
    const paused = await epca.projects.create(admin, { name: "Paused", department_id: dept.id, status: "on_hold" });
    const future = await epca.projects.create(admin, { name: "Later", department_id: dept.id, status: "planned", start_date: "2024-06-10" });
    const log = (project_id: number, date: string) =>
      epca.timesheets.create(admin, { employee_id: hired.id, project_id, hours_worked: 1, date });
    return { ...ctx, hired, active, paused, future, log };
  }

  it("refuses a date before the employee's hire date, and before 1970", async () => {
    const { log, active, hired } = await organisation();
    expect(await issuesOf(log(active.id, "2024-02-29"))).toEqual([
      {
        path: ["date"],
        code: "before_hire_date",
        message: `The date 2024-02-29 is before employee ${hired.id} was hired on 2024-03-01; log hours on or after that date.`,
      },
    ]);
    expect((await log(active.id, "2024-03-01")).date).toBe("2024-03-01");
    expect(await issuesOf(log(active.id, "1969-07-20"))).toEqual([
      { path: ["date"], code: "date_too_early", message: "The date 1969-07-20 is before 1970-01-01; hours cannot be logged that early." },
    ]);
  });

  it("refuses hours on a project on hold, and before a planned project's start date", async () => {
    const { log, paused, future } = await organisation();
    expect(await issuesOf(log(paused.id, "2024-06-14"))).toEqual([
      {
        path: ["project_id"],
        code: "project_on_hold",
        message: `Project ${paused.id} is on hold and takes no hours; resume it (status in_progress) or choose another project.`,
      },
    ]);
    expect(await issuesOf(log(future.id, "2024-06-09"))).toEqual([
      {
        path: ["project_id"],
        code: "before_project_start",
        message: `Project ${future.id} is planned to start on 2024-06-10 and takes no hours on 2024-06-09; log hours from its start date on.`,
      },
    ]);
    expect((await log(future.id, "2024-06-10")).project_id).toBe(future.id);
  });

  it("checks the rules again when an entry is moved onto a paused project", async () => {
    const { epca, admin, log, active, paused } = await organisation();
    const entry = await log(active.id, "2024-06-14");
    expect((await issuesOf(epca.timesheets.update(admin, entry.id, { project_id: paused.id }))).map((i) => i.code)).toEqual(["project_on_hold"]);
  });
});
