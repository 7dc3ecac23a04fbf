import { ConflictError } from "../../errors.js";
import { check, checkEqual, checkRejects } from "../assertions.js";
import { type ContractContext } from "./kit.js";

/** The contract part "employees and projects". */
export function employeeProjectContract(ctx: ContractContext): void {
  const { describe, it, run, newTenant, department, employeeValues, projectValues, timesheetValues, basics } = ctx;
  describe("employees and projects", () => {
    it("round-trips every employee field, null emails included", async () => {
      const tenant = await newTenant();
      const dept = await run(tenant, (s) => department(s));
      const values = employeeValues(dept.id, { email: "ada@example.com", salary: 98_765.25, skills: ["a", "b c"], hire_date: "2019-12-31" });
      const created = await run(tenant, (s) => s.employees.insert(values));
      const read = await run(tenant, (s) => s.employees.findById(created.id));
      checkEqual(read, created, "read back equals the insert's answer");
      const { id: _id, created_at: _c, updated_at: _u, ...fields } = created;
      checkEqual(fields, values, "every field stored as given");
      await run(tenant, async (s) => {
        await s.employees.insert(employeeValues(dept.id, { email: null, name: "No Mail 1" }));
        await s.employees.insert(employeeValues(dept.id, { email: null, name: "No Mail 2" }));
      });
      checkEqual((await run(tenant, (s) => s.employees.findByEmail("ada@example.com")))?.id, created.id, "findByEmail");
    });

    it("refuses a duplicate email with ConflictError", async () => {
      const tenant = await newTenant();
      const dept = await run(tenant, (s) => department(s));
      await run(tenant, (s) => s.employees.insert(employeeValues(dept.id, { email: "dup@example.com" })));
      await checkRejects(
        run(tenant, (s) => s.employees.insert(employeeValues(dept.id, { email: "dup@example.com", name: "Other" }))),
        ConflictError,
        "duplicate employee email",
      );
      await checkRejects(
        run(tenant, (s) => s.employees.insert(employeeValues(dept.id, { email: "DUP@example.com", name: "Upper" }))),
        ConflictError,
        "emails collide without regard to case",
      );
      check((await run(tenant, (s) => s.employees.findByEmail("Dup@Example.COM"))) !== null, "findByEmail ignores case");
    });

    it("filters employees by department and activity, projects by department and status", async () => {
      const tenant = await newTenant();
      const r = await run(tenant, async (s) => {
        const d1 = await department(s, "One");
        const d2 = await department(s, "Two");
        const e1 = await s.employees.insert(employeeValues(d1.id, { name: "E1" }));
        const e2 = await s.employees.insert(employeeValues(d2.id, { name: "E2", is_active: false }));
        const p1 = await s.projects.insert(projectValues(d1.id, { status: "completed" }));
        const p2 = await s.projects.insert(projectValues(d2.id, { status: "planned", name: "P2" }));
        return { d1, d2, e1, e2, p1, p2 };
      });
      await run(tenant, async (s) => {
        const page = { skip: 0, limit: 100 };
        checkEqual((await s.employees.list({ department_id: r.d2.id }, page)).items.map((e) => e.id), [r.e2.id], "employees by department");
        checkEqual((await s.employees.list({ is_active: true }, page)).items.map((e) => e.id), [r.e1.id], "employees by is_active");
        checkEqual((await s.projects.list({ department_id: r.d1.id }, page)).items.map((p) => p.id), [r.p1.id], "projects by department");
        checkEqual((await s.projects.list({ status: "planned" }, page)).items.map((p) => p.id), [r.p2.id], "projects by status");
        checkEqual(await s.projects.findById(r.p1.id), r.p1, "project round-trip");
      });
    });

    it("counts an employee's and a project's timesheets and allocations", async () => {
      const tenant = await newTenant();
      const { employee, project } = await run(tenant, basics);
      await run(tenant, async (s) => {
        await s.timesheets.insert(timesheetValues(employee.id, project.id));
        await s.allocations.insert({ employee_id: employee.id, project_id: project.id, allocation_percentage: 50, allocated_hours: 80, start_date: "2024-01-01", end_date: "2024-06-30" });
      });
      checkEqual(await run(tenant, (s) => s.employees.countDependents(employee.id)), { timesheets: 1, allocations: 1 }, "employee dependents");
      checkEqual(await run(tenant, (s) => s.projects.countDependents(project.id)), { timesheets: 1, allocations: 1 }, "project dependents");
    });
  });
}
