import type { Caller, Fixture, TestServer } from "./support/harness.js";
import { daysAgo } from "./support/harness.js";

/** Expected answer class: a 2xx, or an exact status. */
export type Expect = "2xx" | 401 | 403;

/** One row: a route, how to build the request (fresh targets for mutations), and who gets what. */
export interface MatrixRow {
  readonly route: string;
  readonly request: (t: TestServer, fx: Fixture, caller: Caller) => Promise<{ path: string; body?: unknown }>;
  readonly expect: Record<Exclude<Caller, "anonymous">, Expect>;
}

const ALL: MatrixRow["expect"] = { admin: "2xx", department_head: "2xx", analyst: "2xx", read_only: "2xx", other_head: "2xx" };
const ADMIN_ONLY: MatrixRow["expect"] = { admin: "2xx", department_head: 403, analyst: 403, read_only: 403, other_head: 403 };
/** Admin and the head of department A (the target's department); not B's head. */
const ADMIN_AND_HEAD_A: MatrixRow["expect"] = { admin: "2xx", department_head: "2xx", analyst: 403, read_only: 403, other_head: 403 };
/** Admin, head of A, and the owner (the read-only user is employee A). */
const ADMIN_HEAD_A_OWNER: MatrixRow["expect"] = { admin: "2xx", department_head: "2xx", analyst: 403, read_only: "2xx", other_head: 403 };
const ADMIN_ANALYST: MatrixRow["expect"] = { admin: "2xx", department_head: 403, analyst: "2xx", read_only: 403, other_head: 403 };

let sequence = 0;
const unique = (prefix: string) => `${prefix} ${++sequence}-${Math.random().toString(36).slice(2, 7)}`;
/** A fresh past date per timesheet, so the daily 24 h cap is never what answers. */
let dayOffset = 10;
const freshDate = () => daysAgo(++dayOffset);

const freshDepartment = async (t: TestServer) => (await t.epca.departments.create(t.system, { name: unique("Dept"), budget: 1000 })).id;
const freshEmployee = async (t: TestServer, department: number) =>
  (await t.epca.employees.create(t.system, { name: unique("Emp"), department_id: department, salary: 50_000 })).id;
const freshProject = async (t: TestServer, department: number) =>
  (await t.epca.projects.create(t.system, { name: unique("Proj"), department_id: department, status: "in_progress" })).id;
const freshTimesheet = async (t: TestServer, fx: Fixture, status: "draft" | "submitted" = "draft") => {
  const ts = await t.epca.timesheets.create(t.system, { employee_id: fx.empA, project_id: fx.projA, hours_worked: 1, date: freshDate() });
  if (status === "submitted") await t.epca.timesheets.submit(t.system, ts.id);
  return ts.id;
};
let allocationYear = 1990;
const freshAllocationPeriod = () => {
  const year = ++allocationYear;
  return { start_date: `${year}-01-01`, end_date: `${year}-12-31` };
};
const freshAllocation = async (t: TestServer, fx: Fixture) =>
  (await t.epca.allocations.create(t.system, { employee_id: fx.empA, project_id: fx.projA, allocation_percentage: 10, ...freshAllocationPeriod() })).id;
const ownId = (fx: Fixture, caller: Caller) => fx.users[caller];

/**
 * The authorization matrix: every route of the documented tables × anonymous and the four roles,
 * plus a department head acting on another department's records (`other_head`). Anonymous is
 * always 401 (health aside, tested elsewhere).
 */
