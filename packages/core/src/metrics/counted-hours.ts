import type { Timesheet } from "../schemas/timesheet.js";

/** True when a timesheet's hours count in analytics: every status but `rejected`. */
export function isCountedTimesheet(timesheet: Pick<Timesheet, "status">): boolean {
  return timesheet.status !== "rejected";
}
