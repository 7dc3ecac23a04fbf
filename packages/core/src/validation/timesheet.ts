import type { ValidationIssue } from "../errors.js";
import type { Employee } from "../schemas/employee.js";
import type { Project } from "../schemas/project.js";
import { fromHundredths, HUNDREDTHS, toHundredths } from "./exact-units.js";

/** Most hours one employee may log on one date, across all their entries. */
export const MAX_DAILY_HOURS = 24;
/** The earliest date hours may be logged on. */
export const EARLIEST_TIMESHEET_DATE = "1970-01-01";

/** What a timesheet entry is checked against, loaded by the caller. */
export interface TimesheetRuleContext {
  /** Today's date, `YYYY-MM-DD` in UTC. */
  readonly today: string;
  /** The employee the entry is for; no hours before their `hire_date` when it is known. */
  readonly employee: Pick<Employee, "id" | "is_active"> & { readonly hire_date?: string | null };
  /** The project the entry is logged on. */
  readonly project: Pick<Project, "id" | "status" | "start_date" | "end_date">;
  /**
   * Hours of the employee's other entries on the entry's date (not counting the entry itself). A
   * store's floating-point sum is fine: the daily cap is checked on whole hundredths of an hour.
   */
  readonly hoursAlreadyOnDate: number;
}

/** Formats hours for a message without rounding them away (0.1 + 0.2 shows as 0.3). */
function formatHours(hours: number): string {
  return String(Number(hours.toPrecision(12)));
}

/** True when the project takes no hours on `date`: completed or cancelled, and `date` is after its end (or it has none). */
function isProjectClosedOn(project: TimesheetRuleContext["project"], date: string): boolean {
  if (project.status !== "completed" && project.status !== "cancelled") return false;
  return !project.end_date || date > project.end_date;
}

/**
 * Every rule a timesheet entry breaks, each with its field: hours in (0, 24], date not after
 * today, not before 1970-01-01 and not before the employee's hire date, employee active, project
 * open on that date (not on hold, not before a planned project's start date, not completed or
 * cancelled before it), and at most 24 hours per employee per date.
 * An empty list means the entry may be stored.
 */
export function validateTimesheetEntry(
  entry: { hours_worked: number; date: string },
  context: TimesheetRuleContext,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const hours = entry.hours_worked;

  if (!(hours > 0)) {
    issues.push({ path: ["hours_worked"], code: "too_small", message: "Hours worked must be more than 0." });
  } else if (hours > MAX_DAILY_HOURS) {
    issues.push({
      path: ["hours_worked"],
      code: "too_big",
      message: `Hours worked must be at most ${MAX_DAILY_HOURS}; got ${formatHours(hours)}.`,
    });
  }

  if (entry.date > context.today) {
    issues.push({
      path: ["date"],
      code: "future_date",
      message: `The date ${entry.date} is in the future; log hours on or before ${context.today}.`,
    });
  }

  if (entry.date < EARLIEST_TIMESHEET_DATE) {
    issues.push({
      path: ["date"],
      code: "date_too_early",
      message: `The date ${entry.date} is before ${EARLIEST_TIMESHEET_DATE}; hours cannot be logged that early.`,
    });
  } else if (context.employee.hire_date && entry.date < context.employee.hire_date) {
    issues.push({
      path: ["date"],
      code: "before_hire_date",
      message: `The date ${entry.date} is before employee ${context.employee.id} was hired on ${context.employee.hire_date}; log hours on or after that date.`,
    });
  }

  if (!context.employee.is_active) {
    issues.push({
      path: ["employee_id"],
      code: "employee_inactive",
      message: `Employee ${context.employee.id} is inactive; reactivate them before logging hours.`,
    });
  }

  if (context.project.status === "on_hold") {
    issues.push({
      path: ["project_id"],
      code: "project_on_hold",
      message: `Project ${context.project.id} is on hold and takes no hours; resume it (status in_progress) or choose another project.`,
    });
  } else if (context.project.status === "planned" && context.project.start_date && entry.date < context.project.start_date) {
    issues.push({
      path: ["project_id"],
      code: "before_project_start",
      message: `Project ${context.project.id} is planned to start on ${context.project.start_date} and takes no hours on ${entry.date}; log hours from its start date on.`,
    });
  }

  if (isProjectClosedOn(context.project, entry.date)) {
    const until = context.project.end_date ? ` after its end date ${context.project.end_date}` : "";
    issues.push({
      path: ["project_id"],
      code: "project_closed",
      message: `Project ${context.project.id} is ${context.project.status} and takes no hours on ${entry.date}${until}; choose an open project.`,
    });
  }

  // Only when other entries exist: with none, the per-entry limit above already says it. Summed in
  // whole hundredths of an hour (see exact-units.ts): 0.1 + 16.1 + 7.8 is exactly 24.
  const alreadyHundredths = toHundredths(context.hoursAlreadyOnDate);
  const hoursHundredths = toHundredths(hours);
  const capHundredths = MAX_DAILY_HOURS * HUNDREDTHS;
  if (alreadyHundredths > 0 && hours > 0 && alreadyHundredths + hoursHundredths > capHundredths) {
    const already = fromHundredths(alreadyHundredths);
    const total = fromHundredths(alreadyHundredths + hoursHundredths);
    const left = fromHundredths(Math.max(0, capHundredths - alreadyHundredths));
    issues.push({
      path: ["hours_worked"],
      code: "daily_hours_exceeded",
      message:
        `${formatHours(already)} hours are already logged on ${entry.date}; adding ${formatHours(hours)} would make ` +
        `${formatHours(total)}, above the ${MAX_DAILY_HOURS}-hour daily limit, so log at most ${formatHours(left)} more.`,
    });
  }

  return issues;
}
