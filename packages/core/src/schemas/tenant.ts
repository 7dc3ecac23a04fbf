import { z } from "zod";
import { emailSchema, nameSchema, tenantIdSchema } from "./common.js";

export const tenantPlanSchema = z.enum(["starter", "professional", "enterprise"]);
export type TenantPlan = z.infer<typeof tenantPlanSchema>;

/** Plan limits of seed-003. */
export const tenantLimitsSchema = z.object({
  max_users: z.number().int().min(0),
  max_projects: z.number().int().min(0),
  max_storage_gb: z.number().min(0),
  ml_training_hours: z.number().min(0),
});
export type TenantLimits = z.infer<typeof tenantLimitsSchema>;

/** Limits each plan starts with (seed-003's defaults for `starter`, scaled up for the others). */
export const PLAN_LIMITS: Readonly<Record<TenantPlan, TenantLimits>> = {
  starter: { max_users: 10, max_projects: 50, max_storage_gb: 10, ml_training_hours: 10 },
  professional: { max_users: 100, max_projects: 500, max_storage_gb: 100, ml_training_hours: 100 },
  enterprise: { max_users: 10_000, max_projects: 50_000, max_storage_gb: 1_000, ml_training_hours: 1_000 },
};

const subdomain = z
  .string()
  .min(2)
  .max(63)
  .regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, "a DNS label: lower-case letters, digits and '-'");

/** Input of `POST /tenants`. */
export const tenantCreateSchema = z.object({
  name: nameSchema(2, 200),
  subdomain,
  plan: tenantPlanSchema.default("starter"),
  admin_email: emailSchema,
  admin_password: z.string().min(8).max(128),
});
export type TenantCreate = z.input<typeof tenantCreateSchema>;

/** Input of `PATCH /tenants/{id}`. */
export const tenantUpdateSchema = z.object({
  is_active: z.boolean().optional(),
  plan: tenantPlanSchema.optional(),
  limits: tenantLimitsSchema.partial().optional(),
});
export type TenantUpdate = z.input<typeof tenantUpdateSchema>;

/** A stored tenant. */
export const tenantSchema = z.object({
  id: tenantIdSchema,
  name: z.string(),
  subdomain: z.string(),
  plan: tenantPlanSchema,
  is_active: z.boolean(),
  limits: tenantLimitsSchema,
  created_at: z.iso.datetime(),
});
export type Tenant = z.infer<typeof tenantSchema>;

/** Fields a repository stores on tenant creation. */
export interface TenantInsert {
  id: string;
  name: string;
  subdomain: string;
  plan: TenantPlan;
  is_active: boolean;
  limits: TenantLimits;
}

/** Bytes in one GB of `max_storage_gb` (a GiB: 2^30). */
export const BYTES_PER_GB = 1024 ** 3;

/** One day of usage as `GET /tenants/{id}/usage` lists it. */
export const usageDaySchema = z.object({
  date: z.iso.date(),
  api_calls: z.number().int(),
  predictions: z.number().int(),
  active_users: z.number().int(),
  storage_bytes: z.number().int(),
  ml_training_seconds: z.number(),
});

/** `GET /tenants/{id}/usage`: what the tenant holds now against its limits, and its daily counters. */
export const tenantUsageSchema = z.object({
  tenant_id: tenantIdSchema,
  plan: tenantPlanSchema,
  limits: tenantLimitsSchema,
  current: z.object({
    users: z.number().int(),
    projects: z.number().int(),
    storage_bytes: z.number().int(),
    storage_gb: z.number(),
    /** Training time used in the current calendar month (UTC), the period `ml_training_hours` limits. */
    ml_training_hours_this_month: z.number(),
  }),
  from: z.iso.date(),
  to: z.iso.date(),
  days: z.array(usageDaySchema),
});
export type TenantUsage = z.infer<typeof tenantUsageSchema>;
