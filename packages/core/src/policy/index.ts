export { systemActor, type Actor, type RequestMetadata } from "./actor.js";
export {
  BUILT_IN_ROLE_DESCRIPTIONS,
  BUILT_IN_ROLES,
  builtInRoles,
  isBuiltInRoleName,
  type BuiltInRole,
} from "./built-in-roles.js";
export {
  ACTION_SYNONYMS,
  ACTIONS,
  canonicalAction,
  grantsAction,
  grantsResource,
  normalizePermission,
  RESOURCES,
  SELF_RESOURCE,
  WILDCARD,
  type Action,
  type KnownAction,
  type KnownResource,
  type ReadonlyPermission,
  type Resource,
} from "./permissions.js";
export { actorPermissions, authorize, authorizeSomewhere, can, canSomewhere, grantedScopes, type PolicyTarget } from "./policy.js";
export {
  canSeePay,
  EMPLOYEE_ANALYTICS_PAY_FIELDS,
  EMPLOYEE_PAY_FIELDS,
  employeeAnalyticsForViewer,
  employeeForViewer,
  employeeRankingForViewer,
  SERIES_PAY_FIELDS,
  seriesPointForViewer,
  type PayOwner,
} from "./pay.js";
