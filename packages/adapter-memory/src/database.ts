import type {
  Allocation,
  AuditEntry,
  Department,
  Employee,
  Project,
  RefreshTokenRecord,
  Role,
  Timesheet,
  UserRecord,
} from "@epca/core";
import { TenantTable } from "./table.js";

/** Every tenant-scoped table of one memory store. */
export interface MemoryDatabase {
  readonly departments: TenantTable<Department>;
  readonly employees: TenantTable<Employee>;
  readonly projects: TenantTable<Project>;
  readonly timesheets: TenantTable<Timesheet>;
  readonly allocations: TenantTable<Allocation>;
  /** Users with their custom role grants in `role_ids`. */
  readonly users: TenantTable<UserRecord>;
  readonly roles: TenantTable<Role>;
  readonly refreshTokens: TenantTable<RefreshTokenRecord>;
  readonly audit: TenantTable<AuditEntry>;
}

/** Empty tables, each with its own id sequence. */
export function createDatabase(): MemoryDatabase {
  return {
    departments: new TenantTable(),
    employees: new TenantTable(),
    projects: new TenantTable(),
    timesheets: new TenantTable(),
    allocations: new TenantTable(),
    users: new TenantTable(),
    roles: new TenantTable(),
    refreshTokens: new TenantTable(),
    audit: new TenantTable(),
  };
}
