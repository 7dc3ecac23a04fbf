import { NotFoundError } from "../../errors.js";
import { check, checkEqual, checkRejects } from "../assertions.js";
import { type ContractContext } from "./kit.js";

/** The contract part "tenant isolation". */
export function tenantIsolationContract(ctx: ContractContext): void {
  const { describe, it, run, newTenant, department, employeeValues, timesheetValues, basics } = ctx;
  describe("tenant isolation", () => {
    it("never shows, changes or deletes another tenant's records", async () => {
      const a = await newTenant();
      const b = await newTenant();
      const inA = await run(a, basics);
      const otherUser = await run(a, (s) =>
        s.users.insert({
          email: "owner@example.com", password_hash: "x", full_name: "Owner", role: "admin",
          is_active: true, department_id: null, employee_id: null,
        }),
      );
      await run(b, async (s) => {
        checkEqual(await s.departments.findById(inA.dept.id), null, "findById across tenants");
        checkEqual(await s.employees.findById(inA.employee.id), null, "employee across tenants");
        checkEqual(await s.projects.findById(inA.project.id), null, "project across tenants");
        checkEqual(await s.users.findById(otherUser.id), null, "user across tenants");
        checkEqual(await s.users.findByEmail("owner@example.com"), null, "user by email across tenants");
        checkEqual(await s.departments.findByName("Engineering"), null, "findByName across tenants");
        checkEqual((await s.departments.list({}, { skip: 0, limit: 100 })).total, 0, "list across tenants");
        checkEqual(await s.departments.update(inA.dept.id, { budget: 1 }), null, "update across tenants");
        checkEqual(await s.employees.delete(inA.employee.id), null, "delete across tenants");
        checkEqual((await s.analytics.company()).employee_count, 0, "analytics across tenants");
        checkEqual(await s.analytics.department(inA.dept.id), null, "department analytics across tenants");
      });
      const still = await run(a, (s) => s.employees.findById(inA.employee.id));
      checkEqual(still, inA.employee, "the other tenant's record is untouched");
    });

    it("keeps every list, lookup and reference inside the tenant", async () => {
      const a = await newTenant();
      const b = await newTenant();
      const inA = await run(a, async (s) => {
        const base = await basics(s);
        const timesheet = await s.timesheets.insert(timesheetValues(base.employee.id, base.project.id));
        const allocation = await s.allocations.insert({ employee_id: base.employee.id, project_id: base.project.id, allocation_percentage: 50, allocated_hours: 0, start_date: "2024-01-01", end_date: "2024-12-31" });
        const role = await s.roles.insert({ name: "tenant_a_role", description: null, permissions: [] });
        await s.audit.append({ user_id: null, action: "create", resource_type: "department", resource_id: String(base.dept.id), changes: { before: null, after: null }, ip_address: null, user_agent: null, request_id: null });
        return { ...base, timesheet, allocation, role };
      });
      await run(b, async (s) => {
        const page = { skip: 0, limit: 100 };
        checkEqual((await s.timesheets.list({}, page)).total, 0, "timesheets listed across tenants");
        checkEqual(await s.timesheets.findById(inA.timesheet.id), null, "timesheet across tenants");
        checkEqual(await s.timesheets.findByIdForUpdate(inA.timesheet.id), null, "timesheet for update across tenants");
        checkEqual(await s.timesheets.sumHoursOnDateForUpdate(inA.employee.id, "2024-03-04"), 0, "hours across tenants");
        checkEqual((await s.allocations.list({}, page)).total, 0, "allocations listed across tenants");
        checkEqual(await s.allocations.findOverlappingForUpdate(inA.employee.id, "2024-01-01", "2024-12-31"), [], "allocations across tenants");
        checkEqual(await s.roles.list(), [], "roles across tenants");
        checkEqual(await s.roles.findByIds([inA.role.id]), [], "roles by id across tenants");
        checkEqual((await s.audit.list({}, page)).total, 0, "audit across tenants");
        checkEqual((await s.users.list({}, page)).total, 0, "users across tenants");
        checkEqual(await s.analytics.rankEmployees("roi", 10), [], "rankings across tenants");
        checkEqual(await s.analytics.employee(inA.employee.id), null, "employee analytics across tenants");
      });
      // A reference to another tenant's record is a reference to nothing.
      const own = await run(b, (s) => department(s, "B's own"));
      await checkRejects(run(b, (s) => s.employees.insert(employeeValues(inA.dept.id))), NotFoundError, "employee in another tenant's department");
      await checkRejects(run(b, async (s) => {
        const employee = await s.employees.insert(employeeValues(own.id));
        return s.timesheets.insert(timesheetValues(employee.id, inA.project.id));
      }), NotFoundError, "timesheet on another tenant's project");
    });

    it("scopes uniqueness to the tenant and never reuses an id across tenants", async () => {
      const a = await newTenant();
      const b = await newTenant();
      const first = await run(a, (s) => department(s, "Sales"));
      const second = await run(b, (s) => department(s, "Sales"));
      check(first.id !== second.id, "ids are unique across tenants");
      const userA = await run(a, (s) =>
        s.users.insert({ email: "same@example.com", password_hash: "h", full_name: "A", role: "read_only", is_active: true, department_id: null, employee_id: null }),
      );
      const userB = await run(b, (s) =>
        s.users.insert({ email: "same@example.com", password_hash: "h", full_name: "B", role: "read_only", is_active: true, department_id: null, employee_id: null }),
      );
      check(userA.id !== userB.id, "the same email may exist once per tenant");
    });
  });
}
