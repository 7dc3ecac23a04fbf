import type { Allocation, AuditEntry, Department, Employee, Project, Role, Tenant, Timesheet, UserRecord } from "@epca/core";
import type { RefreshTokenRecord } from "@epca/core";
import {
  fromJson,
  toDateString,
  toIsoString,
  toNullableDateString,
  toNullableIsoString,
  toNullableNumber,
  toNullableString,
  toNumber,
} from "../values.js";

type Row = Record<string, unknown>;

/** Row → core record shapes: dates as `YYYY-MM-DD`, timestamps as ISO strings, ids as numbers. */
export const mapRow = {
  tenant: (r: Row): Tenant => ({
    id: String(r.id),
    name: String(r.name),
    subdomain: String(r.subdomain),
    plan: r.plan as Tenant["plan"],
    is_active: Boolean(r.is_active),
    limits: fromJson<Tenant["limits"]>(r.limits),
    created_at: toIsoString(r.created_at),
  }),

  department: (r: Row): Department => ({
    id: toNumber(r.id),
    name: String(r.name),
    budget: toNumber(r.budget),
    description: toNullableString(r.description),
    created_at: toIsoString(r.created_at),
    updated_at: toIsoString(r.updated_at),
  }),

  employee: (r: Row): Employee => ({
    id: toNumber(r.id),
    name: String(r.name),
    email: toNullableString(r.email),
    department_id: toNumber(r.department_id),
    salary: toNumber(r.salary),
    revenue_generated: toNumber(r.revenue_generated),
    hire_date: toNullableDateString(r.hire_date),
    skills: (r.skills as string[] | null) ?? [],
    is_active: Boolean(r.is_active),
    created_at: toIsoString(r.created_at),
    updated_at: toIsoString(r.updated_at),
  }),

  project: (r: Row): Project => ({
    id: toNumber(r.id),
    name: String(r.name),
    department_id: toNumber(r.department_id),
    cost: toNumber(r.cost),
    revenue: toNumber(r.revenue),
    status: r.status as Project["status"],
    completion_percentage: toNumber(r.completion_percentage),
    start_date: toNullableDateString(r.start_date),
    end_date: toNullableDateString(r.end_date),
    estimated_end_date: toNullableDateString(r.estimated_end_date),
    description: toNullableString(r.description),
    created_at: toIsoString(r.created_at),
    updated_at: toIsoString(r.updated_at),
  }),

  timesheet: (r: Row): Timesheet => ({
    id: toNumber(r.id),
    employee_id: toNumber(r.employee_id),
    project_id: toNumber(r.project_id),
    hours_worked: toNumber(r.hours_worked),
    date: toDateString(r.date),
    description: toNullableString(r.description),
    status: r.status as Timesheet["status"],
    reviewed_by: toNullableNumber(r.reviewed_by),
    reviewed_at: toNullableIsoString(r.reviewed_at),
    review_note: toNullableString(r.review_note),
    created_at: toIsoString(r.created_at),
    updated_at: toIsoString(r.updated_at),
  }),

  allocation: (r: Row): Allocation => ({
    id: toNumber(r.id),
    employee_id: toNumber(r.employee_id),
    project_id: toNumber(r.project_id),
    allocation_percentage: toNumber(r.allocation_percentage),
    allocated_hours: toNumber(r.allocated_hours),
    start_date: toDateString(r.start_date),
    end_date: toDateString(r.end_date),
    created_at: toIsoString(r.created_at),
    updated_at: toIsoString(r.updated_at),
  }),

  user: (r: Row): UserRecord => ({
    id: toNumber(r.id),
    email: String(r.email),
    full_name: String(r.full_name),
    role: r.role as UserRecord["role"],
    is_active: Boolean(r.is_active),
    department_id: toNullableNumber(r.department_id),
    employee_id: toNullableNumber(r.employee_id),
    created_at: toIsoString(r.created_at),
    updated_at: toIsoString(r.updated_at),
    password_hash: String(r.password_hash),
    role_ids: ((r.role_ids as unknown[] | null | undefined) ?? []).map(toNumber),
  }),

  role: (r: Row): Role => ({
    id: toNumber(r.id),
    name: String(r.name),
    description: toNullableString(r.description),
    permissions: fromJson<Role["permissions"]>(r.permissions),
    is_system: false,
    created_at: toIsoString(r.created_at),
    updated_at: toIsoString(r.updated_at),
  }),

  refreshToken: (r: Row): RefreshTokenRecord => ({
    id: toNumber(r.id),
    family_id: String(r.family_id),
    token_hash: String(r.token_hash),
    user_id: toNumber(r.user_id),
    expires_at: toIsoString(r.expires_at),
    used_at: toNullableIsoString(r.used_at),
    revoked_at: toNullableIsoString(r.revoked_at),
    created_at: toIsoString(r.created_at),
    replayed_at: toNullableIsoString(r.replayed_at),
    successor_hash: r.successor_hash == null ? null : String(r.successor_hash),
  }),

  audit: (r: Row): AuditEntry => ({
    id: toNumber(r.id),
    user_id: toNullableNumber(r.user_id),
    action: String(r.action),
    resource_type: String(r.resource_type),
    resource_id: toNullableString(r.resource_id),
    changes: fromJson<AuditEntry["changes"]>(r.changes),
    ip_address: toNullableString(r.ip_address),
    user_agent: toNullableString(r.user_agent),
    request_id: toNullableString(r.request_id),
    created_at: toIsoString(r.created_at),
  }),
};
