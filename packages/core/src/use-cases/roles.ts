import { ConflictError } from "../errors.js";
import { authorize } from "../policy/policy.js";
import { builtInRoles, isBuiltInRoleName } from "../policy/built-in-roles.js";
import type { TenantScope } from "../ports/store.js";
import { roleCreateSchema, roleUpdateSchema } from "../schemas/role.js";
import { assertRecordId, withoutUndefined, parseInput } from "./input.js";
import { found } from "./records.js";
import { inTenant, type UseCaseContext } from "./unit-of-work.js";
import { recordChange } from "./audit-trail.js";
import type { RoleUseCases } from "./types.js";

const RESOURCE = "role";

/** Custom roles of a tenant (seed-003 permissions); built-in role names are reserved. */
export function roleUseCases(ctx: UseCaseContext): RoleUseCases {
  async function ensureNameFree(scope: TenantScope, name: string, selfId?: number): Promise<void> {
    const reserved = isBuiltInRoleName(name);
    const taken = (await scope.roles.list()).some((role) => role.name === name && role.id !== selfId);
    if (reserved || taken) throw new ConflictError(`A role named "${name}" already exists`);
  }

  return {
    async list(actor) {
      authorize(actor, "read", "roles");
      return inTenant(ctx, actor, async (scope) => [
        ...builtInRoles().map((role) => ({ id: null, ...role })),
        ...(await scope.roles.list()),
      ]);
    },

    async create(actor, input) {
      authorize(actor, "create", "roles");
      const values = parseInput(roleCreateSchema, input);
      return inTenant(ctx, actor, async (scope) => {
        await ensureNameFree(scope, values.name);
        const created = await scope.roles.insert({ ...values, description: values.description ?? null });
        await recordChange(scope, actor, { action: "create", resourceType: RESOURCE, resourceId: created.id, before: null, after: created });
        return created;
      });
    },

    async update(actor, id, input) {
      assertRecordId(RESOURCE, id);
      authorize(actor, "update", "roles");
      const patch = withoutUndefined(parseInput(roleUpdateSchema, input));
      return inTenant(ctx, actor, async (scope) => {
        const before = found(await scope.roles.findById(id), RESOURCE, id);
        if (patch.name !== undefined && patch.name !== before.name) await ensureNameFree(scope, patch.name, id);
        const after = found(
          await scope.roles.update(id, { ...patch, ...(patch.description !== undefined ? { description: patch.description ?? null } : {}) }),
          RESOURCE,
          id,
        );
        await recordChange(scope, actor, { action: "update", resourceType: RESOURCE, resourceId: id, before, after });
        return after;
      });
    },

    async delete(actor, id) {
      assertRecordId(RESOURCE, id);
      authorize(actor, "delete", "roles");
      return inTenant(ctx, actor, async (scope) => {
        const deleted = found(await scope.roles.delete(id), RESOURCE, id);
        await recordChange(scope, actor, { action: "delete", resourceType: RESOURCE, resourceId: id, before: deleted, after: null });
        return deleted;
      });
    },
  };
}
