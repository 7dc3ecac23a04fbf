import { ConflictError, ValidationError } from "../errors.js";
import { authorize, authorizeSomewhere } from "../policy/policy.js";
import type { ProjectFilter } from "../ports/records.js";
import { datesInOrder } from "../schemas/dates.js";
import { projectCreateSchema, projectUpdateSchema, type Project, type ProjectCreate, type ProjectUpdate } from "../schemas/project.js";
import { assertRecordId, withoutUndefined, parseInput, parsePage } from "./input.js";
import { departmentsTouched, found } from "./records.js";
import { inTenant, type UseCaseContext } from "./unit-of-work.js";
import { recordChange } from "./audit-trail.js";
import { enforceProjectLimit } from "./plan-limits.js";
import type { CrudUseCases } from "./types.js";

const RESOURCE = "project";

/** Projects: department heads create and change them only inside their department. */
export function projectUseCases(ctx: UseCaseContext): CrudUseCases<Project, ProjectCreate, ProjectUpdate, ProjectFilter> {
  return {
    async list(actor, filter: ProjectFilter = {}, page) {
      authorize(actor, "read", "projects");
      const paging = parsePage(page);
      return inTenant(ctx, actor, (scope) => scope.projects.list(withoutUndefined(filter), paging));
    },

    async get(actor, id) {
      assertRecordId(RESOURCE, id);
      authorize(actor, "read", "projects");
      return inTenant(ctx, actor, async (scope) => found(await scope.projects.findById(id), RESOURCE, id));
    },

    async create(actor, input) {
      authorizeSomewhere(actor, "create", "projects");
      const values = parseInput(projectCreateSchema, input);
      return inTenant(ctx, actor, async (scope) => {
        found(await scope.departments.findById(values.department_id), "department", values.department_id);
        authorize(actor, "create", "projects", { departmentIds: [values.department_id] });
        await enforceProjectLimit(scope);
        const created = await scope.projects.insert({
          ...values,
          start_date: values.start_date ?? null,
          end_date: values.end_date ?? null,
          estimated_end_date: values.estimated_end_date ?? null,
          description: values.description ?? null,
        });
        await recordChange(scope, actor, { action: "create", resourceType: RESOURCE, resourceId: created.id, before: null, after: created });
        return created;
      });
    },

    async update(actor, id, input) {
      assertRecordId(RESOURCE, id);
      authorizeSomewhere(actor, "update", "projects");
      const patch = withoutUndefined(parseInput(projectUpdateSchema, input));
      return inTenant(ctx, actor, async (scope) => {
        const before = found(await scope.projects.findById(id), RESOURCE, id);
        const departmentIds = await departmentsTouched(scope, before.department_id, patch.department_id);
        authorize(actor, "update", "projects", { departmentIds });
        const start = patch.start_date === undefined ? before.start_date : patch.start_date;
        const end = patch.end_date === undefined ? before.end_date : patch.end_date;
        if (!datesInOrder(start, end)) {
          throw new ValidationError([{ path: ["end_date"], message: "end_date must not be before start_date", code: "invalid_range" }]);
        }
        const after = found(await scope.projects.update(id, patch), RESOURCE, id);
        await recordChange(scope, actor, { action: "update", resourceType: RESOURCE, resourceId: id, before, after });
        return after;
      });
    },

    async delete(actor, id) {
      assertRecordId(RESOURCE, id);
      authorize(actor, "delete", "projects");
      return inTenant(ctx, actor, async (scope) => {
        const before = found(await scope.projects.findById(id), RESOURCE, id);
        const { timesheets, allocations } = await scope.projects.countDependents(id);
        if (timesheets > 0 || allocations > 0) {
          throw new ConflictError(
            `Project ${id} has ${timesheets} timesheet(s) and ${allocations} allocation(s); set its status to cancelled instead of deleting`,
          );
        }
        const deleted = found(await scope.projects.delete(id), RESOURCE, id);
        await recordChange(scope, actor, { action: "delete", resourceType: RESOURCE, resourceId: id, before, after: null });
        return deleted;
      });
    },
  };
}
