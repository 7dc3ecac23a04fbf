import { extendZodWithOpenApi } from "@asteasolutions/zod-to-openapi";
import {
  type CompanyAnalytics,
  type DepartmentAnalytics,
  type EmployeeAnalytics,
  type EmployeeRanking,
  type ProjectAnalytics,
  type ProjectRanking,
  allocationCreateSchema,
  allocationSchema,
  allocationUpdateSchema,
  departmentCreateSchema,
  departmentSchema,
  departmentUpdateSchema,
  employeeCreateSchema,
  employeeRankingMetricSchema,
  employeeSchema,
  employeeUpdateSchema,
  projectCreateSchema,
  projectRankingMetricSchema,
  projectSchema,
  projectUpdateSchema,
  timesheetCreateSchema,
  timesheetReviewSchema,
  timesheetSchema,
  timesheetUpdateSchema,
  userCreateSchema,
  userSchema,
  userUpdateSchema,
  projectStatusSchema,
  timesheetStatusSchema,
} from "@epca/core";
import { z } from "zod";

extendZodWithOpenApi(z);

/**
 * `schema` under an OpenAPI component name. Core's schemas were built before the extension above
 * ran (ESM evaluates imports first), so they lack the `.openapi` method; calling the installed
 * prototype method on them does the same thing: a copy that parses identically, plus metadata.
 */
function named<T extends z.ZodType>(schema: T, refId: string): T {
  const openapi = (z.ZodType.prototype as unknown as { openapi: (this: T, refId: string) => T }).openapi;
  return openapi.call(schema, refId);
}

/**
 * Core's zod schemas under their OpenAPI component names. `.openapi(name)` only adds metadata:
 * the routes parse with exactly these schemas, and the document shows exactly these schemas.
 */
export const schemas = {
  Department: named(departmentSchema, "Department"),
  DepartmentCreate: named(departmentCreateSchema, "DepartmentCreate"),
  DepartmentUpdate: named(departmentUpdateSchema, "DepartmentUpdate"),
  Employee: named(employeeSchema, "Employee"),
  EmployeeCreate: named(employeeCreateSchema, "EmployeeCreate"),
  EmployeeUpdate: named(employeeUpdateSchema, "EmployeeUpdate"),
  Project: named(projectSchema, "Project"),
  ProjectCreate: named(projectCreateSchema, "ProjectCreate"),
  ProjectUpdate: named(projectUpdateSchema, "ProjectUpdate"),
  ProjectStatus: projectStatusSchema,
  Timesheet: named(timesheetSchema, "Timesheet"),
  TimesheetCreate: named(timesheetCreateSchema, "TimesheetCreate"),
  TimesheetUpdate: named(timesheetUpdateSchema, "TimesheetUpdate"),
  TimesheetReview: named(timesheetReviewSchema, "TimesheetReview"),
  TimesheetStatus: timesheetStatusSchema,
  Allocation: named(allocationSchema, "Allocation"),
  AllocationCreate: named(allocationCreateSchema, "AllocationCreate"),
  AllocationUpdate: named(allocationUpdateSchema, "AllocationUpdate"),
  User: named(userSchema, "User"),
  UserCreate: named(userCreateSchema, "UserCreate"),
  UserUpdate: named(userUpdateSchema, "UserUpdate"),
} as const;

/** FastAPI's error body. */
export const errorSchema = z
  .object({
    detail: z.union([
      z.string(),
      z.array(z.object({ loc: z.array(z.union([z.string(), z.number()])), msg: z.string(), type: z.string() })),
    ]),
  })
  .openapi("HTTPError");

/** `POST /auth/login` body (OAuth2 password flow; form-encoded or JSON). */
export const loginSchema = z
  .object({
    username: z.string().min(1).max(254).openapi({ description: "The user's email" }),
    password: z.string().min(1).max(128),
  })
  .openapi("LoginRequest");

/** `POST /auth/refresh` and the optional body of `POST /auth/logout`. */
export const refreshSchema = z.object({ refresh_token: z.string().min(1).max(4096) }).openapi("RefreshRequest");

