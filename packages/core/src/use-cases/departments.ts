import { ConflictError } from "../errors.js";
import { authorize, authorizeSomewhere } from "../policy/policy.js";
import type { DepartmentFilter } from "../ports/records.js";
import type { TenantScope } from "../ports/store.js";
import { departmentCreateSchema, departmentUpdateSchema, type Department } from "../schemas/department.js";
import { assertRecordId, withoutUndefined, parseInput, parsePage } from "./input.js";
import { found } from "./records.js";
import { inTenant, type UseCaseContext } from "./unit-of-work.js";
import { recordChange } from "./audit-trail.js";
import type { DepartmentUseCases } from "./types.js";

const RESOURCE = "department";

/** Departments: names unique per tenant; a department in use cannot be deleted. */
export function departmentUseCases(ctx: UseCaseContext): DepartmentUseCases {
  async function ensureNameFree(scope: TenantScope, name: string, selfId?: number): Promise<void> {
    const holder = await scope.departments.findByName(name);
    if (holder && holder.id !== selfId) throw new ConflictError(`A department named "${name}" already exists`);
  }

  return {
    async list(actor, filter: DepartmentFilter = {}, page) {
      authorize(actor, "read", "departments");
      const paging = parsePage(page);
      return inTenant(ctx, actor, (scope) => scope.departments.list(withoutUndefined(filter), paging));
    },

    async get(actor, id) {
      assertRecordId(RESOURCE, id);
      authorize(actor, "read", "departments");
      return inTenant(ctx, actor, async (scope) => found(await scope.departments.findById(id), RESOURCE, id));
    },

    async create(actor, input) {
      authorize(actor, "create", "departments");
      const values = parseInput(departmentCreateSchema, input);
      return inTenant(ctx, actor, async (scope) => {
        await ensureNameFree(scope, values.name);
        const created = await scope.departments.insert({ ...values, description: values.description ?? null });
        await recordChange(scope, actor, { action: "create", resourceType: RESOURCE, resourceId: created.id, before: null, after: created });
        return created;
      });
    },

    async update(actor, id, input) {
      assertRecordId(RESOURCE, id);
      authorizeSomewhere(actor, "update", "departments");
      const patch = withoutUndefined(parseInput(departmentUpdateSchema, input));
      return inTenant(ctx, actor, async (scope) => {
        const before = found(await scope.departments.findById(id), RESOURCE, id);
        authorize(actor, "update", "departments", { departmentIds: [before.id] });
        if (patch.name !== undefined && patch.name !== before.name) await ensureNameFree(scope, patch.name, id);
        const after = found(await scope.departments.update(id, patch), RESOURCE, id);
        await recordChange(scope, actor, { action: "update", resourceType: RESOURCE, resourceId: id, before, after });
        return after;
      });
    },

    async delete(actor, id) {
      assertRecordId(RESOURCE, id);
      authorize(actor, "delete", "departments");
      return inTenant(ctx, actor, async (scope) => {
        const before = found(await scope.departments.findById(id), RESOURCE, id);
        const { employees, projects } = await scope.departments.countDependents(id);
        if (employees > 0 || projects > 0) {
          throw new ConflictError(
            `Department ${id} still has ${employees} employee(s) and ${projects} project(s); move or delete them first`,
          );
        }
        const deleted: Department = found(await scope.departments.delete(id), RESOURCE, id);
        await recordChange(scope, actor, { action: "delete", resourceType: RESOURCE, resourceId: id, before, after: null });
        return deleted;
      });
    },

    async employees(actor, departmentId, page) {
      assertRecordId(RESOURCE, departmentId);
      authorize(actor, "read", "employees");
      const paging = parsePage(page);
      return inTenant(ctx, actor, async (scope) => {
        found(await scope.departments.findById(departmentId), RESOURCE, departmentId);
        return scope.employees.list({ department_id: departmentId }, paging);
      });
    },

    async projects(actor, departmentId, page) {
      assertRecordId(RESOURCE, departmentId);
      authorize(actor, "read", "projects");
      const paging = parsePage(page);
      return inTenant(ctx, actor, async (scope) => {
        found(await scope.departments.findById(departmentId), RESOURCE, departmentId);
        return scope.projects.list({ department_id: departmentId }, paging);
      });
    },
  };
}
