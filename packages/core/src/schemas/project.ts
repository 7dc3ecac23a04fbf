import { z } from "zod";
import { amountSchema, idSchema, isoDateSchema, nameSchema, storedFields, textSchema } from "./common.js";
import { dateOrderRefinement } from "./dates.js";

/** Lifecycle of a project. Timesheets cannot be logged on `completed` or `cancelled` ones. */
export const projectStatusSchema = z.enum(["planned", "in_progress", "completed", "on_hold", "cancelled"]);
export type ProjectStatus = z.infer<typeof projectStatusSchema>;

const name = nameSchema(2, 200);
const description = textSchema(2000);
const completion = z.number().min(0).max(100);


/** Input of `createProject`. */
export const projectCreateSchema = z
  .object({
    name,
    department_id: idSchema,
    cost: amountSchema.min(0).default(0),
    revenue: amountSchema.min(0).default(0),
    status: projectStatusSchema.default("planned"),
    completion_percentage: completion.default(0),
    start_date: isoDateSchema.nullish(),
    end_date: isoDateSchema.nullish(),
    estimated_end_date: isoDateSchema.nullish(),
    description: description.nullish(),
  })
  .refine(dateOrderRefinement.check, dateOrderRefinement.message);
export type ProjectCreate = z.input<typeof projectCreateSchema>;

/** Input of `updateProject`: any subset of the create fields. */
export const projectUpdateSchema = z
  .object({
    name: name.optional(),
    department_id: idSchema.optional(),
    cost: amountSchema.min(0).optional(),
    revenue: amountSchema.min(0).optional(),
    status: projectStatusSchema.optional(),
    completion_percentage: completion.optional(),
    start_date: isoDateSchema.nullish(),
    end_date: isoDateSchema.nullish(),
    estimated_end_date: isoDateSchema.nullish(),
    description: description.nullish(),
  })
  .refine(dateOrderRefinement.check, dateOrderRefinement.message);
export type ProjectUpdate = z.input<typeof projectUpdateSchema>;

/** A stored project. */
export const projectSchema = z.object({
  ...storedFields,
  name: z.string(),
  department_id: idSchema,
  cost: z.number(),
  revenue: z.number(),
  status: projectStatusSchema,
  completion_percentage: z.number(),
  start_date: z.string().nullable(),
  end_date: z.string().nullable(),
  estimated_end_date: z.string().nullable(),
  description: z.string().nullable(),
});
export type Project = z.infer<typeof projectSchema>;