/** `POST /auth/register` body: a user; `role` other than `read_only` needs an admin token. */
export const registerSchema = z
  .object({
    email: userCreateSchema.shape.email,
    password: userCreateSchema.shape.password,
    full_name: userCreateSchema.shape.full_name,
    role: userCreateSchema.shape.role,
  })
  .openapi("RegisterRequest");

/** The token pair. */
export const tokenSchema = z
  .object({
    access_token: z.string(),
    refresh_token: z.string(),
    token_type: z.literal("bearer"),
    expires_in: z.number().int(),
  })
  .openapi("Token");

const ratio = z.number().nullable();

export const companyAnalyticsSchema = z
  .object({
    department_count: z.number().int(),
    employee_count: z.number().int(),
    project_count: z.number().int(),
    total_revenue: z.number(),
    total_cost: z.number(),
    profit: z.number(),
    roi: ratio,
    productivity_index: ratio,
    total_hours: z.number(),
  })
  .openapi("CompanyAnalytics");

export const departmentAnalyticsSchema = z
  .object({
    department_id: z.number().int(),
    name: z.string(),
    budget: z.number(),
    employee_count: z.number().int(),
    project_count: z.number().int(),
    total_revenue: z.number(),
    total_cost: z.number(),
    profit: z.number(),
    roi: ratio,
    total_hours: z.number(),
    productivity_index: ratio,
    budget_utilization: ratio,
  })
  .openapi("DepartmentAnalytics");

export const employeeAnalyticsSchema = z
  .object({
    employee_id: z.number().int(),
    name: z.string(),
    department_id: z.number().int(),
    revenue: z.number(),
    cost: z.number(),
    profit: z.number(),
    roi: ratio,
    total_hours: z.number(),
    productivity_index: ratio,
    hourly_cost: ratio,
  })
  .openapi("EmployeeAnalytics");

export const projectAnalyticsSchema = z
  .object({
    project_id: z.number().int(),
    name: z.string(),
    department_id: z.number().int(),
    status: projectStatusSchema,
    completion_percentage: z.number(),
    revenue: z.number(),
    direct_cost: z.number(),
    labour_cost: z.number(),
    total_cost: z.number(),
    profit: z.number(),
    roi: ratio,
    total_hours: z.number(),
    productivity_index: ratio,
  })
  .openapi("ProjectAnalytics");

export const employeeRankingSchema = employeeAnalyticsSchema
  .extend({ rank: z.number().int(), metric: employeeRankingMetricSchema, value: z.number() })
  .openapi("EmployeeRanking");
export const projectRankingSchema = projectAnalyticsSchema
  .extend({ rank: z.number().int(), metric: projectRankingMetricSchema, value: z.number() })
  .openapi("ProjectRanking");

export const healthSchema = z
  .object({
    status: z.enum(["healthy", "unhealthy"]),
    version: z.string(),
    uptime_seconds: z.number(),
    checks: z.object({
      database: z.object({ status: z.enum(["healthy", "unhealthy", "skipped"]), latency_ms: z.number().nullable() }),
    }),
  })
  .openapi("Health");

export const messageSchema = z.object({ detail: z.string() }).openapi("Message");

// The documented answers are core's figures exactly: this stops compiling when the two drift apart.
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const analyticsSchemasMatchCore: [
  Exactly<z.infer<typeof companyAnalyticsSchema>, CompanyAnalytics>,
  Exactly<z.infer<typeof departmentAnalyticsSchema>, DepartmentAnalytics>,
  Exactly<z.infer<typeof employeeAnalyticsSchema>, EmployeeAnalytics>,
  Exactly<z.infer<typeof projectAnalyticsSchema>, ProjectAnalytics>,
  Exactly<z.infer<typeof employeeRankingSchema>, EmployeeRanking>,
  Exactly<z.infer<typeof projectRankingSchema>, ProjectRanking>,
] = [true, true, true, true, true, true];
void analyticsSchemasMatchCore;