export const MATRIX: MatrixRow[] = [
  // Auth
  { route: "GET /auth/me", request: async () => ({ path: "/auth/me" }), expect: ALL },
  // Users
  { route: "GET /users/", request: async () => ({ path: "/users/" }), expect: ADMIN_ONLY },
  { route: "GET /users/{self}", request: async (_t, fx, c) => ({ path: `/users/${ownId(fx, c)}` }), expect: ALL },
  {
    route: "GET /users/{someone else}",
    request: async (_t, fx, c) => ({ path: `/users/${c === "analyst" || c === "admin" ? fx.users.read_only : fx.users.analyst}` }),
    expect: ADMIN_ONLY,
  },
  { route: "PUT /users/{self} full_name", request: async (_t, fx, c) => ({ path: `/users/${ownId(fx, c)}`, body: { full_name: unique("Name") } }), expect: ALL },
  {
    route: "PUT /users/{self} role",
    request: async (_t, fx, c) => ({ path: `/users/${ownId(fx, c)}`, body: { role: c === "admin" ? "admin" : "admin" } }),
    expect: ADMIN_ONLY,
  },
  {
    route: "PUT /users/{someone else}",
    request: async (_t, fx, c) => ({ path: `/users/${c === "analyst" || c === "admin" ? fx.users.read_only : fx.users.analyst}`, body: { full_name: unique("N") } }),
    expect: ADMIN_ONLY,
  },
  {
    route: "DELETE /users/{id}",
    request: async (t) => ({
      path: `/users/${(await t.epca.users.create(t.system, { email: `${unique("u").replace(/\W/g, "")}@x.example`, password: "password123", full_name: "Temp" })).id}`,
    }),
    expect: ADMIN_ONLY,
  },
  // Departments
  { route: "GET /departments/", request: async () => ({ path: "/departments/" }), expect: ALL },
  { route: "POST /departments/", request: async () => ({ path: "/departments/", body: { name: unique("New dept"), budget: 1 } }), expect: { admin: "2xx", department_head: "2xx", analyst: 403, read_only: 403, other_head: "2xx" } },
  { route: "GET /departments/{id}", request: async (_t, fx) => ({ path: `/departments/${fx.deptA}` }), expect: ALL },
  { route: "PUT /departments/{A}", request: async (_t, fx) => ({ path: `/departments/${fx.deptA}`, body: { budget: 1_000_000 } }), expect: ADMIN_AND_HEAD_A },
  { route: "DELETE /departments/{id}", request: async (t) => ({ path: `/departments/${await freshDepartment(t)}` }), expect: ADMIN_ONLY },
  { route: "GET /departments/{id}/employees", request: async (_t, fx) => ({ path: `/departments/${fx.deptA}/employees` }), expect: ALL },
  // Employees
  { route: "GET /employees/", request: async () => ({ path: "/employees/" }), expect: ALL },
  { route: "POST /employees/ (in A)", request: async (_t, fx) => ({ path: "/employees/", body: { name: unique("Hire"), department_id: fx.deptA, salary: 60_000 } }), expect: ADMIN_AND_HEAD_A },
  { route: "GET /employees/{id}", request: async (_t, fx) => ({ path: `/employees/${fx.empA}` }), expect: ALL },
  { route: "PUT /employees/{in A}", request: async (t, fx) => ({ path: `/employees/${await freshEmployee(t, fx.deptA)}`, body: { salary: 70_000 } }), expect: ADMIN_AND_HEAD_A },
  {
    route: "PUT /employees/{in A} moved to B",
    request: async (t, fx) => ({ path: `/employees/${await freshEmployee(t, fx.deptA)}`, body: { department_id: fx.deptB } }),
    expect: { admin: "2xx", department_head: 403, analyst: 403, read_only: 403, other_head: 403 },
  },
  { route: "DELETE /employees/{id}", request: async (t, fx) => ({ path: `/employees/${await freshEmployee(t, fx.deptA)}` }), expect: ADMIN_ONLY },
  // Projects
  { route: "GET /projects/", request: async () => ({ path: "/projects/" }), expect: ALL },
  { route: "POST /projects/ (in A)", request: async (_t, fx) => ({ path: "/projects/", body: { name: unique("Proj"), department_id: fx.deptA } }), expect: ADMIN_AND_HEAD_A },
  { route: "GET /projects/{id}", request: async (_t, fx) => ({ path: `/projects/${fx.projA}` }), expect: ALL },
  { route: "PUT /projects/{in A}", request: async (t, fx) => ({ path: `/projects/${await freshProject(t, fx.deptA)}`, body: { completion_percentage: 50 } }), expect: ADMIN_AND_HEAD_A },
  { route: "DELETE /projects/{id}", request: async (t, fx) => ({ path: `/projects/${await freshProject(t, fx.deptA)}` }), expect: ADMIN_ONLY },
  { route: "GET /projects/department/{id}", request: async (_t, fx) => ({ path: `/projects/department/${fx.deptA}` }), expect: ALL },
  // Timesheets
  { route: "GET /timesheets/", request: async () => ({ path: "/timesheets/" }), expect: ALL },
  {
    route: "POST /timesheets/ (employee A)",
    request: async (_t, fx) => ({ path: "/timesheets/", body: { employee_id: fx.empA, project_id: fx.projA, hours_worked: 1, date: freshDate() } }),
    expect: ADMIN_HEAD_A_OWNER,
  },
  { route: "GET /timesheets/{id}", request: async (_t, fx) => ({ path: `/timesheets/${fx.tsA}` }), expect: ALL },
  { route: "PUT /timesheets/{id}", request: async (t, fx) => ({ path: `/timesheets/${await freshTimesheet(t, fx)}`, body: { hours_worked: 2 } }), expect: ADMIN_HEAD_A_OWNER },
  { route: "DELETE /timesheets/{id}", request: async (t, fx) => ({ path: `/timesheets/${await freshTimesheet(t, fx)}` }), expect: ADMIN_HEAD_A_OWNER },
  { route: "POST /timesheets/{id}/submit", request: async (t, fx) => ({ path: `/timesheets/${await freshTimesheet(t, fx)}/submit` }), expect: ADMIN_HEAD_A_OWNER },
  { route: "POST /timesheets/{id}/approve", request: async (t, fx) => ({ path: `/timesheets/${await freshTimesheet(t, fx, "submitted")}/approve` }), expect: ADMIN_AND_HEAD_A },
  { route: "POST /timesheets/{id}/reject", request: async (t, fx) => ({ path: `/timesheets/${await freshTimesheet(t, fx, "submitted")}/reject`, body: { reason: "no" } }), expect: ADMIN_AND_HEAD_A },
  { route: "GET /timesheets/employee/{id}", request: async (_t, fx) => ({ path: `/timesheets/employee/${fx.empA}` }), expect: ALL },
  { route: "GET /timesheets/project/{id}", request: async (_t, fx) => ({ path: `/timesheets/project/${fx.projA}` }), expect: ALL },
  // Allocations
  { route: "GET /allocations/", request: async () => ({ path: "/allocations/" }), expect: ALL },
  {
    route: "POST /allocations/ (employee A)",
    request: async (_t, fx) => ({ path: "/allocations/", body: { employee_id: fx.empA, project_id: fx.projA, allocation_percentage: 5, ...freshAllocationPeriod() } }),
    expect: ADMIN_AND_HEAD_A,
  },
  { route: "GET /allocations/{id}", request: async (t, fx) => ({ path: `/allocations/${await freshAllocation(t, fx)}` }), expect: ALL },
  { route: "PUT /allocations/{id}", request: async (t, fx) => ({ path: `/allocations/${await freshAllocation(t, fx)}`, body: { allocation_percentage: 20 } }), expect: ADMIN_AND_HEAD_A },
  { route: "DELETE /allocations/{id}", request: async (t, fx) => ({ path: `/allocations/${await freshAllocation(t, fx)}` }), expect: ADMIN_AND_HEAD_A },
  // Analytics
  { route: "GET /analytics/company", request: async () => ({ path: "/analytics/company" }), expect: ADMIN_ANALYST },
  { route: "GET /analytics/departments/{id}", request: async (_t, fx) => ({ path: `/analytics/departments/${fx.deptA}` }), expect: ALL },
  { route: "GET /analytics/employees/{id}", request: async (_t, fx) => ({ path: `/analytics/employees/${fx.empA}` }), expect: ALL },
  { route: "GET /analytics/projects/{id}", request: async (_t, fx) => ({ path: `/analytics/projects/${fx.projA}` }), expect: ALL },
  { route: "GET /analytics/top-performers", request: async () => ({ path: "/analytics/top-performers?limit=5&metric=roi" }), expect: ADMIN_ANALYST },
  { route: "GET /analytics/top-projects", request: async () => ({ path: "/analytics/top-projects?limit=5&metric=profit" }), expect: ADMIN_ANALYST },
];
