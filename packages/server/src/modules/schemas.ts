import {
  allocationCreateSchema,
  loginCredentialsSchema,
  companyAnalyticsSchema,
  departmentAnalyticsSchema,
  employeeAnalyticsSchema,
  employeeRankingSchema,
  projectAnalyticsSchema,
  projectRankingSchema,
  allocationSchema,
  allocationUpdateSchema,
  departmentCreateSchema,
  departmentSchema,
  departmentUpdateSchema,
  employeeCreateSchema,
  employeeSchema,
  employeeUpdateSchema,
  projectCreateSchema,
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
import { named } from "../http/openapi.js";

/**
 * Core's zod schemas under their OpenAPI component names. `.openapi(name)` only adds metadata:
 * the routes parse with exactly these schemas, and the document shows exactly these schemas.
 */
export const schemas = {
  Department: named(departmentSchema, "Department"),
  DepartmentCreate: named(departmentCreateSchema, "DepartmentCreate"),
  DepartmentUpdate: named(departmentUpdateSchema, "DepartmentUpdate"),
  // `salary` is pay: left out for who may not see it (docs/privacy.md), hence optional here.
  Employee: named(employeeSchema.extend({ salary: employeeSchema.shape.salary.optional().describe("Annual salary; left out unless the caller may see this person's pay.") }), "Employee"),
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

/** `POST /auth/login` body (OAuth2 password flow; form-encoded or JSON). */
/** `POST /auth/login` body: core's credential rules (no control characters in the username). */
export const loginSchema = named(loginCredentialsSchema, "LoginRequest");

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

/** Core's analytics answers under their component names. */
export const analyticsSchemas = {
  CompanyAnalytics: named(companyAnalyticsSchema, "CompanyAnalytics"),
  DepartmentAnalytics: named(departmentAnalyticsSchema, "DepartmentAnalytics"),
  EmployeeAnalytics: named(employeeAnalyticsSchema, "EmployeeAnalytics"),
  ProjectAnalytics: named(projectAnalyticsSchema, "ProjectAnalytics"),
  EmployeeRanking: named(employeeRankingSchema, "EmployeeRanking"),
  ProjectRanking: named(projectRankingSchema, "ProjectRanking"),
} as const;

export const healthSchema = z
  .object({
    status: z.enum(["healthy", "unhealthy"]),
    version: z.string(),
    uptime_seconds: z.number(),
    checks: z.object({
      database: z.object({ status: z.enum(["healthy", "unhealthy", "skipped"]), latency_ms: z.number().nullable() }),
      database_replica: z
        .object({ status: z.enum(["healthy", "degraded"]), latency_ms: z.number().nullable() })
        .optional()
        .describe("The read replica (`DATABASE_READ_URL`), when configured: `degraded` while it does not answer and the primary serves its reads."),
    }),
  })
  .openapi("Health");

export const messageSchema = z.object({ detail: z.string() }).openapi("Message");

