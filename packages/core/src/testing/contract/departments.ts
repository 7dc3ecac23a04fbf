import { ConflictError, NotFoundError } from "../../errors.js";
import { check, checkEqual, checkRejects } from "../assertions.js";
import { type ContractContext } from "./kit.js";

/** The contract part "departments". */
export function departmentContract(ctx: ContractContext): void {
  const { describe, it, run, newTenant, department, employeeValues, projectValues, timesheetValues, basics } = ctx;
  describe("departments", () => {
    it("stores every field and bumps updated_at on update", async () => {
      const tenant = await newTenant();
      const created = await run(tenant, (s) => s.departments.insert({ name: "Research", budget: 1234.5, description: "R&D" }));
      checkEqual(
        { name: created.name, budget: created.budget, description: created.description },
        { name: "Research", budget: 1234.5, description: "R&D" },
        "department fields",
      );
      check(Number.isInteger(created.id) && created.id > 0, "positive integer id");
      check(!Number.isNaN(Date.parse(created.created_at)) && created.created_at === created.updated_at, "timestamps set");
      await new Promise((resolve) => setTimeout(resolve, 5));
      const updated = await run(tenant, (s) => s.departments.update(created.id, { budget: 99, description: null }));
      checkEqual({ budget: updated?.budget, description: updated?.description, name: updated?.name }, { budget: 99, description: null, name: "Research" }, "patched fields only");
      check(updated !== null && updated.updated_at > created.updated_at && updated.created_at === created.created_at, "updated_at moves on, created_at stays");
    });

    it("refuses a duplicate name with ConflictError, on insert and on update", async () => {
      const tenant = await newTenant();
      await run(tenant, (s) => department(s, "Finance"));
      const other = await run(tenant, (s) => department(s, "Legal"));
      await checkRejects(run(tenant, (s) => department(s, "Finance")), ConflictError, "duplicate department name on insert");
      await checkRejects(run(tenant, (s) => s.departments.update(other.id, { name: "Finance" })), ConflictError, "duplicate name on update");
      checkEqual((await run(tenant, (s) => s.departments.findByName("Finance")))?.name, "Finance", "findByName");
    });

    it("refuses references to missing records, and deletes of records still referred to", async () => {
      const tenant = await newTenant();
      await checkRejects(run(tenant, (s) => s.employees.insert(employeeValues(999_999_999))), NotFoundError, "employee in a missing department");
      await checkRejects(run(tenant, (s) => s.projects.insert(projectValues(999_999_999))), NotFoundError, "project in a missing department");
      const { dept, employee, project } = await run(tenant, basics);
      await checkRejects(run(tenant, (s) => s.timesheets.insert(timesheetValues(999_999_999, project.id))), NotFoundError, "timesheet of a missing employee");
      await checkRejects(run(tenant, (s) => s.timesheets.insertMany([timesheetValues(employee.id, 999_999_999)])), NotFoundError, "bulk timesheet on a missing project");
      await checkRejects(run(tenant, (s) => s.departments.delete(dept.id)), ConflictError, "department with employees and projects");
      await run(tenant, (s) => s.timesheets.insert(timesheetValues(employee.id, project.id)));
      await checkRejects(run(tenant, (s) => s.employees.delete(employee.id)), ConflictError, "employee with timesheets");
      await checkRejects(run(tenant, (s) => s.projects.delete(project.id)), ConflictError, "project with timesheets");
      checkEqual((await run(tenant, (s) => s.employees.findById(employee.id)))?.id, employee.id, "the refused delete changed nothing");
    });

    it("unlinks users from a deleted employee or department", async () => {
      const tenant = await newTenant();
      const { user, dept, employee } = await run(tenant, async (s) => {
        const d = await department(s, "Linked");
        const e = await s.employees.insert(employeeValues(d.id));
        const u = await s.users.insert({ email: "linked@example.com", password_hash: "h", full_name: "L", role: "department_head", is_active: true, department_id: d.id, employee_id: e.id });
        return { user: u, dept: d, employee: e };
      });
      checkEqual({ d: user.department_id, e: user.employee_id }, { d: dept.id, e: employee.id }, "links stored");
      await run(tenant, (s) => s.employees.delete(employee.id));
      checkEqual((await run(tenant, (s) => s.users.findById(user.id)))?.employee_id, null, "employee link cleared");
      await run(tenant, (s) => s.departments.delete(dept.id));
      checkEqual((await run(tenant, (s) => s.users.findById(user.id)))?.department_id, null, "department link cleared");
    });

    it("counts dependents", async () => {
      const tenant = await newTenant();
      const { dept } = await run(tenant, basics);
      checkEqual(await run(tenant, (s) => s.departments.countDependents(dept.id)), { employees: 1, projects: 1 }, "dependents");
    });

    it("pages by id, stably, with the total before paging", async () => {
      const tenant = await newTenant();
      const created = await run(tenant, async (s) => {
        const all = [];
        for (let i = 0; i < 23; i += 1) all.push(await department(s, `Dept ${String(25 - i).padStart(2, "0")}`));
        return all;
      });
      const ids = created.map((d) => d.id);
      const pages = [];
      for (let skip = 0; skip < 30; skip += 10) {
        const page = await run(tenant, (s) => s.departments.list({}, { skip, limit: 10 }));
        checkEqual(page.total, 23, "total counts every match");
        pages.push(...page.items.map((d) => d.id));
      }
      checkEqual(pages, [...ids].sort((x, y) => x - y), "pages concatenate to every id in ascending order");
      const byName = await run(tenant, (s) => s.departments.list({ name: "Dept 10" }, { skip: 0, limit: 10 }));
      checkEqual(byName.items.map((d) => d.name), ["Dept 10"], "filter by name");
    });

    it("returns copies: changing a returned record changes nothing stored", async () => {
      const tenant = await newTenant();
      const created = await run(tenant, (s) => department(s, "Copies"));
      (created as { name: string }).name = "Mutated";
      const read = await run(tenant, (s) => s.departments.findById(created.id));
      checkEqual(read?.name, "Copies", "stored name unchanged");
    });
  });
}
