import { createMemoryStore } from "@epca/adapter-memory";
import { createApp, testConfig } from "@epca/server";
import { describe, expect, it } from "vitest";

describe("OpenAPI document", () => {
  const app = createApp({ store: createMemoryStore(), config: testConfig() });
  const document = app.api.openApiDocument() as { paths: Record<string, Record<string, { "x-roles": string[]; parameters?: { name: string; in: string; schema: { type?: string } }[] }>>; components: { schemas: Record<string, unknown> } };

  it("has exactly the operations the router mounts", () => {
    const normalise = (path: string) => path.replace(/\{(\w+)\}/g, ":$1").replace(/(.)\/$/, "$1");
    const mounted = app.api.routes.map((r) => `${r.method.toUpperCase()} ${r.expressPath}`).sort();
    const documented = Object.entries(document.paths)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${normalise(path)}`))
      .sort();
    expect(documented).toEqual(mounted);
    expect(new Set(mounted).size).toBe(mounted.length);
  });

  it("covers every endpoint of the documented tables", () => {
    const documentedTable = [
      "POST /api/v1/auth/register", "POST /api/v1/auth/login", "POST /api/v1/auth/refresh", "GET /api/v1/auth/me",
      "GET /api/v1/users/", "GET /api/v1/users/{user_id}", "PUT /api/v1/users/{user_id}", "DELETE /api/v1/users/{user_id}",
      "GET /api/v1/departments/", "POST /api/v1/departments/", "GET /api/v1/departments/{dept_id}", "PUT /api/v1/departments/{dept_id}",
      "DELETE /api/v1/departments/{dept_id}", "GET /api/v1/departments/{dept_id}/employees",
      "GET /api/v1/employees/", "POST /api/v1/employees/", "GET /api/v1/employees/{emp_id}", "PUT /api/v1/employees/{emp_id}", "DELETE /api/v1/employees/{emp_id}",
      "GET /api/v1/projects/", "POST /api/v1/projects/", "GET /api/v1/projects/{proj_id}", "PUT /api/v1/projects/{proj_id}", "DELETE /api/v1/projects/{proj_id}",
      "GET /api/v1/projects/department/{dept_id}",
      "GET /api/v1/timesheets/", "POST /api/v1/timesheets/", "GET /api/v1/timesheets/{ts_id}", "PUT /api/v1/timesheets/{ts_id}", "DELETE /api/v1/timesheets/{ts_id}",
      "GET /api/v1/timesheets/employee/{emp_id}", "GET /api/v1/timesheets/project/{proj_id}",
      "GET /api/v1/analytics/company", "GET /api/v1/analytics/departments/{dept_id}", "GET /api/v1/analytics/employees/{emp_id}",
      "GET /api/v1/analytics/projects/{proj_id}", "GET /api/v1/analytics/top-performers", "GET /api/v1/analytics/top-projects",
      "GET /api/v1/health",
    ];
    for (const entry of documentedTable) {
      const [method, path] = entry.split(" ") as [string, string];
      expect(document.paths[path]?.[method.toLowerCase()], entry).toBeDefined();
    }
  });

  it("uses core's schemas as components and documents ids as integers and roles per operation", () => {
    expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(["Department", "DepartmentCreate", "Employee", "EmployeeCreate", "User", "Timesheet"]));
    const get = document.paths["/api/v1/employees/{emp_id}"]!.get!;
    expect(get.parameters?.find((p) => p.name === "emp_id")?.schema.type).toBe("integer");
    expect(document.paths["/api/v1/analytics/company"]!.get!["x-roles"]).toEqual(["admin", "analyst"]);
    expect(document.paths["/api/v1/departments/{dept_id}"]!.delete!["x-roles"]).toEqual(["admin"]);
  });
});
