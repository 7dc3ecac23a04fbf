import { z } from "zod";
import { ConfigurationError, ConflictError, ForbiddenError, ValidationError } from "../errors.js";
import type { PasswordHasher } from "../ports/password-hasher.js";
import type { Actor, RequestMetadata } from "../policy/actor.js";
import { authorize, can } from "../policy/policy.js";
import { actorOfUser } from "./actors.js";
import type { UserFilter } from "../ports/records.js";
import type { TenantScope } from "../ports/store.js";
import { idSchema, type TenantId } from "../schemas/common.js";
import {
  toPublicUser,
  userCreateSchema,
  userUpdateSchema,
  type User,
  type UserCreate,
  type UserPatch,
  type UserRecord,
} from "../schemas/user.js";
import { assertRecordId, withoutUndefined, parseInput, parsePage } from "./input.js";
import { found } from "./records.js";
import { inTenant, type UseCaseContext } from "./unit-of-work.js";
import { recordChange } from "./audit-trail.js";
import { enforceUserLimit } from "./plan-limits.js";
import type { UserUseCases } from "./types.js";

const RESOURCE = "user";

/** What account use cases meet when `createEpca` was given `passwordHasher: null`. */
function noPasswords(): ConfigurationError {
  return new ConfigurationError("passwordHasher", "is null: this application keeps no passwords, so it cannot create users with one or check one");
}
/** Fields only an admin may change, on anyone, themselves included. */
const PRIVILEGED_FIELDS = ["role", "is_active", "department_id", "employee_id"] as const;

