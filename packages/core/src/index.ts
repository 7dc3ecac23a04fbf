/**
 * @epca/core — the pure domain of EPCA: zod schemas, analytics formulas, policy, validation,
 * ports and use cases. Depends on zod alone and runs in browsers.
 *
 * @packageDocumentation
 */
export {
  ConflictError,
  EpcaError,
  ForbiddenError,
  isEpcaError,
  LimitExceededError,
  NotFoundError,
  UnauthenticatedError,
  ValidationError,
  type EpcaErrorCode,
  type IssuePath,
  type ValidationIssue,
} from "./errors.js";

// Schemas
export {
  amountSchema,
  DEFAULT_TENANT_ID,
  emailSchema,
  idSchema,
  isoDateSchema,
  nameSchema,
  pageSchema,
  tenantIdSchema,
  textSchema,
  type DateRange,
  type Page,
  type PageResult,
  type TenantId,
} from "./schemas/common.js";
export {
  departmentCreateSchema,
  departmentSchema,
  departmentUpdateSchema,
  type Department,
  type DepartmentCreate,
  type DepartmentUpdate,
} from "./schemas/department.js";
export {
  employeeCreateSchema,
  employeeSchema,
  employeeUpdateSchema,
  type Employee,
  type EmployeeCreate,
  type EmployeeUpdate,
} from "./schemas/employee.js";
export {
  projectCreateSchema,
  projectSchema,
  projectStatusSchema,
  projectUpdateSchema,
  type Project,
  type ProjectCreate,
  type ProjectStatus,
  type ProjectUpdate,
} from "./schemas/project.js";
export {
  timesheetCreateSchema,
  timesheetReviewSchema,
  timesheetSchema,
  timesheetStatusSchema,
  timesheetUpdateSchema,
  type Timesheet,
  type TimesheetCreate,
  type TimesheetReview,
  type TimesheetStatus,
  type TimesheetUpdate,
} from "./schemas/timesheet.js";
export {
  allocationCreateSchema,
  allocationSchema,
  allocationUpdateSchema,
  type Allocation,
  type AllocationCreate,
  type AllocationUpdate,
} from "./schemas/allocation.js";
export {
  builtInRoleNameSchema,
  passwordSchema,
  toPublicUser,
  userCreateSchema,
  userSchema,
  userUpdateSchema,
  type BuiltInRoleName,
  type User,
  type UserCreate,
  type UserInsert,
  type UserPatch,
  type UserRecord,
  type UserUpdate,
} from "./schemas/user.js";
export {
  permissionSchema,
  roleCreateSchema,
  roleSchema,
  roleUpdateSchema,
  type Permission,
  type PermissionScope,
  type Role,
  type RoleCreate,
  type RoleUpdate,
} from "./schemas/role.js";
export {
  PLAN_LIMITS,
  tenantCreateSchema,
  tenantLimitsSchema,
  tenantPlanSchema,
  tenantSchema,
  tenantUpdateSchema,
  type Tenant,
  type TenantCreate,
  type TenantInsert,
  type TenantLimits,
  type TenantPlan,
  type TenantUpdate,
} from "./schemas/tenant.js";
export { auditEntrySchema, type AuditEntry, type AuditEntryInsert, type AuditFilter } from "./schemas/audit.js";
export { employeeRankingMetricSchema, projectRankingMetricSchema, rankingLimitSchema } from "./schemas/ranking.js";

// Formulas
export {
  aggregateCompany,
  aggregateDepartment,
  aggregateEmployee,
  aggregateProject,
  buildAnalyticsIndex,
  companyAnalytics,
  compareRanked,
  DEFAULT_STANDARD_ANNUAL_HOURS,
  departmentAnalytics,
  employeeAnalytics,
  employeeMetricValue,
  hourlyCost,
  isCountedTimesheet,
  projectAnalytics,
  projectLabourCost,
  projectMetricValue,
  rankEmployees,
  rankProjects,
  ratio,
  topValues,
  type AnalyticsIndex,
  type AnalyticsRecords,
  type CompanyAnalytics,
  type DepartmentAnalytics,
  type EmployeeAnalytics,
  type EmployeeRanking,
  type MetricOptions,
  type ProjectAnalytics,
  type ProjectRanking,
} from "./metrics/index.js";

// Policy
export {
  ACTIONS,
  actorPermissions,
  authorize,
  BUILT_IN_ROLE_DESCRIPTIONS,
  BUILT_IN_ROLES,
  builtInRoles,
  can,
  canSomewhere,
  grantedScopes,
  isBuiltInRoleName,
  RESOURCES,
  systemActor,
  WILDCARD,
  type Action,
  type Actor,
  type BuiltInRole,
  type KnownAction,
  type KnownResource,
  type PolicyTarget,
  type ReadonlyPermission,
  type RequestMetadata,
  type Resource,
} from "./policy/index.js";

// Validation
export {
  fromHundredths,
  HUNDREDTHS,
  isTimesheetLocked,
  isWholeHundredths,
  MAX_ALLOCATION_PERCENTAGE,
  MAX_DAILY_HOURS,
  nextTimesheetStatus,
  timesheetLockIssue,
  toHundredths,
  validateAllocation,
  validateTimesheetEntry,
  type AllocationPeriod,
  type TimesheetRuleContext,
  type TimesheetTransition,
} from "./validation/index.js";

// Ports
export {
  fixedClock,
  systemClock,
  type AllocationFilter,
  type AllocationInsert,
  type AllocationRepository,
  type AnalyticsStore,
  type AuditLog,
  type Clock,
  type CompanyAggregate,
  type DepartmentAggregate,
  type DepartmentFilter,
  type DepartmentInsert,
  type DepartmentRepository,
  type EmployeeAggregate,
  type EmployeeFilter,
  type EmployeeInsert,
  type EmployeeRankingMetric,
  type EmployeeRepository,
  type EntityRepository,
  type EpcaStore,
  type PasswordHasher,
  type ProjectAggregate,
  type ProjectFilter,
  type ProjectInsert,
  type ProjectRankingMetric,
  type ProjectRepository,
  type RefreshTokenConsumption,
  type RefreshTokenRecord,
  type RefreshTokenRepository,
  type RoleInsert,
  type RoleRepository,
  type TenantRepository,
  type TenantScope,
  type TimesheetFilter,
  type TimesheetInsert,
  type TimesheetRepository,
  type UnitOfWork,
  type UserFilter,
  type UserRepository,
} from "./ports/index.js";

// Use cases
export { createEpca } from "./use-cases/create-epca.js";
export { definedOnly } from "./use-cases/context.js";
export type {
  AnalyticsUseCases,
  CrudUseCases,
  DepartmentUseCases,
  Epca,
  EpcaDependencies,
  PageInput,
  RoleUseCases,
  TimesheetUseCases,
  UserUseCases,
} from "./use-cases/types.js";
