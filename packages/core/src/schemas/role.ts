import { z } from "zod";
import { idSchema, nameSchema, textSchema } from "./common.js";

/**
 * One grant of the seed-003 permission model: `actions` on `resource`, `"*"` standing for any.
 * `scope` narrows it: `department` to records of the actor's department, `own` to the actor's
 * own records (their timesheets, their user). It defaults to `all`.
 */
export const permissionSchema = z.object({
  resource: nameSchema(1, 50),
  actions: z.array(nameSchema(1, 50)).min(1),
  scope: z.enum(["all", "department", "own"]).optional(),
});
export type Permission = z.infer<typeof permissionSchema>;
export type PermissionScope = NonNullable<Permission["scope"]>;

/** Input of `createRole`: a custom role of one tenant. */
export const roleCreateSchema = z.object({
  name: z
    .string()
    .trim()
    .min(2)
    .max(50)
    .regex(/^[a-z0-9_]+$/, "lower-case letters, digits and '_'"),
  description: textSchema(500).nullish(),
  permissions: z.array(permissionSchema).max(100),
});
export type RoleCreate = z.input<typeof roleCreateSchema>;
export const roleUpdateSchema = roleCreateSchema.partial();
export type RoleUpdate = z.input<typeof roleUpdateSchema>;

/** A role: built-in (read-only, negative ids are never used) or custom. */
export const roleSchema = z.object({
  id: idSchema,
  name: z.string(),
  description: z.string().nullable(),
  permissions: z.array(permissionSchema),
  is_system: z.boolean(),
  created_at: z.iso.datetime(),
  updated_at: z.iso.datetime(),
});
export type Role = z.infer<typeof roleSchema>;

