import { ConflictError, ValidationError } from "../errors.js";
import type { Actor } from "../policy/actor.js";
import { authorize, can, type PolicyTarget, authorizeSomewhere } from "../policy/policy.js";
import type { TimesheetFilter } from "../ports/records.js";
import type { TenantScope } from "../ports/store.js";
import type { Employee } from "../schemas/employee.js";
import {
  timesheetCreateSchema,
  timesheetReviewSchema,
  timesheetUpdateSchema,
  type Timesheet,
} from "../schemas/timesheet.js";
import { validateTimesheetEntry } from "../validation/timesheet.js";
import { nextTimesheetStatus, timesheetLockIssue, type TimesheetTransition } from "../validation/timesheet-workflow.js";
import { assertRecordId, withoutUndefined, parseInput, parsePage } from "./input.js";
import { found } from "./records.js";
import { inTenant, type UseCaseContext } from "./unit-of-work.js";
import { isoDay } from "../schemas/dates.js";
import { recordChange } from "./audit-trail.js";
import type { TimesheetUseCases } from "./types.js";

const RESOURCE = "timesheet";
const PAST_PARTICIPLE: Readonly<Record<TimesheetTransition, string>> = { submit: "submitted", approve: "approved", reject: "rejected" };

/** "A draft", "An approved": the indefinite article a word takes (the statuses are plain English words). */
function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? "An" : "A"} ${word}`;
}

/** The policy target of an entry: its employee, and that employee's department. */
function targetOf(employee: Employee): PolicyTarget {
  return { departmentIds: [employee.department_id], employeeId: employee.id };
}

/** Timesheets with the validation rules and the draft → submitted → approved | rejected workflow. */
export function timesheetUseCases(ctx: UseCaseContext): TimesheetUseCases {
  /** Checks every entry rule for `entry` as it would be stored, or throws one ValidationError with all violations. */
  async function validateEntry(
    scope: TenantScope,
    entry: { employee: Employee; project_id: number; hours_worked: number; date: string },
    excludeId?: number,
  ): Promise<void> {
    const project = found(await scope.projects.findById(entry.project_id), "project", entry.project_id);
    const hoursAlreadyOnDate = await scope.timesheets.sumHoursOnDateForUpdate(entry.employee.id, entry.date, excludeId);
    const issues = validateTimesheetEntry(entry, {
      today: isoDay(ctx.clock.now()),
      employee: entry.employee,
      project,
      hoursAlreadyOnDate,
    });
    if (issues.length > 0) throw new ValidationError(issues);
  }

  function assertEditable(actor: Actor, timesheet: Timesheet): void {
    const issue = timesheetLockIssue(timesheet, { actorIsAdmin: can(actor, "manage", "timesheets") });
    if (issue) throw new ConflictError(issue.message);
  }

  async function transition(actor: Actor, id: number, step: TimesheetTransition, note: string | null): Promise<Timesheet> {
    assertRecordId(RESOURCE, id);
    const action = step === "submit" ? "submit" : "approve";
    authorizeSomewhere(actor, action, "timesheets");
    return inTenant(ctx, actor, async (scope) => {
      const before = found(await scope.timesheets.findByIdForUpdate(id), RESOURCE, id);
      const employee = found(await scope.employees.findById(before.employee_id), "employee", before.employee_id);
      authorize(actor, action, "timesheets", targetOf(employee));
      const status = nextTimesheetStatus(before.status, step);
      if (status === null) throw new ConflictError(`${withArticle(before.status)} timesheet cannot be ${PAST_PARTICIPLE[step]}`);
      // Rejected hours do not count towards the day, so a resubmitted entry is checked again.
      if (before.status === "rejected") await validateEntry(scope, { ...before, employee }, id);
      const review =
        step === "submit"
          ? { reviewed_by: null, reviewed_at: null, review_note: null }
          : { reviewed_by: actor.userId, reviewed_at: ctx.clock.now().toISOString(), review_note: note };
      const after = found(await scope.timesheets.update(id, { status, ...review }), RESOURCE, id);
      await recordChange(scope, actor, { action: step, resourceType: RESOURCE, resourceId: id, before, after });
      return after;
    });
  }

  return {
    async list(actor, filter: TimesheetFilter = {}, page) {
      authorize(actor, "read", "timesheets");
      const paging = parsePage(page);
      return inTenant(ctx, actor, (scope) => scope.timesheets.list(withoutUndefined(filter), paging));
    },

    async listOfEmployee(actor, employeeId, filter = {}, page) {
      assertRecordId("employee", employeeId);
      authorize(actor, "read", "timesheets");
      const paging = parsePage(page);
      return inTenant(ctx, actor, async (scope) => {
        found(await scope.employees.findById(employeeId), "employee", employeeId);
        return scope.timesheets.list({ ...withoutUndefined(filter), employee_id: employeeId }, paging);
      });
    },

    async listOfProject(actor, projectId, filter = {}, page) {
      assertRecordId("project", projectId);
      authorize(actor, "read", "timesheets");
      const paging = parsePage(page);
      return inTenant(ctx, actor, async (scope) => {
        found(await scope.projects.findById(projectId), "project", projectId);
        return scope.timesheets.list({ ...withoutUndefined(filter), project_id: projectId }, paging);
      });
    },

    async get(actor, id) {
      assertRecordId(RESOURCE, id);
      authorize(actor, "read", "timesheets");
      return inTenant(ctx, actor, async (scope) => found(await scope.timesheets.findById(id), RESOURCE, id));
    },

    async create(actor, input) {
      authorizeSomewhere(actor, "create", "timesheets");
      const values = parseInput(timesheetCreateSchema, input);
      return inTenant(ctx, actor, async (scope) => {
        const employee = found(await scope.employees.findById(values.employee_id), "employee", values.employee_id);
        authorize(actor, "create", "timesheets", targetOf(employee));
        await validateEntry(scope, { ...values, employee });
        const created = await scope.timesheets.insert({
          ...values,
          description: values.description ?? null,
          status: "draft",
          reviewed_by: null,
          reviewed_at: null,
          review_note: null,
        });
        await recordChange(scope, actor, { action: "create", resourceType: RESOURCE, resourceId: created.id, before: null, after: created });
        return created;
      });
    },

    async update(actor, id, input) {
      assertRecordId(RESOURCE, id);
      authorizeSomewhere(actor, "update", "timesheets");
      const patch = withoutUndefined(parseInput(timesheetUpdateSchema, input));
      return inTenant(ctx, actor, async (scope) => {
        const before = found(await scope.timesheets.findByIdForUpdate(id), RESOURCE, id);
        const owner = found(await scope.employees.findById(before.employee_id), "employee", before.employee_id);
        authorize(actor, "update", "timesheets", targetOf(owner));
        let employee = owner;
        if (patch.employee_id !== undefined && patch.employee_id !== owner.id) {
          employee = found(await scope.employees.findById(patch.employee_id), "employee", patch.employee_id);
          authorize(actor, "update", "timesheets", targetOf(employee));
        }
        assertEditable(actor, before);
        await validateEntry(
          scope,
          {
            employee,
            project_id: patch.project_id ?? before.project_id,
            hours_worked: patch.hours_worked ?? before.hours_worked,
            date: patch.date ?? before.date,
          },
          id,
        );
        const after = found(await scope.timesheets.update(id, patch), RESOURCE, id);
        await recordChange(scope, actor, { action: "update", resourceType: RESOURCE, resourceId: id, before, after });
        return after;
      });
    },

    async delete(actor, id) {
      assertRecordId(RESOURCE, id);
      authorizeSomewhere(actor, "delete", "timesheets");
      return inTenant(ctx, actor, async (scope) => {
        const before = found(await scope.timesheets.findByIdForUpdate(id), RESOURCE, id);
        const owner = found(await scope.employees.findById(before.employee_id), "employee", before.employee_id);
        authorize(actor, "delete", "timesheets", targetOf(owner));
        assertEditable(actor, before);
        const deleted = found(await scope.timesheets.delete(id), RESOURCE, id);
        await recordChange(scope, actor, { action: "delete", resourceType: RESOURCE, resourceId: id, before, after: null });
        return deleted;
      });
    },

    submit: (actor, id) => transition(actor, id, "submit", null),
    approve: (actor, id) => transition(actor, id, "approve", null),
    async reject(actor, id, review) {
      const { reason } = parseInput(timesheetReviewSchema, review ?? {});
      return transition(actor, id, "reject", reason ?? null);
    },
  };
}
