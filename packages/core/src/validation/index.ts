export { MAX_ALLOCATION_PERCENTAGE, validateAllocation, type AllocationPeriod } from "./allocation.js";
export { EARLIEST_TIMESHEET_DATE, MAX_DAILY_HOURS, validateTimesheetEntry, type TimesheetRuleContext } from "./timesheet.js";
export {
  isTimesheetLocked,
  nextTimesheetStatus,
  timesheetLockIssue,
  type TimesheetTransition,
} from "./timesheet-workflow.js";
export { fromHundredths, HUNDREDTHS, isWholeHundredths, toHundredths } from "./exact-units.js";
