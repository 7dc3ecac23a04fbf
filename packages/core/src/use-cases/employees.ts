import { ConflictError } from "../errors.js";
import { authorize, authorizeSomewhere } from "../policy/policy.js";
import type { EmployeeFilter } from "../ports/records.js";
import type { TenantScope } from "../ports/store.js";
import { employeeCreateSchema, employeeUpdateSchema, type Employee, type EmployeeCreate, type EmployeeUpdate } from "../schemas/employee.js";
import { assertRecordId, withoutUndefined, parseInput, parsePage } from "./input.js";
import { departmentsTouched, found } from "./records.js";
import { inTenant, type UseCaseContext } from "./unit-of-work.js";
import { recordChange } from "./audit-trail.js";
import type { CrudUseCases } from "./types.js";

const RESOURCE = "employee";

async function ensureEmailFree(scope: TenantScope, email: string | null | undefined, selfId?: number): Promise<void> {
  if (!email) return;
  const holder = await scope.employees.findByEmail(email);
  if (holder && holder.id !== selfId) throw new ConflictError(`An employee with email ${email} already exists`);
}

/** Employees: department heads create and change them only inside their department. */
export function employeeUseCases(ctx: UseCaseContext): CrudUseCases<Employee, EmployeeCreate, EmployeeUpdate, EmployeeFilter> {
  return {
    async list(actor, filter: EmployeeFilter = {}, page) {
      authorize(actor, "read", "employees");
      const paging = parsePage(page);
      return inTenant(ctx, actor, (scope) => scope.employees.list(withoutUndefined(filter), paging));
    },

    async get(actor, id) {
      assertRecordId(RESOURCE, id);
      authorize(actor, "read", "employees");
      return inTenant(ctx, actor, async (scope) => found(await scope.employees.findById(id), RESOURCE, id));
    },

    async create(actor, input) {
      authorizeSomewhere(actor, "create", "employees");
      const values = parseInput(employeeCreateSchema, input);
      return inTenant(ctx, actor, async (scope) => {
        found(await scope.departments.findById(values.department_id), "department", values.department_id);
        authorize(actor, "create", "employees", { departmentIds: [values.department_id] });
        await ensureEmailFree(scope, values.email);
        const created = await scope.employees.insert({
          ...values,
          email: values.email ?? null,
          hire_date: values.hire_date ?? null,
        });
        await recordChange(scope, actor, { action: "create", resourceType: RESOURCE, resourceId: created.id, before: null, after: created });
        return created;
      });
    },

    async update(actor, id, input) {
      assertRecordId(RESOURCE, id);
      authorizeSomewhere(actor, "update", "employees");
      const patch = withoutUndefined(parseInput(employeeUpdateSchema, input));
      return inTenant(ctx, actor, async (scope) => {
        const before = found(await scope.employees.findById(id), RESOURCE, id);
        const departmentIds = await departmentsTouched(scope, before.department_id, patch.department_id);
        authorize(actor, "update", "employees", { departmentIds });
        if (patch.email !== undefined && patch.email !== before.email) await ensureEmailFree(scope, patch.email, id);
        const after = found(await scope.employees.update(id, patch), RESOURCE, id);
        await recordChange(scope, actor, { action: "update", resourceType: RESOURCE, resourceId: id, before, after });
        return after;
      });
    },

    async delete(actor, id) {
      assertRecordId(RESOURCE, id);
      authorize(actor, "delete", "employees");
      return inTenant(ctx, actor, async (scope) => {
        const before = found(await scope.employees.findById(id), RESOURCE, id);
        const { timesheets, allocations } = await scope.employees.countDependents(id);
        if (timesheets > 0 || allocations > 0) {
          throw new ConflictError(
            `Employee ${id} has ${timesheets} timesheet(s) and ${allocations} allocation(s); set is_active to false instead of deleting`,
          );
        }
        const deleted = found(await scope.employees.delete(id), RESOURCE, id);
        await recordChange(scope, actor, { action: "delete", resourceType: RESOURCE, resourceId: id, before, after: null });
        return deleted;
      });
    },
  };
}
