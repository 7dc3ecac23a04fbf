import { ConflictError, ValidationError } from "../errors.js";
import type { Actor } from "../policy/actor.js";
import { authorize, authorizeSomewhere } from "../policy/policy.js";
import type { AllocationFilter } from "../ports/records.js";
import type { TenantScope } from "../ports/store.js";
import {
  allocationCreateSchema,
  allocationUpdateSchema,
  type Allocation,
  type AllocationCreate,
  type AllocationUpdate,
} from "../schemas/allocation.js";
import { validateAllocation } from "../validation/allocation.js";
import { assertRecordId, withoutUndefined, parseInput, parsePage } from "./input.js";
import { found } from "./records.js";
import { inTenant, type UseCaseContext } from "./unit-of-work.js";
import { recordChange } from "./audit-trail.js";
import type { CrudUseCases } from "./types.js";

const RESOURCE = "allocation";

/** Allocations: an employee's overlapping allocations never sum above 100% (409). */
export function allocationUseCases(ctx: UseCaseContext): CrudUseCases<Allocation, AllocationCreate, AllocationUpdate, AllocationFilter> {
  /** The employee an allocation is for, which the actor's scope must cover. */
  async function allocatedEmployee(scope: TenantScope, actor: Actor, action: "create" | "update" | "delete", employeeId: number) {
    const employee = found(await scope.employees.findById(employeeId), "employee", employeeId);
    authorize(actor, action, "allocations", { departmentIds: [employee.department_id] });
    return employee;
  }

  /** Checks the 100% rule (and the ranges) for the allocation as it would be stored. */
  async function checkLoad(
    scope: TenantScope,
    candidate: Pick<Allocation, "employee_id" | "allocation_percentage" | "start_date" | "end_date">,
    excludeId?: number,
  ): Promise<void> {
    const overlapping = await scope.allocations.findOverlappingForUpdate(
      candidate.employee_id,
      candidate.start_date,
      candidate.end_date,
      excludeId,
    );
    const issues = validateAllocation(candidate, overlapping);
    const exceeded = issues.find((issue) => issue.code === "allocation_exceeded");
    if (exceeded) throw new ConflictError(exceeded.message);
    if (issues.length > 0) throw new ValidationError(issues);
  }

  return {
    async list(actor, filter: AllocationFilter = {}, page) {
      authorize(actor, "read", "allocations");
      const paging = parsePage(page);
      return inTenant(ctx, actor, (scope) => scope.allocations.list(withoutUndefined(filter), paging));
    },

    async get(actor, id) {
      assertRecordId(RESOURCE, id);
      authorize(actor, "read", "allocations");
      return inTenant(ctx, actor, async (scope) => found(await scope.allocations.findById(id), RESOURCE, id));
    },

    async create(actor, input) {
      authorizeSomewhere(actor, "create", "allocations");
      const values = parseInput(allocationCreateSchema, input);
      return inTenant(ctx, actor, async (scope) => {
        await allocatedEmployee(scope, actor, "create", values.employee_id);
        found(await scope.projects.findById(values.project_id), "project", values.project_id);
        await checkLoad(scope, values);
        const created = await scope.allocations.insert(values);
        await recordChange(scope, actor, { action: "create", resourceType: RESOURCE, resourceId: created.id, before: null, after: created });
        return created;
      });
    },

    async update(actor, id, input) {
      assertRecordId(RESOURCE, id);
      authorizeSomewhere(actor, "update", "allocations");
      const patch = withoutUndefined(parseInput(allocationUpdateSchema, input));
      return inTenant(ctx, actor, async (scope) => {
        const before = found(await scope.allocations.findById(id), RESOURCE, id);
        await allocatedEmployee(scope, actor, "update", before.employee_id);
        // Moving it to another employee needs the actor's scope over that one too.
        if (patch.employee_id !== undefined && patch.employee_id !== before.employee_id) {
          await allocatedEmployee(scope, actor, "update", patch.employee_id);
        }
        if (patch.project_id !== undefined && patch.project_id !== before.project_id) {
          found(await scope.projects.findById(patch.project_id), "project", patch.project_id);
        }
        await checkLoad(scope, { ...before, ...patch }, id);
        const after = found(await scope.allocations.update(id, patch), RESOURCE, id);
        await recordChange(scope, actor, { action: "update", resourceType: RESOURCE, resourceId: id, before, after });
        return after;
      });
    },

    async delete(actor, id) {
      assertRecordId(RESOURCE, id);
      authorizeSomewhere(actor, "delete", "allocations");
      return inTenant(ctx, actor, async (scope) => {
        const before = found(await scope.allocations.findById(id), RESOURCE, id);
        await allocatedEmployee(scope, actor, "delete", before.employee_id);
        const deleted = found(await scope.allocations.delete(id), RESOURCE, id);
        await recordChange(scope, actor, { action: "delete", resourceType: RESOURCE, resourceId: id, before, after: null });
        return deleted;
      });
    },
  };
}
