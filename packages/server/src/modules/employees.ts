import { employeeForViewer } from "@epca/core";
import { z } from "zod";
import type { ServerModule } from "../http/module.js";
import type { RouteTable } from "../http/route-table.js";
import { booleanQuery, idParam, idParams, pageQuery } from "../http/params.js";
import { created, ok, page } from "../http/replies.js";
import { schemas } from "./schemas.js";

const tags = ["employees"];
const empId = idParams("emp_id");
const listQuery = pageQuery.extend({ department_id: idParam.optional(), is_active: booleanQuery.optional() });

/** `/employees`: spec 000 section 4, "Employee Management Endpoints". */
function routes(api: RouteTable): void {
  api.define(
    {
      method: "get",
      path: "/employees/",
      summary: "List all employees",
      description: "`salary` is left out of the employees whose pay the caller may not see (docs/privacy.md).",
      tags,
      permission: { action: "read", resource: "employees" },
      request: { query: listQuery },
      responses: { 200: { description: "One page of employees", schema: z.array(schemas.Employee), headers: ["X-Total-Count"] } },
    },
    async ({ epca, actor, query: { skip, limit, ...filter } }) => {
      const result = await epca.employees.list(actor, filter, { skip, limit });
      return page({ ...result, items: result.items.map((e) => employeeForViewer(actor, e)) });
    },
  );

  api.define(
    {
      method: "post",
      path: "/employees/",
      summary: "Create employee",
      conflicts: "An employee with this email already exists",
      description: "A department head creates employees of their own department only.",
      tags,
      permission: { action: "create", resource: "employees" },
      request: { body: schemas.EmployeeCreate },
      responses: { 201: { description: "The created employee", schema: schemas.Employee, headers: ["Location"] } },
    },
    async ({ epca, actor, body, req }) => created(req, "/employees", await epca.employees.create(actor, body)),
  );

  api.define(
    {
      method: "get",
      path: "/employees/{emp_id}",
      summary: "Get employee details",
      description: "`salary` is left out unless the caller may see this person's pay (docs/privacy.md).",
      tags,
      prefetch: { record: "employees", param: "emp_id" },
      permission: { action: "read", resource: "employees" },
      request: { params: empId },
      responses: { 200: { description: "The employee", schema: schemas.Employee } },
    },
    async ({ epca, actor, params }) => ok(employeeForViewer(actor, await epca.employees.get(actor, params.emp_id))),
  );

  api.define(
    {
      method: "put",
      path: "/employees/{emp_id}",
      summary: "Update employee",
      conflicts: "An employee with this email already exists",
      description: "A department head updates employees of their own department only, and cannot move one out of it.",
      tags,
      permission: { action: "update", resource: "employees" },
      request: { params: empId, body: schemas.EmployeeUpdate },
      responses: { 200: { description: "The updated employee", schema: schemas.Employee } },
    },
    async ({ epca, actor, params, body }) => ok(await epca.employees.update(actor, params.emp_id, body)),
  );

  api.define(
    {
      method: "delete",
      path: "/employees/{emp_id}",
      summary: "Delete employee",
      description:
        "`?erase=true` (right to erasure, admins): instead of deleting, replaces the personal fields (name, email, skills, hire date, timesheet descriptions), deactivates the employee and deletes their user accounts; salary, revenue and hours stay, so every aggregate and past report total is unchanged (docs/tenancy.md).",
      conflicts: "The employee has timesheets or allocations; set `is_active` to false instead (or erase); erasing your own employee record",
      tags,
      permission: { action: "delete", resource: "employees" },
      request: { params: empId, query: z.object({ erase: booleanQuery.optional() }) },
      responses: { 200: { description: "The deleted (or erased) employee", schema: schemas.Employee } },
    },
    async ({ epca, actor, params, query }) =>
      ok(query.erase === true ? await epca.personalData.eraseEmployee(actor, params.emp_id) : await epca.employees.delete(actor, params.emp_id)),
  );
}

/** The `employees` module. */
export const employeeModule: ServerModule = {
  name: "employees",
  tags: [{ name: "employees", description: 'Employees, their salaries, revenue and skills; "Employee Management Endpoints".' }],
  routes,
};
