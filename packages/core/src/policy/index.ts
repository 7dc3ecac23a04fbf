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
