import { describe, expect, it } from "vitest";
import type { TimesheetStatus } from "../schemas/timesheet.js";
import { isTimesheetLocked, nextTimesheetStatus, timesheetLockIssue, type TimesheetTransition } from "./timesheet-workflow.js";

describe("nextTimesheetStatus", () => {
  const table: [TimesheetStatus, TimesheetTransition, TimesheetStatus | null][] = [
    ["draft", "submit", "submitted"],
    ["rejected", "submit", "submitted"],
    ["submitted", "submit", null],
    ["approved", "submit", null],
    ["submitted", "approve", "approved"],
    ["draft", "approve", null],
    ["approved", "approve", null],
    ["rejected", "approve", null],
    ["submitted", "reject", "rejected"],
    ["draft", "reject", null],
    ["approved", "reject", null],
    ["rejected", "reject", null],
  ];
  it.each(table)("%s + %s → %s", (current, transition, expected) => {
    expect(nextTimesheetStatus(current, transition)).toBe(expected);
  });
});

describe("isTimesheetLocked", () => {
  it("locks approved entries only", () => {
    expect(isTimesheetLocked({ status: "approved" })).toBe(true);
    expect(isTimesheetLocked({ status: "draft" })).toBe(false);
    expect(isTimesheetLocked({ status: "submitted" })).toBe(false);
    expect(isTimesheetLocked({ status: "rejected" })).toBe(false);
  });
});

describe("timesheetLockIssue", () => {
  it("stops a non-admin from changing an approved entry", () => {
    expect(timesheetLockIssue({ id: 42, status: "approved" }, { actorIsAdmin: false })).toEqual({
      path: ["status"],
      code: "approved_locked",
      message: "Timesheet 42 is approved and locked; only an admin may change or delete it.",
    });
  });

  it("lets an admin through, and anyone on an unapproved entry", () => {
    expect(timesheetLockIssue({ id: 42, status: "approved" }, { actorIsAdmin: true })).toBeNull();
    expect(timesheetLockIssue({ id: 42, status: "submitted" }, { actorIsAdmin: false })).toBeNull();
    expect(timesheetLockIssue({ id: 42, status: "draft" }, { actorIsAdmin: false })).toBeNull();
  });
});
