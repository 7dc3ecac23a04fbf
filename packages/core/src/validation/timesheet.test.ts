import { describe, expect, it } from "vitest";
import { validateTimesheetEntry, type TimesheetRuleContext } from "./timesheet.js";

const context: TimesheetRuleContext = {
  today: "2024-06-15",
  employee: { id: 7, is_active: true },
  project: { id: 3, status: "in_progress", start_date: "2024-01-01", end_date: null },
  hoursAlreadyOnDate: 0,
};
const entry = { hours_worked: 8, date: "2024-06-14" };
const codes = (issues: { path: readonly (string | number)[]; code: string }[]) =>
  issues.map((i) => ({ path: i.path, code: i.code }));

describe("validateTimesheetEntry", () => {
  it("accepts a valid entry, including 24 hours and today's date", () => {
    expect(validateTimesheetEntry(entry, context)).toEqual([]);
    expect(validateTimesheetEntry({ hours_worked: 24, date: "2024-06-15" }, context)).toEqual([]);
    expect(validateTimesheetEntry({ hours_worked: 0.25, date: "2024-06-15" }, context)).toEqual([]);
  });

  it("rejects hours of 0 or less, and above 24", () => {
    expect(codes(validateTimesheetEntry({ ...entry, hours_worked: 0 }, context))).toEqual([
      { path: ["hours_worked"], code: "too_small" },
    ]);
    expect(codes(validateTimesheetEntry({ ...entry, hours_worked: -2 }, context))).toEqual([
      { path: ["hours_worked"], code: "too_small" },
    ]);
    expect(codes(validateTimesheetEntry({ ...entry, hours_worked: Number.NaN }, context))).toEqual([
      { path: ["hours_worked"], code: "too_small" },
    ]);
    const [issue] = validateTimesheetEntry({ ...entry, hours_worked: 24.5 }, context);
    expect(issue).toEqual({
      path: ["hours_worked"],
      code: "too_big",
      message: "Hours worked must be at most 24; got 24.5.",
    });
  });

  it("rejects a date after today", () => {
    expect(validateTimesheetEntry({ ...entry, date: "2024-06-16" }, context)).toEqual([
      {
        path: ["date"],
        code: "future_date",
        message: "The date 2024-06-16 is in the future; log hours on or before 2024-06-15.",
      },
    ]);
  });

  it("rejects an inactive employee", () => {
    expect(codes(validateTimesheetEntry(entry, { ...context, employee: { id: 7, is_active: false } }))).toEqual([
      { path: ["employee_id"], code: "employee_inactive" },
    ]);
  });

  it("rejects a completed or cancelled project without an end date", () => {
    for (const status of ["completed", "cancelled"] as const) {
      const issues = validateTimesheetEntry(entry, { ...context, project: { ...context.project, status } });
      expect(codes(issues)).toEqual([{ path: ["project_id"], code: "project_closed" }]);
      expect(issues[0]?.message).toBe(`Project 3 is ${status} and takes no hours on 2024-06-14; choose an open project.`);
    }
  });

  it("accepts a closed project on or before its end date, and rejects it after", () => {
    const project = { ...context.project, status: "completed" as const, end_date: "2024-06-10" };
    expect(validateTimesheetEntry({ ...entry, date: "2024-06-10" }, { ...context, project })).toEqual([]);
    expect(validateTimesheetEntry({ ...entry, date: "2024-05-01" }, { ...context, project })).toEqual([]);
    expect(validateTimesheetEntry({ ...entry, date: "2024-06-11" }, { ...context, project })).toEqual([
      {
        path: ["project_id"],
        code: "project_closed",
        message:
          "Project 3 is completed and takes no hours on 2024-06-11 after its end date 2024-06-10; choose an open project.",
      },
    ]);
  });

  it("accepts a planned project on or after its start date, or without one", () => {
    const planned = { ...context.project, status: "planned" as const };
    expect(validateTimesheetEntry(entry, { ...context, project: planned })).toEqual([]);
    expect(validateTimesheetEntry({ ...entry, date: "2024-01-01" }, { ...context, project: planned })).toEqual([]);
    expect(validateTimesheetEntry({ ...entry, date: "2023-01-01" }, { ...context, project: { ...planned, start_date: null } })).toEqual([]);
  });

  it("rejects hours before a planned project's start date, saying when it starts", () => {
    const project = { ...context.project, status: "planned" as const, start_date: "2024-07-01" };
    expect(validateTimesheetEntry(entry, { ...context, project })).toEqual([
      {
        path: ["project_id"],
        code: "before_project_start",
        message: "Project 3 is planned to start on 2024-07-01 and takes no hours on 2024-06-14; log hours from its start date on.",
      },
    ]);
    // An in-progress project started early: its planned start date no longer binds.
    expect(validateTimesheetEntry(entry, { ...context, project: { ...project, status: "in_progress" } })).toEqual([]);
  });

  it("rejects hours on a project on hold", () => {
    expect(validateTimesheetEntry(entry, { ...context, project: { ...context.project, status: "on_hold" } })).toEqual([
      {
        path: ["project_id"],
        code: "project_on_hold",
        message: "Project 3 is on hold and takes no hours; resume it (status in_progress) or choose another project.",
      },
    ]);
  });

  it("rejects a date before 1970-01-01", () => {
    expect(validateTimesheetEntry({ ...entry, date: "1969-12-31" }, context)).toEqual([
      { path: ["date"], code: "date_too_early", message: "The date 1969-12-31 is before 1970-01-01; hours cannot be logged that early." },
    ]);
    expect(validateTimesheetEntry({ ...entry, date: "1970-01-01" }, { ...context, project: { ...context.project, start_date: null } })).toEqual([]);
  });

  it("rejects a date before the employee's hire date, and accepts the hire date itself", () => {
    const employee = { id: 7, is_active: true, hire_date: "2024-06-14" };
    expect(validateTimesheetEntry(entry, { ...context, employee })).toEqual([]);
    expect(validateTimesheetEntry({ ...entry, date: "2024-06-13" }, { ...context, employee })).toEqual([
      {
        path: ["date"],
        code: "before_hire_date",
        message: "The date 2024-06-13 is before employee 7 was hired on 2024-06-14; log hours on or after that date.",
      },
    ]);
    expect(validateTimesheetEntry(entry, { ...context, employee: { ...employee, hire_date: null } })).toEqual([]);
  });

  it("rejects more than 24 hours on one date, naming the hours already logged", () => {
    expect(validateTimesheetEntry({ ...entry, hours_worked: 6 }, { ...context, hoursAlreadyOnDate: 20 })).toEqual([
      {
        path: ["hours_worked"],
        code: "daily_hours_exceeded",
        message:
          "20 hours are already logged on 2024-06-14; adding 6 would make 26, above the 24-hour daily limit, so log at most 4 more.",
      },
    ]);
    expect(validateTimesheetEntry({ ...entry, hours_worked: 4 }, { ...context, hoursAlreadyOnDate: 20 })).toEqual([]);
    expect(
      validateTimesheetEntry({ ...entry, hours_worked: 0.2 }, { ...context, hoursAlreadyOnDate: 23.9 })[0]?.message,
    ).toBe(
      "23.9 hours are already logged on 2024-06-14; adding 0.2 would make 24.1, above the 24-hour daily limit, so log at most 0.1 more.",
    );
  });

  it("reports every violation at once", () => {
    const issues = validateTimesheetEntry(
      { hours_worked: 30, date: "2024-07-01" },
      {
        today: "2024-06-15",
        employee: { id: 7, is_active: false },
        project: { id: 3, status: "cancelled", start_date: null, end_date: "2024-06-01" },
        hoursAlreadyOnDate: 2,
      },
    );
    expect(codes(issues)).toEqual([
      { path: ["hours_worked"], code: "too_big" },
      { path: ["date"], code: "future_date" },
      { path: ["employee_id"], code: "employee_inactive" },
      { path: ["project_id"], code: "project_closed" },
      { path: ["hours_worked"], code: "daily_hours_exceeded" },
    ]);
    for (const issue of issues) expect(issue.message).toMatch(/^[A-Z0-9].*\.$/);
  });
});
