import { z } from "zod";
import { isWholeHundredths } from "../validation/exact-units.js";
import { amountSchema, idSchema, isoDateSchema, storedFields } from "./common.js";
import { dateOrderRefinement } from "./dates.js";

// Hundredths of a percent at most (2 decimals), so that the 100 % rule sums exactly.
const percentage = z
  .number()
  .min(0)
  .max(100)
  .refine(isWholeHundredths, "Allocation percentages are counted in hundredths of a percent; use at most 2 decimals (e.g. 33.33).");

/** Input of `createAllocation`: an employee's share of time on a project over a period. */
export const allocationCreateSchema = z
  .object({
    employee_id: idSchema,
    project_id: idSchema,
    allocation_percentage: percentage,
    allocated_hours: amountSchema.min(0).default(0),
    start_date: isoDateSchema,
    end_date: isoDateSchema,
  })
  .refine(dateOrderRefinement.check, dateOrderRefinement.message);
export type AllocationCreate = z.input<typeof allocationCreateSchema>;

/** Input of `updateAllocation`. */
export const allocationUpdateSchema = z
  .object({
    employee_id: idSchema.optional(),
    project_id: idSchema.optional(),
    allocation_percentage: percentage.optional(),
    allocated_hours: amountSchema.min(0).optional(),
    start_date: isoDateSchema.optional(),
    end_date: isoDateSchema.optional(),
  })
  .refine(dateOrderRefinement.check, dateOrderRefinement.message);
export type AllocationUpdate = z.input<typeof allocationUpdateSchema>;

/** A stored allocation. */
export const allocationSchema = z.object({
  ...storedFields,
  employee_id: idSchema,
  project_id: idSchema,
  allocation_percentage: z.number(),
  allocated_hours: z.number(),
  start_date: z.string(),
  end_date: z.string(),
});
export type Allocation = z.infer<typeof allocationSchema>;
