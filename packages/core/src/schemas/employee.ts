import { z } from "zod";
import { amountSchema, emailSchema, idSchema, isoDateSchema, nameSchema, storedFields } from "./common.js";

const name = nameSchema(2, 200);
const email = emailSchema;
const skills = z.array(nameSchema(1, 100)).max(200);

/** Input of `createEmployee`. `salary` is annual. */
export const employeeCreateSchema = z.object({
  name,
  email: email.nullish(),
  department_id: idSchema,
  salary: amountSchema.positive(),
  revenue_generated: amountSchema.min(0).default(0),
  hire_date: isoDateSchema.nullish(),
  skills: skills.default([]),
  is_active: z.boolean().default(true),
});
export type EmployeeCreate = z.input<typeof employeeCreateSchema>;

/** Input of `updateEmployee`: any subset of the create fields. */
export const employeeUpdateSchema = z.object({
  name: name.optional(),
  email: email.nullish(),
  department_id: idSchema.optional(),
  salary: amountSchema.positive().optional(),
  revenue_generated: amountSchema.min(0).optional(),
  hire_date: isoDateSchema.nullish(),
  skills: skills.optional(),
  is_active: z.boolean().optional(),
});
export type EmployeeUpdate = z.input<typeof employeeUpdateSchema>;

/** A stored employee. */
export const employeeSchema = z.object({
  ...storedFields,
  name: z.string(),
  email: z.string().nullable(),
  department_id: idSchema,
  salary: z.number(),
  revenue_generated: z.number(),
  hire_date: z.string().nullable(),
  skills: z.array(z.string()),
  is_active: z.boolean(),
});
export type Employee = z.infer<typeof employeeSchema>;
