import { z } from "zod";
import { isWholeHundredths } from "../validation/exact-units.js";
import { idSchema, isoDateSchema, storedFields, textSchema } from "./common.js";

/** `draft` → `submitted` → `approved` | `rejected`; a rejected entry may be edited and submitted again. */
export const timesheetStatusSchema = z.enum(["draft", "submitted", "approved", "rejected"]);
export type TimesheetStatus = z.infer<typeof timesheetStatusSchema>;

// Range rules (0 < hours ≤ 24, not in the future, …) live in validation/ so that every violation
// is reported with its field; the schema only checks shapes, the resolution included: hours are
// counted in hundredths (at most 2 decimals, 0.01 h = 36 s), so that daily sums are exact.
const hours = z
  .number()
  .finite()
  .refine(isWholeHundredths, "Hours worked are counted in hundredths of an hour; use at most 2 decimals (e.g. 7.25 or 0.1).");
const description = textSchema(2000);

/** Input of `createTimesheet`. New entries start as `draft`. */
export const timesheetCreateSchema = z.object({
  employee_id: idSchema,
  project_id: idSchema,
  hours_worked: hours,
  date: isoDateSchema,
  description: description.nullish(),
});
export type TimesheetCreate = z.input<typeof timesheetCreateSchema>;

/** Input of `updateTimesheet`. */
export const timesheetUpdateSchema = z.object({
  employee_id: idSchema.optional(),
  project_id: idSchema.optional(),
  hours_worked: hours.optional(),
  date: isoDateSchema.optional(),
  description: description.nullish(),
});
export type TimesheetUpdate = z.input<typeof timesheetUpdateSchema>;

/** Body of `rejectTimesheet`. */
export const timesheetReviewSchema = z.object({ reason: description.nullish() });
export type TimesheetReview = z.input<typeof timesheetReviewSchema>;

/** A stored timesheet entry. */
export const timesheetSchema = z.object({
  ...storedFields,
  employee_id: idSchema,
  project_id: idSchema,
  hours_worked: z.number(),
  date: z.string(),
  description: z.string().nullable(),
  status: timesheetStatusSchema,
  reviewed_by: idSchema.nullable(),
  reviewed_at: z.string().nullable(),
  review_note: z.string().nullable(),
});
export type Timesheet = z.infer<typeof timesheetSchema>;
