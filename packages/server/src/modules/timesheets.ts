import { z } from "zod";
import type { ServerModule } from "../http/module.js";
import type { RouteTable } from "../http/route-table.js";
import { dateQuery, idParam, idParams, pageQuery } from "../http/params.js";
import { created, ok, page } from "../http/replies.js";
import { schemas } from "./schemas.js";

const tags = ["timesheets"];
const tsId = idParams("ts_id");
const rangeQuery = pageQuery.extend({
  status: schemas.TimesheetStatus.optional(),
  from: dateQuery.optional(),
  to: dateQuery.optional(),
});
const listQuery = rangeQuery.extend({
  employee_id: idParam.optional(),
  project_id: idParam.optional(),
  department_id: idParam.optional(),
});
const timesheetPage = { description: "One page of timesheets", schema: z.array(schemas.Timesheet), headers: ["X-Total-Count"] };

/** `/timesheets`: spec 000 section 4, "Timesheet Management Endpoints", plus the approval workflow. */
function routes(api: RouteTable): void {
  api.define(
    {
      method: "get",
      path: "/timesheets/",
      summary: "List timesheets",
      tags,
      permission: { action: "read", resource: "timesheets" },
      request: { query: listQuery },
      responses: { 200: timesheetPage },
    },
    async ({ epca, actor, query: { skip, limit, ...filter } }) =>
      page(await epca.timesheets.list(actor, filter, { skip, limit })),
  );

  api.define(
    {
      method: "post",
      path: "/timesheets/",
      summary: "Create timesheet entry",
      description: "For the caller's own employee record; a department head for their department's employees; an admin for anyone.",
      tags,
      permission: { action: "create", resource: "timesheets" },
      request: { body: schemas.TimesheetCreate },
      responses: { 201: { description: "The created entry (status `draft`)", schema: schemas.Timesheet, headers: ["Location"] } },
    },
    async ({ epca, actor, body, req }) => created(req, "/timesheets", await epca.timesheets.create(actor, body)),
  );

  api.define(
    {
      method: "get",
      path: "/timesheets/{ts_id}",
      summary: "Get timesheet details",
      tags,
      prefetch: { record: "timesheets", param: "ts_id" },
      permission: { action: "read", resource: "timesheets" },
      request: { params: tsId },
      responses: { 200: { description: "The entry", schema: schemas.Timesheet } },
    },
    async ({ epca, actor, params }) => ok(await epca.timesheets.get(actor, params.ts_id)),
  );

  api.define(
    {
      method: "put",
      path: "/timesheets/{ts_id}",
      summary: "Update timesheet",
      conflicts: "The entry is approved and the caller is not an admin",
      description: "Admin, the employee's department head, or the owner. Approved entries: admin only (409 otherwise).",
      tags,
      permission: { action: "update", resource: "timesheets" },
      request: { params: tsId, body: schemas.TimesheetUpdate },
      responses: { 200: { description: "The updated entry", schema: schemas.Timesheet } },
    },
    async ({ epca, actor, params, body }) => ok(await epca.timesheets.update(actor, params.ts_id, body)),
  );

  api.define(
    {
      method: "delete",
      path: "/timesheets/{ts_id}",
      summary: "Delete timesheet",
      conflicts: "The entry is approved and the caller is not an admin",
      tags,
      permission: { action: "delete", resource: "timesheets" },
      request: { params: tsId },
      responses: { 200: { description: "The deleted entry", schema: schemas.Timesheet } },
    },
    async ({ epca, actor, params }) => ok(await epca.timesheets.delete(actor, params.ts_id)),
  );

  api.define(
    {
      method: "post",
      path: "/timesheets/{ts_id}/submit",
      summary: "Submit timesheet for approval",
      conflicts: "The entry is not in a status this step starts from",
      description: "`draft` or `rejected` → `submitted`: the owner, their department head, an admin.",
      tags,
      permission: { action: "submit", resource: "timesheets" },
      request: { params: tsId },
      responses: { 200: { description: "The submitted entry", schema: schemas.Timesheet } },
    },
    async ({ epca, actor, params }) => ok(await epca.timesheets.submit(actor, params.ts_id)),
  );

  api.define(
    {
      method: "post",
      path: "/timesheets/{ts_id}/approve",
      summary: "Approve timesheet",
      conflicts: "The entry is not in a status this step starts from",
      description: "`submitted` → `approved` (409 from any other status): an admin or the employee's department head.",
      tags,
      permission: { action: "approve", resource: "timesheets" },
      request: { params: tsId },
      responses: { 200: { description: "The approved entry", schema: schemas.Timesheet } },
    },
    async ({ epca, actor, params }) => ok(await epca.timesheets.approve(actor, params.ts_id)),
  );

  api.define(
    {
      method: "post",
      path: "/timesheets/{ts_id}/reject",
      summary: "Reject timesheet",
      conflicts: "The entry is not in a status this step starts from",
      description: "`submitted` → `rejected`, with an optional `reason`; the entry may then be edited and submitted again.",
      tags,
      permission: { action: "approve", resource: "timesheets" },
      request: { params: tsId, body: schemas.TimesheetReview.optional() },
      responses: { 200: { description: "The rejected entry", schema: schemas.Timesheet } },
    },
    async ({ epca, actor, params, body }) => ok(await epca.timesheets.reject(actor, params.ts_id, body ?? {})),
  );

  api.define(
    {
      method: "get",
      path: "/timesheets/employee/{emp_id}",
      summary: "Get employee timesheets",
      tags,
      permission: { action: "read", resource: "timesheets" },
      request: { params: idParams("emp_id"), query: rangeQuery },
      responses: { 200: timesheetPage },
    },
    async ({ epca, actor, params, query: { skip, limit, ...filter } }) => {
      return page(await epca.timesheets.listOfEmployee(actor, params.emp_id, filter, { skip, limit }));
    },
  );

  api.define(
    {
      method: "get",
      path: "/timesheets/project/{proj_id}",
      summary: "Get project timesheets",
      tags,
      permission: { action: "read", resource: "timesheets" },
      request: { params: idParams("proj_id"), query: rangeQuery },
      responses: { 200: timesheetPage },
    },
    async ({ epca, actor, params, query: { skip, limit, ...filter } }) => {
      return page(await epca.timesheets.listOfProject(actor, params.proj_id, filter, { skip, limit }));
    },
  );
}

/** The `timesheets` module. */
export const timesheetModule: ServerModule = {
  name: "timesheets",
  tags: [{ name: "timesheets", description: 'Time entries and their draft → submitted → approved | rejected workflow; "Timesheet Management Endpoints".' }],
  routes,
};
