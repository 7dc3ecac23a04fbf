import { z } from "zod";
import { amountSchema, nameSchema, storedFields, textSchema } from "./common.js";

const name = nameSchema(2, 100);
const description = textSchema(2000);

/** Input of `createDepartment`: name unique per tenant. */
export const departmentCreateSchema = z.object({
  name,
  budget: amountSchema.min(0).default(0),
  description: description.nullish(),
});
export type DepartmentCreate = z.input<typeof departmentCreateSchema>;

/** Input of `updateDepartment`: any subset of the create fields. */
export const departmentUpdateSchema = z.object({
  name: name.optional(),
  budget: amountSchema.min(0).optional(),
  description: description.nullish(),
});
export type DepartmentUpdate = z.input<typeof departmentUpdateSchema>;

/** A stored department. */
export const departmentSchema = z.object({
  ...storedFields,
  name: z.string(),
  budget: z.number(),
  description: z.string().nullable(),
});
export type Department = z.infer<typeof departmentSchema>;
