import { ConflictError, NotFoundError } from "../errors.js";
import {
  aggregateCompany,
  aggregateDepartment,
  aggregateEmployee,
  aggregateProject,
} from "../metrics/aggregate.js";
import { employeeMetricValue, projectMetricValue } from "../metrics/rankings.js";
import type { EmployeeAggregate, EmployeeRankingMetric, ProjectAggregate, ProjectRankingMetric } from "../ports/analytics-store.js";
import type { EmployeeInsert, ProjectInsert, TimesheetInsert } from "../ports/records.js";
import type { EpcaStore, TenantScope } from "../ports/store.js";
import { PLAN_LIMITS } from "../schemas/tenant.js";
import { check, checkCloseRecord, checkEqual, checkRejects } from "./assertions.js";
import { generateDataset, storeDataset, type StoredDataset } from "./dataset.js";

/** The parts of a test runner the suite needs (vitest, jest, mocha and node:test all fit). */
export interface ContractRunner {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>, timeout?: number): void;
  beforeAll(body: () => Promise<void>, timeout?: number): void;
  afterAll(body: () => Promise<void>, timeout?: number): void;
}

/** How to reach the adapter under test. */
export interface StoreContractOptions {
  /** Shown in the suite's name, e.g. `memory` or `pglite`. */
  readonly name: string;
  /**
   * Creates the store once for the whole suite. Every test works in tenants of its own, so a
   * store shared with other suites (one database per test file) is fine.
   */
  createStore(): Promise<EpcaStore>;
  /** Releases the store after the suite; defaults to `store.close()`. */
  closeStore?(store: EpcaStore): Promise<void>;
  /** Records in the analytics dataset (default 3,000 timesheets); raise it for a heavier check. */
  readonly analyticsTimesheets?: number;
}

let tenantCounter = 0;

/** A fresh tenant id no other run uses. */
function uniqueTenantId(): string {
  tenantCounter += 1;
  return `ct-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}-${tenantCounter}`;
}

const ROLLBACK = new Error("deliberate rollback");

/**
 * Runs the contract every `EpcaStore` adapter must pass: each port's behaviour, tenant isolation,
 * uniqueness conflicts, rollback of a failed unit of work, stable paging by id, the locking and
 * atomicity promises, and analytics equal to core's reference formulas on a generated dataset.
 *
 * @example
 * import { describe, it, beforeAll, afterAll } from "vitest";
 * runStoreContract({ describe, it, beforeAll, afterAll }, { name: "memory", createStore: async () => createMemoryStore() });
 */
