import { employeeForViewer } from "@epca/core";
import { z } from "zod";
import type { ServerModule } from "../http/module.js";
import type { RouteTable } from "../http/route-table.js";
import { idParams, pageQuery } from "../http/params.js";
import { created, ok, page } from "../http/replies.js";
import { schemas } from "./schemas.js";

const tags = ["departments"];
const deptId = idParams("dept_id");
const listQuery = pageQuery.extend({ name: z.string().max(100).optional() });

/** `/departments`: spec 000 section 4, "Department Management Endpoints". */
function routes(api: RouteTable): void {
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
    async ({ epca, actor, query: { skip, limit, name } }) =>
      page(await epca.departments.list(actor, { name }, { skip, limit })),
  );

  api.define(
    {
      method: "post",
      path: "/departments/",
      summary: "Create department",
      conflicts: "A department with this name already exists",
      tags,
      permission: { action: "create", resource: "departments" },
      request: { body: schemas.DepartmentCreate },
      responses: { 201: { description: "The created department", schema: schemas.Department, headers: ["Location"] } },
    },
    async ({ epca, actor, body, req }) => created(req, "/departments", await epca.departments.create(actor, body)),
  );

  api.define(
    {
      method: "get",
      path: "/departments/{dept_id}",
      summary: "Get department details",
      tags,
      prefetch: { record: "departments", param: "dept_id" },
      permission: { action: "read", resource: "departments" },
      request: { params: deptId },
      responses: { 200: { description: "The department", schema: schemas.Department } },
    },
    async ({ epca, actor, params }) => ok(await epca.departments.get(actor, params.dept_id)),
  );

  api.define(
    {
      method: "put",
      path: "/departments/{dept_id}",
      summary: "Update department",
      conflicts: "A department with this name already exists",
      tags,
      permission: { action: "update", resource: "departments" },
      request: { params: deptId, body: schemas.DepartmentUpdate },
      responses: { 200: { description: "The updated department", schema: schemas.Department } },
    },
    async ({ epca, actor, params, body }) => ok(await epca.departments.update(actor, params.dept_id, body)),
  );

  api.define(
    {
      method: "delete",
      path: "/departments/{dept_id}",
      summary: "Delete department",
      conflicts: "Employees or projects still belong to the department",
      description: "409 while employees or projects belong to it.",
      tags,
      permission: { action: "delete", resource: "departments" },
      request: { params: deptId },
      responses: { 200: { description: "The deleted department", schema: schemas.Department } },
    },
    async ({ epca, actor, params }) => ok(await epca.departments.delete(actor, params.dept_id)),
  );

  api.define(
    {
      method: "get",
      path: "/departments/{dept_id}/employees",
      summary: "Get department employees",
      description: "`salary` is left out of the employees whose pay the caller may not see (docs/privacy.md).",
      tags,
      permission: { action: "read", resource: "employees" },
      request: { params: deptId, query: pageQuery },
      responses: { 200: { description: "One page of the department's employees", schema: z.array(schemas.Employee), headers: ["X-Total-Count"] } },
    },
    async ({ epca, actor, params, query }) => {
      const result = await epca.departments.employees(actor, params.dept_id, { skip: query.skip, limit: query.limit });
      return page({ ...result, items: result.items.map((e) => employeeForViewer(actor, e)) });
    },
  );
}

/** The `departments` module. */
export const departmentModule: ServerModule = {
  name: "departments",
  tags: [{ name: "departments", description: 'Departments with their budgets; spec 000 section 4, "Department Management Endpoints".' }],
  routes,
};
