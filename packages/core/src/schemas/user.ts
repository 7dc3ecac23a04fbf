import { z } from "zod";
import { emailSchema, idSchema, nameSchema } from "./common.js";

/** The four documented roles; custom roles add to them (see policy/). */
export const builtInRoleNameSchema = z.enum(["admin", "department_head", "analyst", "read_only"]);
export type BuiltInRoleName = z.infer<typeof builtInRoleNameSchema>;

const email = emailSchema;
const fullName = nameSchema(1, 200);
/** Passwords: at least 8 characters (and at most 128, so hashing stays bounded). */
export const passwordSchema = z.string().min(8).max(128);

/**
 * Credentials of a login (OAuth2 password flow: `username` is the email). The username is one line
 * without control characters, like every name: a U+0000 would otherwise reach the store's lookup,
 * which PostgreSQL cannot hold. The password is only ever hashed, so any character is allowed.
 */
export const loginCredentialsSchema = z.object({
  username: nameSchema(1, 254),
  password: z.string().min(1).max(128),
});
export type LoginCredentials = z.input<typeof loginCredentialsSchema>;

/** Input of `createUser`; the password is hashed through the `PasswordHasher` port. */
export const userCreateSchema = z.object({
  email,
  password: passwordSchema,
  full_name: fullName,
  role: builtInRoleNameSchema.default("read_only"),
  is_active: z.boolean().default(true),
  department_id: idSchema.nullish(),
  employee_id: idSchema.nullish(),
});
export type UserCreate = z.input<typeof userCreateSchema>;

/**
 * Input of `updateUser`. Only an admin may change `role`, `is_active`, `department_id`,
 * `employee_id`. Users changing their own `password` or `email` confirm it with `current_password`.
 */
export const userUpdateSchema = z.object({
  email: email.optional(),
  password: passwordSchema.optional(),
  current_password: z.string().max(128).optional(),
  full_name: fullName.optional(),
  role: builtInRoleNameSchema.optional(),
  is_active: z.boolean().optional(),
  department_id: idSchema.nullish(),
  employee_id: idSchema.nullish(),
});
export type UserUpdate = z.input<typeof userUpdateSchema>;

/** A user as the API shows it: never a password or hash. */
export const userSchema = z.object({
  id: idSchema,
  email: z.string(),
  full_name: z.string(),
  role: builtInRoleNameSchema,
  is_active: z.boolean(),
  department_id: idSchema.nullable(),
  employee_id: idSchema.nullable(),
  created_at: z.iso.datetime(),
});
export type User = z.infer<typeof userSchema>;

/** A user as stored: the public fields plus the password hash and extra role ids. */
export interface UserRecord extends User {
  readonly updated_at: string;
  readonly password_hash: string;
  /** Ids of custom roles granted on top of `role`. */
  readonly role_ids: number[];
}

/** Strips the stored-only fields of a user. */
export function toPublicUser(user: UserRecord): User {
  const { id, email, full_name, role, is_active, department_id, employee_id, created_at } = user;
  return { id, email, full_name, role, is_active, department_id, employee_id, created_at };
}

/** Fields a repository stores on user creation (the hash, never the password). */
export interface UserInsert {
  email: string;
  password_hash: string;
  full_name: string;
  role: BuiltInRoleName;
  is_active: boolean;
  department_id: number | null;
  employee_id: number | null;
}
export type UserPatch = Partial<UserInsert>;
