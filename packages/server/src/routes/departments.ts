import { definedOnly } from "@epca/core";
import { z } from "zod";
import type { RouteTable } from "../http/define-route.js";
import { idParams, pageQuery } from "../http/params.js";
import { created, ok, page } from "../http/replies.js";
import { schemas } from "../openapi/schemas.js";

const tags = ["departments"];
const deptId = idParams("dept_id");
const listQuery = pageQuery.extend({ name: z.string().max(100).optional() });

/** `/departments`: spec 000 section 4, "Department Management Endpoints". */
export function departmentRoutes(api: RouteTable): void {
  api.define(
    {
      method: "get",
      path: "/departments/",
      summary: "List all departments",
      tags,
      permission: { action: "read", resource: "departments" },
      request: { query: listQuery },
      responses: { 200: { description: "One page of departments", schema: z.array(schemas.Department), headers: ["X-Total-Count"] } },
    },
    async ({ services, actor, query: { skip, limit, name } }) =>
      page(await services.epca.departments.list(actor, definedOnly({ name }), definedOnly({ skip, limit }))),
  );

  api.define(
    {
      method: "post",
      path: "/departments/",
      summary: "Create department",
      tags,
      permission: { action: "create", resource: "departments" },
      request: { body: schemas.DepartmentCreate },
      responses: { 201: { description: "The created department", schema: schemas.Department, headers: ["Location"] } },
    },
    async ({ services, actor, body, req }) => created(req, "/departments", await services.epca.departments.create(actor, body)),
  );

  api.define(
    {
      method: "get",
      path: "/departments/{dept_id}",
      summary: "Get department details",
      tags,
      permission: { action: "read", resource: "departments" },
      request: { params: deptId },
      responses: { 200: { description: "The department", schema: schemas.Department } },
    },
    async ({ services, actor, params }) => ok(await services.epca.departments.get(actor, params.dept_id)),
  );

  api.define(
    {
      method: "put",
      path: "/departments/{dept_id}",
      summary: "Update department",
      tags,
      permission: { action: "update", resource: "departments" },
      request: { params: deptId, body: schemas.DepartmentUpdate },
      responses: { 200: { description: "The updated department", schema: schemas.Department } },
    },
    async ({ services, actor, params, body }) => ok(await services.epca.departments.update(actor, params.dept_id, body)),
  );

  api.define(
    {
      method: "delete",
      path: "/departments/{dept_id}",
      summary: "Delete department",
      description: "409 while employees or projects belong to it.",
      tags,
      permission: { action: "delete", resource: "departments" },
      request: { params: deptId },
      responses: { 200: { description: "The deleted department", schema: schemas.Department } },
    },
    async ({ services, actor, params }) => ok(await services.epca.departments.delete(actor, params.dept_id)),
  );

  api.define(
    {
      method: "get",
      path: "/departments/{dept_id}/employees",
      summary: "Get department employees",
      tags,
      permission: { action: "read", resource: "employees" },
      request: { params: deptId, query: pageQuery },
      responses: { 200: { description: "One page of the department's employees", schema: z.array(schemas.Employee), headers: ["X-Total-Count"] } },
    },
    async ({ services, actor, params, query }) =>
      page(await services.epca.departments.employees(actor, params.dept_id, definedOnly({ skip: query.skip, limit: query.limit }))),
  );
}