export function runStoreContract(runner: ContractRunner, options: StoreContractOptions): void {
  const { describe, it, beforeAll, afterAll } = runner;
  let store: EpcaStore;

  async function newTenant(): Promise<string> {
    const id = uniqueTenantId();
    await store.tenants.insert({
      id,
      name: `Contract ${id}`,
      subdomain: id.slice(0, 63),
      plan: "starter",
      is_active: true,
      limits: PLAN_LIMITS.starter,
    });
    return id;
  }

  const run = <T>(tenant: string, work: (scope: TenantScope) => Promise<T>) => store.transaction(tenant, work);

  async function department(scope: TenantScope, name = "Engineering", budget = 100_000) {
    return scope.departments.insert({ name, budget, description: null });
  }
  function employeeValues(departmentId: number, overrides: Partial<EmployeeInsert> = {}): EmployeeInsert {
    return {
      name: "Ada Lovelace",
      email: null,
      department_id: departmentId,
      salary: 104_000,
      revenue_generated: 250_000,
      hire_date: "2020-02-03",
      skills: ["math", "engines"],
      is_active: true,
      ...overrides,
    };
  }
  function projectValues(departmentId: number, overrides: Partial<ProjectInsert> = {}): ProjectInsert {
    return {
      name: "Analytical Engine",
      department_id: departmentId,
      cost: 50_000,
      revenue: 120_000,
      status: "in_progress",
      completion_percentage: 40,
      start_date: "2024-01-01",
      end_date: null,
      estimated_end_date: "2024-12-31",
      description: null,
      ...overrides,
    };
  }
  function timesheetValues(employeeId: number, projectId: number, overrides: Partial<TimesheetInsert> = {}): TimesheetInsert {
    return {
      employee_id: employeeId,
      project_id: projectId,
      hours_worked: 8,
      date: "2024-03-04",
      description: null,
      status: "draft",
      reviewed_by: null,
      reviewed_at: null,
      review_note: null,
      ...overrides,
    };
  }
  /** A department, an employee and a project to hang timesheets and allocations on. */
  async function basics(scope: TenantScope) {
    const dept = await department(scope);
    const employee = await scope.employees.insert(employeeValues(dept.id));
    const project = await scope.projects.insert(projectValues(dept.id));
    return { dept, employee, project };
  }

  describe(`EpcaStore contract: ${options.name}`, () => {
    beforeAll(async () => {
      store = await options.createStore();
    }, 120_000);
    afterAll(async () => {
      if (!store) return;
      if (options.closeStore) await options.closeStore(store);
      else await store.close();
    }, 60_000);

    describe("unit of work", () => {
      it("commits what the work wrote", async () => {
        const tenant = await newTenant();
        const created = await run(tenant, (s) => department(s));
        const read = await run(tenant, (s) => s.departments.findById(created.id));
        checkEqual(read, created, "a committed department reads back as it was returned");
      });

      it("rolls back every write of a failed unit of work and rethrows the same error", async () => {
        const tenant = await newTenant();
        const kept = await run(tenant, (s) => department(s, "Kept", 1));
        let thrown: unknown;
        try {
          await run(tenant, async (s) => {
            const dept = await department(s, "Doomed");
            await s.employees.insert(employeeValues(dept.id));
            await s.departments.update(kept.id, { budget: 999 });
            await s.audit.append({
              user_id: null, action: "create", resource_type: "department", resource_id: String(dept.id),
              changes: { before: null, after: null }, ip_address: null, user_agent: null, request_id: null,
            });
            await s.departments.delete(kept.id);
            throw ROLLBACK;
          });
        } catch (error) {
          thrown = error;
        }
        check(thrown === ROLLBACK, "the work's own error is rethrown unchanged");
        const after = await run(tenant, async (s) => ({
          departments: await s.departments.list({}, { skip: 0, limit: 10 }),
          employees: await s.employees.list({}, { skip: 0, limit: 10 }),
          audit: await s.audit.list({}, { skip: 0, limit: 10 }),
        }));
        checkEqual(after.departments.items, [kept], "inserts, updates and deletes are undone");
        checkEqual(after.employees.total, 0, "the employee insert is undone");
        checkEqual(after.audit.total, 0, "the audit entry is undone with the change");
      });

      it("rolls back a bulk insert with the unit of work", async () => {
        const tenant = await newTenant();
        const { employee, project } = await run(tenant, basics);
        const thrown = await run(tenant, async (s) => {
          const stored = await s.timesheets.insertMany(
            Array.from({ length: 50 }, (_, i) => timesheetValues(employee.id, project.id, { hours_worked: 1 + (i % 4) })),
          );
          checkEqual(stored, 50, "insertMany answers how many it stored");
          throw ROLLBACK;
        }).catch((error: unknown) => error);
        check(thrown === ROLLBACK, "the work's own error is rethrown after the bulk insert");
        const total = await run(tenant, async (s) => (await s.timesheets.list({}, { skip: 0, limit: 1 })).total);
        checkEqual(total, 0, "no entry of the rolled back bulk insert remains");
      });

      it("rejects an unknown tenant with NotFoundError", async () => {
        await checkRejects(run(`missing-${uniqueTenantId()}`, async () => 1), NotFoundError, "unknown tenant");
      });
    });

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

    describe("timesheets", () => {
      it("filters by employee, project, department, status and an inclusive date range", async () => {
        const tenant = await newTenant();
        const r = await run(tenant, async (s) => {
          const { dept, employee, project } = await basics(s);
          const other = await department(s, "Other");
          const colleague = await s.employees.insert(employeeValues(other.id, { name: "Grace" }));
          const t1 = await s.timesheets.insert(timesheetValues(employee.id, project.id, { date: "2024-03-01" }));
          const t2 = await s.timesheets.insert(timesheetValues(employee.id, project.id, { date: "2024-03-10", status: "approved" }));
          const t3 = await s.timesheets.insert(timesheetValues(colleague.id, project.id, { date: "2024-03-20" }));
          return { dept, employee, colleague, t1, t2, t3 };
        });
        await run(tenant, async (s) => {
          const page = { skip: 0, limit: 100 };
          const ids = async (filter: Parameters<typeof s.timesheets.list>[0]) => (await s.timesheets.list(filter, page)).items.map((t) => t.id);
          checkEqual(await ids({ employee_id: r.employee.id }), [r.t1.id, r.t2.id], "by employee");
          checkEqual(await ids({ department_id: r.dept.id }), [r.t1.id, r.t2.id], "by the employee's department");
          checkEqual(await ids({ status: "approved" }), [r.t2.id], "by status");
          checkEqual(await ids({ from: "2024-03-10", to: "2024-03-20" }), [r.t2.id, r.t3.id], "inclusive range");
          checkEqual(await ids({ to: "2024-03-01" }), [r.t1.id], "open start");
        });
        const read = await run(tenant, (s) => s.timesheets.findById(r.t2.id));
        checkEqual(read, r.t2, "timesheet round-trip");
      });

      it("sums an employee's hours on a date without rejected entries or the excluded one", async () => {
        const tenant = await newTenant();
        const { employee, project } = await run(tenant, basics);
        const [kept] = await run(tenant, async (s) => [
          await s.timesheets.insert(timesheetValues(employee.id, project.id, { hours_worked: 6.5 })),
          await s.timesheets.insert(timesheetValues(employee.id, project.id, { hours_worked: 3, status: "submitted" })),
          await s.timesheets.insert(timesheetValues(employee.id, project.id, { hours_worked: 10, status: "rejected" })),
          await s.timesheets.insert(timesheetValues(employee.id, project.id, { hours_worked: 2, date: "2024-03-05" })),
        ]);
        checkEqual(await run(tenant, (s) => s.timesheets.sumHoursOnDateForUpdate(employee.id, "2024-03-04")), 9.5, "sum of the day");
        checkEqual(await run(tenant, (s) => s.timesheets.sumHoursOnDateForUpdate(employee.id, "2024-03-04", kept?.id)), 3, "sum without the excluded entry");
        checkEqual(await run(tenant, (s) => s.timesheets.sumHoursOnDateForUpdate(employee.id, "2023-01-01")), 0, "no entries: 0");
      });

      it("serialises concurrent check-then-insert on one employee and day (the 24-hour cap holds)", async () => {
        const tenant = await newTenant();
        const { employee, project } = await run(tenant, basics);
        const attempt = () =>
          run(tenant, async (s) => {
            const already = await s.timesheets.sumHoursOnDateForUpdate(employee.id, "2024-05-06");
            if (already + 14 > 24) throw new ConflictError("over 24 hours");
            return s.timesheets.insert(timesheetValues(employee.id, project.id, { date: "2024-05-06", hours_worked: 14 }));
          });
        const outcomes = await Promise.allSettled([attempt(), attempt(), attempt()]);
        checkEqual(outcomes.filter((o) => o.status === "fulfilled").length, 1, "exactly one of three concurrent 14-hour entries commits");
        checkEqual(await run(tenant, (s) => s.timesheets.sumHoursOnDateForUpdate(employee.id, "2024-05-06")), 14, "the day holds 14 hours");
      });

      it("locks an entry read for update until the unit of work ends", async () => {
        const tenant = await newTenant();
        const { employee, project } = await run(tenant, basics);
        const entry = await run(tenant, (s) => s.timesheets.insert(timesheetValues(employee.id, project.id, { status: "submitted" })));
        let approverHolds!: () => void;
        const holding = new Promise<void>((resolve) => { approverHolds = resolve; });
        const approver = run(tenant, async (s) => {
          check((await s.timesheets.findByIdForUpdate(entry.id))?.status === "submitted", "the approver reads the entry");
          approverHolds();
          await new Promise((resolve) => setTimeout(resolve, 150));
          await s.timesheets.update(entry.id, { status: "approved" });
        });
        await holding;
        const seenByEditor = await run(tenant, async (s) => (await s.timesheets.findByIdForUpdate(entry.id))?.status);
        await approver;
        checkEqual(seenByEditor, "approved", "a second reader for update waits for the first unit of work and sees its result");
        checkEqual(await run(tenant, (s) => s.timesheets.findByIdForUpdate(999_999_999)), null, "missing entry is null");
      });

      it("bulk-inserts many entries in one call", async () => {
        const tenant = await newTenant();
        const { employee, project } = await run(tenant, basics);
        const rows = Array.from({ length: 1_200 }, (_, i) =>
          timesheetValues(employee.id, project.id, { hours_worked: 0.25 * (1 + (i % 8)), date: `2024-0${1 + (i % 9)}-1${i % 10}`, description: i % 2 ? `row ${i}` : null }),
        );
        checkEqual(await run(tenant, (s) => s.timesheets.insertMany(rows)), 1_200, "stored count");
        const page = await run(tenant, (s) => s.timesheets.list({ employee_id: employee.id }, { skip: 1_000, limit: 1_000 }));
        checkEqual(page.total, 1_200, "every row stored");
        checkEqual(page.items.length, 200, "the last page holds the rest");
        const last = page.items[199];
        checkEqual(last && { hours: last.hours_worked, date: last.date, description: last.description }, { hours: 2, date: "2024-03-19", description: "row 1199" }, "fields of a bulk row");
      });
    });

    describe("allocations", () => {
      it("finds the overlapping allocations, bounds inclusive", async () => {
        const tenant = await newTenant();
        const { employee, project } = await run(tenant, basics);
        const [a, b] = await run(tenant, async (s) => {
          const values = { employee_id: employee.id, project_id: project.id, allocated_hours: 0 };
          return [
            await s.allocations.insert({ ...values, allocation_percentage: 50, start_date: "2024-01-01", end_date: "2024-01-31" }),
            await s.allocations.insert({ ...values, allocation_percentage: 30, start_date: "2024-02-01", end_date: "2024-02-29" }),
            await s.allocations.insert({ ...values, allocation_percentage: 20, start_date: "2024-04-01", end_date: "2024-04-30" }),
          ];
        });
        const ids = (list: { id: number }[]) => list.map((x) => x.id);
        checkEqual(ids(await run(tenant, (s) => s.allocations.findOverlappingForUpdate(employee.id, "2024-01-31", "2024-02-01"))), [a?.id, b?.id], "touching bounds overlap");
        checkEqual(ids(await run(tenant, (s) => s.allocations.findOverlappingForUpdate(employee.id, "2024-03-01", "2024-03-31"))), [], "a gap overlaps nothing");
        checkEqual(ids(await run(tenant, (s) => s.allocations.findOverlappingForUpdate(employee.id, "2024-01-15", "2024-02-15", a?.id))), [b?.id], "excluded id left out");
        const listed = await run(tenant, (s) => s.allocations.list({ from: "2024-02-15", to: "2024-04-01" }, { skip: 0, limit: 10 }));
        checkEqual(listed.total, 2, "list by overlapping range");
      });
    });

    describe("users, roles and refresh tokens", () => {
      const userValues = (email: string) => ({
        email, password_hash: "scrypt$hash", full_name: "Test User", role: "analyst" as const,
        is_active: true, department_id: null, employee_id: null,
      });

      it("stores users, refuses duplicate emails and updates", async () => {
        const tenant = await newTenant();
        const user = await run(tenant, (s) => s.users.insert(userValues("u@example.com")));
        checkEqual({ email: user.email, role: user.role, role_ids: user.role_ids, hash: user.password_hash }, { email: "u@example.com", role: "analyst", role_ids: [], hash: "scrypt$hash" }, "user fields");
        await checkRejects(run(tenant, (s) => s.users.insert(userValues("u@example.com"))), ConflictError, "duplicate user email");
        await checkRejects(run(tenant, (s) => s.users.insert(userValues("U@Example.com"))), ConflictError, "user emails collide without regard to case");
        checkEqual((await run(tenant, (s) => s.users.findByEmail("U@EXAMPLE.COM")))?.id, user.id, "user findByEmail ignores case");
        const updated = await run(tenant, (s) => s.users.update(user.id, { role: "admin", is_active: false }));
        checkEqual({ role: updated?.role, is_active: updated?.is_active }, { role: "admin", is_active: false }, "user update");
        checkEqual(await run(tenant, (s) => s.users.count()), 1, "count");
        checkEqual((await run(tenant, (s) => s.users.list({ role: "admin" }, { skip: 0, limit: 10 }))).total, 1, "filter by role");
      });

      it("grants custom roles and drops the grants with the role or the user", async () => {
        const tenant = await newTenant();
        const { user, role } = await run(tenant, async (s) => ({
          user: await s.users.insert(userValues("r@example.com")),
          role: await s.roles.insert({ name: "auditor", description: null, permissions: [{ resource: "audit_logs", actions: ["read"] }] }),
        }));
        await checkRejects(run(tenant, (s) => s.roles.insert({ name: "auditor", description: null, permissions: [] })), ConflictError, "duplicate role name");
        await checkRejects(run(tenant, (s) => s.users.setRoleIds(user.id, [role.id, 999_999_999])), NotFoundError, "granting a role of no such id");
        await checkRejects(run(tenant, (s) => s.users.setRoleIds(999_999_999, [role.id])), NotFoundError, "granting to a user of no such id");
        checkEqual((await run(tenant, (s) => s.users.findById(user.id)))?.role_ids, [], "a refused grant grants nothing");
        await run(tenant, (s) => s.users.setRoleIds(user.id, [role.id]));
        checkEqual((await run(tenant, (s) => s.users.findById(user.id)))?.role_ids, [role.id], "role granted");
        checkEqual(await run(tenant, (s) => s.roles.findByIds([role.id, 999_999_999])), [role], "findByIds returns the existing ones");
        await run(tenant, (s) => s.roles.delete(role.id));
        checkEqual((await run(tenant, (s) => s.users.findById(user.id)))?.role_ids, [], "grant gone with the role");
      });

      it("rotates a refresh token once, then reports reuse; revocation and expiry are told apart", async () => {
        const tenant = await newTenant();
        const user = await run(tenant, (s) => s.users.insert(userValues("t@example.com")));
        const now = new Date("2030-01-01T00:00:00Z");
        await run(tenant, async (s) => {
          await s.refreshTokens.insert({ family_id: "fam-1", token_hash: "hash-1", user_id: user.id, expires_at: "2030-01-08T00:00:00.000Z" });
          await s.refreshTokens.insert({ family_id: "fam-1", token_hash: "hash-2", user_id: user.id, expires_at: "2030-01-08T00:00:00.000Z" });
          await s.refreshTokens.insert({ family_id: "fam-2", token_hash: "hash-old", user_id: user.id, expires_at: "2029-12-31T00:00:00.000Z" });
        });
        checkEqual((await run(tenant, (s) => s.refreshTokens.consume("hash-1", now))).outcome, "rotated", "first use rotates");
        checkEqual((await run(tenant, (s) => s.refreshTokens.consume("hash-1", now))).outcome, "reused", "second use is reuse");
        checkEqual((await run(tenant, (s) => s.refreshTokens.consume("hash-old", now))).outcome, "expired", "expired");
        checkEqual((await run(tenant, (s) => s.refreshTokens.consume("nope", now))).outcome, "unknown", "unknown");
        checkEqual(await run(tenant, (s) => s.refreshTokens.revokeFamily("fam-1", now)), 1, "one live token revoked");
        checkEqual((await run(tenant, (s) => s.refreshTokens.consume("hash-2", now))).outcome, "revoked", "revoked");
        checkEqual((await run(tenant, (s) => s.refreshTokens.consume("hash-1", now))).outcome, "revoked", "revoked is told before reused");
        const other = await newTenant();
        checkEqual((await run(other, (s) => s.refreshTokens.consume("hash-2", now))).outcome, "unknown", "tokens are per tenant");
      });

      it("lets exactly one of two concurrent refreshes with the same token win", async () => {
        const tenant = await newTenant();
        const user = await run(tenant, (s) => s.users.insert(userValues("race@example.com")));
        await run(tenant, (s) => s.refreshTokens.insert({ family_id: "race", token_hash: "race-hash", user_id: user.id, expires_at: "2099-01-01T00:00:00.000Z" }));
        const now = new Date("2030-01-01T00:00:00Z");
        const results = await Promise.all([1, 2, 3].map(() => run(tenant, (s) => s.refreshTokens.consume("race-hash", now))));
        checkEqual(results.filter((r) => r.outcome === "rotated").length, 1, "exactly one rotation");
        checkEqual(results.filter((r) => r.outcome === "reused").length, 2, "the others see reuse");
      });

      it("deletes a user with their tokens, and revokes all of a user's tokens", async () => {
        const tenant = await newTenant();
        const now = new Date("2030-01-01T00:00:00Z");
        const [a, b] = await run(tenant, async (s) => [await s.users.insert(userValues("a@example.com")), await s.users.insert(userValues("b@example.com"))]);
        await run(tenant, async (s) => {
          await s.refreshTokens.insert({ family_id: "fa", token_hash: "ha", user_id: a!.id, expires_at: "2099-01-01T00:00:00.000Z" });
          await s.refreshTokens.insert({ family_id: "fb", token_hash: "hb", user_id: b!.id, expires_at: "2099-01-01T00:00:00.000Z" });
          await s.refreshTokens.insert({ family_id: "fb2", token_hash: "hb2", user_id: b!.id, expires_at: "2099-01-01T00:00:00.000Z" });
        });
        checkEqual((await run(tenant, (s) => s.users.delete(a!.id)))?.email, "a@example.com", "delete answers the user");
        checkEqual((await run(tenant, (s) => s.refreshTokens.consume("ha", now))).outcome, "unknown", "tokens deleted with the user");
        checkEqual(await run(tenant, (s) => s.refreshTokens.revokeAllForUser(b!.id, now)), 2, "both of b's tokens revoked");
        checkEqual((await run(tenant, (s) => s.refreshTokens.consume("hb2", now))).outcome, "revoked", "revoked for the user");
      });
    });

    describe("audit log", () => {
      it("appends entries and filters them", async () => {
        const tenant = await newTenant();
        const entry = (action: string, resourceId: string) => ({
          user_id: null, action, resource_type: "department", resource_id: resourceId,
          changes: { before: null, after: { name: "X", budget: 1 } }, ip_address: "127.0.0.1", user_agent: "contract", request_id: "req-1",
        });
        const first = await run(tenant, (s) => s.audit.append(entry("create", "1")));
        await run(tenant, async (s) => {
          await s.audit.append(entry("update", "1"));
          await s.audit.append(entry("create", "2"));
        });
        checkEqual(first.changes, { before: null, after: { name: "X", budget: 1 } }, "changes stored as JSON");
        const list = (f: Parameters<TenantScope["audit"]["list"]>[0]) => run(tenant, (s) => s.audit.list(f, { skip: 0, limit: 10 }));
        checkEqual((await list({})).total, 3, "every entry");
        checkEqual((await list({ action: "create" })).items.map((e) => e.resource_id), ["1", "2"], "by action, in order");
        checkEqual((await list({ resource_type: "department", resource_id: "1" })).total, 2, "by resource");
        const today = first.created_at.slice(0, 10);
        checkEqual((await list({ from: today, to: today })).total, 3, "by inclusive date range");
        const minuteAgo = new Date(Date.parse(first.created_at) - 60_000).toISOString();
        const minuteAhead = new Date(Date.parse(first.created_at) + 60_000).toISOString();
        checkEqual((await list({ from: minuteAgo })).total, 3, "from an instant before the entries");
        checkEqual((await list({ to: minuteAgo })).total, 0, "to an instant before the entries");
        checkEqual((await list({ from: minuteAhead })).total, 0, "from an instant after the entries");
      });
    });

    describe("tenants", () => {
      it("stores, finds and updates tenants; subdomains are unique", async () => {
        const id = uniqueTenantId();
        const created = await store.tenants.insert({ id, name: "Acme", subdomain: id, plan: "professional", is_active: true, limits: PLAN_LIMITS.professional });
        checkEqual({ id: created.id, plan: created.plan, limits: created.limits }, { id, plan: "professional", limits: PLAN_LIMITS.professional }, "tenant fields");
        checkEqual(await store.tenants.findBySubdomain(id), created, "by subdomain");
        await checkRejects(
          store.tenants.insert({ id: `${id}-2`, name: "Acme 2", subdomain: id, plan: "starter", is_active: true, limits: PLAN_LIMITS.starter }),
          ConflictError,
          "duplicate subdomain",
        );
        const suspended = await store.tenants.update(id, { is_active: false });
        checkEqual(suspended?.is_active, false, "suspended");
        check((await store.tenants.list()).some((t) => t.id === id), "listed");
        checkEqual(await store.tenants.findById(`none-${id}`), null, "unknown tenant is null");
      });
    });

    describe("analytics", () => {
      let tenant: string;
      let data: StoredDataset;
      const S = 2080;
      beforeAll(async () => {
        tenant = await newTenant();
        const timesheets = options.analyticsTimesheets ?? 3_000;
        const dataset = generateDataset({ seed: 7, departments: 6, employees: 120, projects: 30, timesheets });
        data = await run(tenant, (s) => storeDataset(s, dataset));
      }, 120_000);

      it("answers the company totals of the reference formulas", async () => {
        const expected = aggregateCompany(data.departments, data.employees, data.projects, data.timesheets);
        checkCloseRecord(await run(tenant, (s) => s.analytics.company()), expected, "company aggregate");
      });

      it("answers every department's aggregate, the empty one included", async () => {
        const actual = await run(tenant, (s) => Promise.all(data.departments.map((d) => s.analytics.department(d.id))));
        data.departments.forEach((d, i) => {
          const got = actual[i];
          check(got, `department ${d.id} has an aggregate`);
          checkCloseRecord(got, aggregateDepartment(d, data.employees, data.projects, data.timesheets), `department ${d.name}`);
        });
      });

      it("answers employee and project aggregates", async () => {
        const byId = new Map(data.employees.map((e) => [e.id, e]));
        const employees = await run(tenant, (s) => Promise.all(data.employees.map((e) => s.analytics.employee(e.id))));
        data.employees.forEach((e, i) => checkCloseRecord(employees[i] ?? {}, aggregateEmployee(e, data.timesheets), `employee ${e.id}`));
        const projects = await run(tenant, (s) => Promise.all(data.projects.map((p) => s.analytics.project(p.id))));
        data.projects.forEach((p, i) => checkCloseRecord(projects[i] ?? {}, aggregateProject(p, data.timesheets, byId), `project ${p.id}`));
        checkEqual(await run(tenant, (s) => s.analytics.employee(999_999_999)), null, "unknown employee");
        checkEqual(await run(tenant, (s) => s.analytics.project(999_999_999)), null, "unknown project");
      });

      it("ranks employees and projects like the reference, nulls left out, ties by id", async () => {
        const employeeAggs = data.employees.map((e) => aggregateEmployee(e, data.timesheets));
        const byId = new Map(data.employees.map((e) => [e.id, e]));
        const projectAggs = data.projects.map((p) => aggregateProject(p, data.timesheets, byId));
        const reference = <A>(aggs: A[], value: (a: A) => number | null, id: (a: A) => number, limit: number) =>
          aggs
            .map((a) => ({ a, v: value(a) }))
            .filter((x): x is { a: A; v: number } => x.v !== null)
            .sort((x, y) => y.v - x.v || id(x.a) - id(y.a))
            .slice(0, limit)
            .map((x) => id(x.a));
        for (const metric of ["productivity_index", "roi", "revenue_generated"] as EmployeeRankingMetric[]) {
          const ranked = await run(tenant, (s) => s.analytics.rankEmployees(metric, 25));
          const expected = reference(employeeAggs, (a: EmployeeAggregate) => employeeMetricValue(a, metric, { standardAnnualHours: S }), (a) => a.employee_id, 25);
          checkEqual(ranked.map((r) => r.employee_id), expected, `employees by ${metric}`);
          ranked.forEach((row) => {
            const reference = employeeAggs.find((a) => a.employee_id === row.employee_id);
            checkCloseRecord(row, reference ?? {}, `ranked employee ${row.employee_id}`);
          });
        }
        const withoutHours = employeeAggs.filter((a) => a.total_hours === 0).length;
        check(withoutHours > 0, "the dataset has employees without hours");
        const all = await run(tenant, (s) => s.analytics.rankEmployees("productivity_index", 1_000));
        checkEqual(all.length, employeeAggs.length - withoutHours, "employees without hours are left out of productivity");
        for (const metric of ["roi", "profit", "productivity_index"] as ProjectRankingMetric[]) {
          const ranked = await run(tenant, (s) => s.analytics.rankProjects(metric, 10, S));
          const expected = reference(projectAggs, (a: ProjectAggregate) => projectMetricValue(a, metric, { standardAnnualHours: S }), (a) => a.project_id, 10);
          checkEqual(ranked.map((r) => r.project_id), expected, `projects by ${metric}`);
          ranked.forEach((row) => {
            const reference = projectAggs.find((a) => a.project_id === row.project_id);
            checkCloseRecord(row, reference ?? {}, `ranked project ${row.project_id}`);
          });
        }
      });
    });
  });
}
