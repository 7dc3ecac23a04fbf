export type {
  AnalyticsStore,
  AnalyticsSubject,
  CompanyAggregate,
  EmployeeFact,
  CompanyMonth,
  MonthlyBucket,
  PeriodFacts,
  ProjectFact,
  DepartmentAggregate,
  EmployeeAggregate,
  EmployeeRankingMetric,
  ProjectAggregate,
  ProjectRankingMetric,
} from "./analytics-store.js";
export type { AuditLog } from "./audit-log.js";
export { fixedClock, systemClock, type Clock } from "./clock.js";
export type { CounterIncrement, CounterStore, CounterWindow } from "./counters.js";
export type { PasswordHasher } from "./password-hasher.js";
export type {
  AllocationFilter,
  AllocationInsert,
  DepartmentFilter,
  DepartmentInsert,
  EmployeeFilter,
  EmployeeInsert,
  ProjectFilter,
  ProjectInsert,
  TimesheetFilter,
  TimesheetInsert,
  UserFilter,
} from "./records.js";
export type {
  AllocationRepository,
  DepartmentRepository,
  EmployeeRepository,
  EntityRepository,
  ProjectRepository,
  TimesheetRepository,
} from "./repositories.js";
export type { SessionClaims, SessionTokenService, SignedSession } from "./session-tokens.js";
export type { EpcaStore, Prefetch, PrefetchRecord, ReadReplica, StoreCapabilities, TenantScope, TransactionOptions, UnitOfWork } from "./store.js";
export type { TenantPatch, TenantRepository } from "./tenants.js";
export { USAGE_COUNTERS, type TenantUsageStore, type UsageCounter, type UsageDay } from "./usage.js";
export type {
  RefreshTokenConsumption,
  ConsumeOptions,
  RefreshTokenRecord,
  RefreshTokenRepository,
  RoleInsert,
  RoleRepository,
  UserRepository,
} from "./users.js";