/** Users: admins manage everyone; a user reads and edits their own profile. */
export function userUseCases(ctx: UseCaseContext): UserUseCases {
  const hasher: PasswordHasher = ctx.passwordHasher ?? {
    hash: () => Promise.reject(noPasswords()),
    verify: () => Promise.reject(noPasswords()),
  };

  // A hash to verify against when the email is unknown, so that both answers cost the same.
  let decoyHash: Promise<string> | undefined;
  function decoy(): Promise<string> {
    decoyHash ??= hasher.hash("decoy-password-never-matches");
    return decoyHash;
  }

  async function confirmCurrentPassword(user: UserRecord, currentPassword: string | undefined): Promise<void> {
    if (currentPassword === undefined) {
      throw new ValidationError([
        { path: ["current_password"], message: "Confirm your current password to change your password or email", code: "required" },
      ]);
    }
    if (!(await hasher.verify(currentPassword, user.password_hash))) {
      throw new ValidationError([{ path: ["current_password"], message: "The current password is not correct", code: "invalid_password" }]);
    }
  }

  async function checkLinks(scope: TenantScope, links: { department_id?: number | null; employee_id?: number | null }) {
    if (links.department_id != null) found(await scope.departments.findById(links.department_id), "department", links.department_id);
    if (links.employee_id != null) found(await scope.employees.findById(links.employee_id), "employee", links.employee_id);
  }

  async function insertUser(scope: TenantScope, source: Pick<Actor, "userId" | "request">, values: z.output<typeof userCreateSchema>): Promise<User> {
    if (await scope.users.findByEmail(values.email)) throw new ConflictError(`A user with email ${values.email} already exists`);
    await checkLinks(scope, values);
    await enforceUserLimit(scope);
    const created = await scope.users.insert({
      email: values.email,
      password_hash: await hasher.hash(values.password),
      full_name: values.full_name,
      role: values.role,
      is_active: values.is_active,
      department_id: values.department_id ?? null,
      employee_id: values.employee_id ?? null,
    });
    const user = toPublicUser(created);
    await recordChange(scope, source, { action: "create", resourceType: RESOURCE, resourceId: user.id, before: null, after: user });
    return user;
  }

  return {
    async list(actor, filter: UserFilter = {}, page) {
      authorize(actor, "read", "users");
      const paging = parsePage(page);
      return inTenant(ctx, actor, async (scope) => {
        const result = await scope.users.list(withoutUndefined(filter), paging);
        return { items: result.items.map(toPublicUser), total: result.total };
      });
    },

    async get(actor, id) {
      assertRecordId(RESOURCE, id);
      authorize(actor, "read", "users", { userId: id });
      return inTenant(ctx, actor, async (scope) => toPublicUser(found(await scope.users.findById(id), RESOURCE, id)));
    },

    async create(actor, input) {
      authorize(actor, "create", "users");
      const values = parseInput(userCreateSchema, input);
      return inTenant(ctx, actor, (scope) => insertUser(scope, actor, values));
    },

    async register(tenantId: TenantId, input: UserCreate, actor?: Actor | null, request?: RequestMetadata) {
      const values = parseInput(userCreateSchema, input);
      if (actor) {
        if (actor.tenantId !== tenantId) throw new ForbiddenError("An admin registers users in their own tenant only");
        if (!ctx.selfRegistration && !can(actor, "create", "users")) throw new ForbiddenError("Registration is disabled");
        authorize(actor, "create", "users");
      } else if (!ctx.selfRegistration) {
        throw new ForbiddenError("Registration is disabled");
      } else if (values.role !== "read_only" || values.department_id != null || values.employee_id != null || !values.is_active) {
        throw new ForbiddenError("Self-registration creates read_only users only");
      }
      const source = actor ?? { userId: null, ...(request ? { request } : {}) };
      return ctx.run(tenantId, (scope) => insertUser(scope, source, values));
    },

    async update(actor, id, input) {
      assertRecordId(RESOURCE, id);
      authorize(actor, "update", "users", { userId: id });
      const values = withoutUndefined(parseInput(userUpdateSchema, input));
      // Only a grant over all users (an admin's) changes these, on anyone, the actor included.
      if (PRIVILEGED_FIELDS.some((field) => values[field] !== undefined)) authorize(actor, "manage", "users");
      return inTenant(ctx, actor, async (scope) => {
        const before = found(await scope.users.findById(id), RESOURCE, id);
        if (values.email !== undefined && values.email !== before.email && (await scope.users.findByEmail(values.email))) {
          throw new ConflictError(`A user with email ${values.email} already exists`);
        }
        await checkLinks(scope, values);
        const { password, current_password: currentPassword, ...rest } = values;
        // A stolen session must not be enough to take the account over: the owner re-authenticates.
        if (actor.userId === id && (password !== undefined || (rest.email !== undefined && rest.email !== before.email))) {
          await confirmCurrentPassword(before, currentPassword);
        }
        const patch: UserPatch = { ...rest };
        if (password !== undefined) patch.password_hash = await hasher.hash(password);
        const after = found(await scope.users.update(id, patch), RESOURCE, id);
        // A new password or a deactivation ends every session of the user.
        if (password !== undefined || (values.is_active === false && before.is_active)) {
          await scope.refreshTokens.revokeAllForUser(id, ctx.clock.now());
        }
        const publicAfter = toPublicUser(after);
        await recordChange(scope, actor, { action: "update", resourceType: RESOURCE, resourceId: id, before: toPublicUser(before), after: publicAfter });
        return publicAfter;
      });
    },

    async delete(actor, id) {
      assertRecordId(RESOURCE, id);
      authorize(actor, "delete", "users");
      if (actor.userId === id) throw new ConflictError("You cannot delete your own account");
      return inTenant(ctx, actor, async (scope) => {
        const deleted = toPublicUser(found(await scope.users.delete(id), RESOURCE, id));
        await recordChange(scope, actor, { action: "delete", resourceType: RESOURCE, resourceId: id, before: deleted, after: null });
        return deleted;
      });
    },

    async setRoles(actor, id, roleIds) {
      assertRecordId(RESOURCE, id);
      authorize(actor, "manage", "users");
      const unique = [...new Set(parseInput(z.array(idSchema).max(100), roleIds))].sort((a, b) => a - b);
      return inTenant(ctx, actor, async (scope) => {
        const before = found(await scope.users.findById(id), RESOURCE, id);
        await scope.users.setRoleIds(id, unique); // NotFoundError for a role of no such id
        await recordChange(scope, actor, {
          action: "set_roles",
          resourceType: RESOURCE,
          resourceId: id,
          before: { role_ids: before.role_ids },
          after: { role_ids: unique },
        });
        return { ...toPublicUser(before), role_ids: unique };
      });
    },

    async authenticate(tenantId, email, password) {
      const user: UserRecord | null = await ctx.run(tenantId, (scope) => scope.users.findByEmail(email.toLowerCase()));
      if (!user) {
        await hasher.verify(password, await decoy());
        return null;
      }
      const valid = await hasher.verify(password, user.password_hash);
      return valid && user.is_active ? user : null;
    },

    async actorFor(tenantId, userId, request) {
      return ctx.run(tenantId, async (scope) => {
        const user = await scope.users.findById(userId);
        return user && user.is_active ? actorOfUser(scope, user, request, ctx.platformAdmins) : null;
      });
    },
  };
}
