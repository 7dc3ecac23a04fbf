import { z } from "zod";
import type { ServerModule } from "../http/module.js";
import type { RouteTable } from "../http/route-table.js";
import { dateQuery, idParam, idParams, pageQuery } from "../http/params.js";
import { created, ok, page } from "../http/replies.js";
import { schemas } from "./schemas.js";

const tags = ["allocations"];
const allocationId = idParams("allocation_id");
const listQuery = pageQuery.extend({
  employee_id: idParam.optional(),
  project_id: idParam.optional(),
  from: dateQuery.optional(),
  to: dateQuery.optional(),
});

/** `/allocations`: an employee's share of time on a project over a period (contract section 5). */
function routes(api: RouteTable): void {
  api.define(
    {
      method: "get",
      path: "/allocations/",
      summary: "List allocations",
      description: "`from` / `to` select the allocations that overlap the range.",
      tags,
      permission: { action: "read", resource: "allocations" },
      request: { query: listQuery },
      responses: { 200: { description: "One page of allocations", schema: z.array(schemas.Allocation), headers: ["X-Total-Count"] } },
    },
    async ({ epca, actor, query: { skip, limit, ...filter } }) =>
      page(await epca.allocations.list(actor, filter, { skip, limit })),
  );

  api.define(
    {
      method: "post",
      path: "/allocations/",
      summary: "Create allocation",
      conflicts: "The employee's allocations would exceed 100% on some day",
      description: "An employee's overlapping allocations sum to at most 100% (409 otherwise).",
      tags,
      permission: { action: "create", resource: "allocations" },
      request: { body: schemas.AllocationCreate },
      responses: { 201: { description: "The created allocation", schema: schemas.Allocation, headers: ["Location"] } },
    },
    async ({ epca, actor, body, req }) => created(req, "/allocations", await epca.allocations.create(actor, body)),
  );

  api.define(
    {
      method: "get",
      path: "/allocations/{allocation_id}",
      summary: "Get allocation",
      tags,
      prefetch: { record: "allocations", param: "allocation_id" },
      permission: { action: "read", resource: "allocations" },
      request: { params: allocationId },
      responses: { 200: { description: "The allocation", schema: schemas.Allocation } },
    },
    async ({ epca, actor, params }) => ok(await epca.allocations.get(actor, params.allocation_id)),
  );

  api.define(
    {
      method: "put",
      path: "/allocations/{allocation_id}",
      summary: "Update allocation",
      conflicts: "The employee's allocations would exceed 100% on some day",
      tags,
      permission: { action: "update", resource: "allocations" },
      request: { params: allocationId, body: schemas.AllocationUpdate },
      responses: { 200: { description: "The updated allocation", schema: schemas.Allocation } },
    },
    async ({ epca, actor, params, body }) => ok(await epca.allocations.update(actor, params.allocation_id, body)),
  );

  api.define(
    {
      method: "delete",
      path: "/allocations/{allocation_id}",
      summary: "Delete allocation",
      tags,
      permission: { action: "delete", resource: "allocations" },
      request: { params: allocationId },
      responses: { 200: { description: "The deleted allocation", schema: schemas.Allocation } },
    },
    async ({ epca, actor, params }) => ok(await epca.allocations.delete(actor, params.allocation_id)),
  );
}

/** The `allocations` module. */
export const allocationModule: ServerModule = {
  name: "allocations",
  tags: [{ name: "allocations", description: "Allocations of employees to projects over date ranges (at most 100% at any time)." }],
  routes,
};
