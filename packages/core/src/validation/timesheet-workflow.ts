import type { ValidationIssue } from "../errors.js";
import type { Timesheet, TimesheetStatus } from "../schemas/timesheet.js";

/** A step of the timesheet approval workflow. */
export type TimesheetTransition = "submit" | "approve" | "reject";

/**
 * The status after `transition`, or `null` when it is not allowed from `current`: submit from
 * `draft` or `rejected`; approve and reject only from `submitted`.
 */
export function nextTimesheetStatus(current: TimesheetStatus, transition: TimesheetTransition): TimesheetStatus | null {
  switch (transition) {
    case "submit":
      return current === "draft" || current === "rejected" ? "submitted" : null;
    case "approve":
      return current === "submitted" ? "approved" : null;
    case "reject":
      return current === "submitted" ? "rejected" : null;
  }
}

/** True when the entry is approved, and so locked against changes by anyone but an admin. */
export function isTimesheetLocked(timesheet: Pick<Timesheet, "status">): boolean {
  return timesheet.status === "approved";
}

/** The issue (code `approved_locked`) when a non-admin tries to change or delete an approved entry, else `null`. */
export function timesheetLockIssue(
  timesheet: Pick<Timesheet, "status" | "id">,
  options: { actorIsAdmin: boolean },
): ValidationIssue | null {
  if (!isTimesheetLocked(timesheet) || options.actorIsAdmin) return null;
  return {
    path: ["status"],
    code: "approved_locked",
    message: `Timesheet ${timesheet.id} is approved and locked; only an admin may change or delete it.`,
  };
}
