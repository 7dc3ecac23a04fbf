import { ConflictError } from "../errors.js";
import { authorize } from "../policy/policy.js";
import type { TenantScope } from "../ports/store.js";
import type { AuditEntry } from "../schemas/audit.js";
import type { PageResult } from "../schemas/common.js";
import type { Employee } from "../schemas/employee.js";
import { toPublicUser, type UserRecord } from "../schemas/user.js";
import { recordChange } from "./audit-trail.js";
import { assertRecordId } from "./input.js";
import { found } from "./records.js";
import type { PersonalDataUseCases } from "./types.js";
import { inTenant, type UseCaseContext } from "./unit-of-work.js";

const PAGE = 1000;

/** Every item of a paged listing, page by page. */
async function all<T>(list: (page: { skip: number; limit: number }) => Promise<PageResult<T>>): Promise<T[]> {
  const items: T[] = [];
  for (let skip = 0; ; skip += PAGE) {
    const page = await list({ skip, limit: PAGE });
    items.push(...page.items);
    if (page.items.length < PAGE || items.length >= page.total) return items;
  }
}

/** The user accounts linked to the employee. */
async function linkedUsers(scope: TenantScope, employeeId: number): Promise<UserRecord[]> {
  return (await all((page) => scope.users.list({}, page))).filter((user) => user.employee_id === employeeId);
}

/** The placeholder name of an erased employee (the record keeps its id, hours and costs). */
export function erasedName(id: number): string {
  return `Erased employee ${id}`;
}

/** Rights of access and erasure over an employee's personal data (admins). */
export function personalDataUseCases(ctx: UseCaseContext): PersonalDataUseCases {
  return {
    async exportEmployee(actor, id) {
      assertRecordId("employee", id);
      authorize(actor, "delete", "employees");
      return inTenant(ctx, actor, async (scope) => {
        const employee = found(await scope.employees.findById(id), "employee", id);
        const timesheets = await all((page) => scope.timesheets.list({ employee_id: id }, page));
        const allocations = await all((page) => scope.allocations.list({ employee_id: id }, page));
        const users = await linkedUsers(scope, id);
        const about = async (resource_type: string, ids: readonly number[]) =>
          (await Promise.all(ids.map((rid) => all((page) => scope.audit.list({ resource_type, resource_id: String(rid) }, page))))).flat();
        const byTheirAccounts = (await Promise.all(users.map((u) => all((page) => scope.audit.list({ user_id: u.id }, page))))).flat();
        const entries = [
          ...(await about("employee", [id])),
          ...(await about("timesheet", timesheets.map((t) => t.id))),
          ...(await about("allocation", allocations.map((a) => a.id))),
          ...(await about("user", users.map((u) => u.id))),
          ...byTheirAccounts,
        ];
        const audit_entries: AuditEntry[] = [...new Map(entries.map((e) => [e.id, e])).values()].sort((a, b) => a.id - b.id);
        await recordChange(scope, actor, { action: "export", resourceType: "employee", resourceId: id, before: null, after: null });
        return {
          exported_at: ctx.clock.now().toISOString(),
          employee,
          timesheets,
          allocations,
          users: users.map((user) => ({ ...toPublicUser(user), role_ids: [...user.role_ids] })),
          audit_entries,
        };
      });
    },

    async eraseEmployee(actor, id) {
      assertRecordId("employee", id);
      authorize(actor, "delete", "employees");
      return inTenant(ctx, actor, async (scope) => {
        found(await scope.employees.findById(id), "employee", id);
        const users = await linkedUsers(scope, id);
        if (users.some((user) => user.id === actor.userId)) throw new ConflictError("You cannot erase your own employee record: another admin must");
        for (const user of users) await scope.users.delete(user.id); // its sessions and role grants with it
        const timesheets = await all((page) => scope.timesheets.list({ employee_id: id }, page));
        let cleared = 0;
        for (const timesheet of timesheets) {
          if (timesheet.description === null) continue;
          await scope.timesheets.update(timesheet.id, { description: null });
          cleared += 1;
        }
        const erased: Employee = found(
          await scope.employees.update(id, { name: erasedName(id), email: null, skills: [], hire_date: null, is_active: false }),
          "employee",
          id,
        );
        // The entry names what was erased, never the personal data itself.
        await recordChange(scope, actor, {
          action: "erase",
          resourceType: "employee",
          resourceId: id,
          before: null,
          after: { erased_fields: ["name", "email", "skills", "hire_date"], timesheet_descriptions_cleared: cleared, user_ids_deleted: users.map((u) => u.id) },
        });
        return erased;
      });
    },
  };
}
