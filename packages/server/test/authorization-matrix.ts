import type { ModelRegistryScope } from "@epca/ml/use-cases";
import type { Caller, Fixture, TestServer } from "./support/harness.js";
import { daysAgo } from "./support/harness.js";

/** What a caller gets: the row's exact success status (`MatrixRow.success`), or an exact refusal. */
export type Expect = "success" | 401 | 403;

/** The request of one caller: its path, body, and the id of the one record a success answers with. */
export interface MatrixRequest {
  readonly path: string;
  readonly body?: unknown;
  /** Set for a route answering one existing record (read, update, transition, delete): its `id`. */
  readonly id?: number;
}

/** One row: a route, how to build the request (fresh targets for mutations), and who gets what. */
export interface MatrixRow {
  readonly route: string;
  /** The exact status of a success: 201 for creates (`created()`), 202 for a queued job, 200 for everything else. */
  readonly success: 200 | 201 | 202;
  readonly request: (t: TestServer, fx: Fixture, caller: Caller) => Promise<MatrixRequest>;
  readonly expect: Record<Exclude<Caller, "anonymous">, Expect>;
}

const ALL: MatrixRow["expect"] = { admin: "success", department_head: "success", analyst: "success", read_only: "success", other_head: "success" };
const ADMIN_ONLY: MatrixRow["expect"] = { admin: "success", department_head: 403, analyst: 403, read_only: 403, other_head: 403 };
/** Admin and the head of department A (the target's department); not B's head. */
const ADMIN_AND_HEAD_A: MatrixRow["expect"] = { admin: "success", department_head: "success", analyst: 403, read_only: 403, other_head: 403 };
/** Admin, head of A, and the owner (the read-only user is employee A). */
const ADMIN_HEAD_A_OWNER: MatrixRow["expect"] = { admin: "success", department_head: "success", analyst: 403, read_only: "success", other_head: 403 };
const ADMIN_ANALYST: MatrixRow["expect"] = { admin: "success", department_head: 403, analyst: "success", read_only: 403, other_head: 403 };

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
/** A user other than the caller (and not an admin, so a change to it breaks no later row). */
const someoneElse = (fx: Fixture, caller: Caller) => (caller === "analyst" || caller === "admin" ? fx.users.read_only : fx.users.analyst);
/** A request for the one record `id` at `<collection>/<id><suffix>`. */
const one = (collection: string, id: number, extra: { suffix?: string; body?: unknown } = {}): MatrixRequest => ({
  path: `${collection}/${id}${extra.suffix ?? ""}`,
  id,
  ...(extra.body !== undefined ? { body: extra.body } : {}),
});

/**
 * The authorization matrix: every route of the documented tables × anonymous and the four roles,
 * plus a department head acting on another department's records (`other_head`). Anonymous is
 * always 401 (health aside, tested elsewhere).
 */
export const MATRIX: MatrixRow[] = [
  // Auth
  { route: "GET /auth/me", success: 200, request: async (_t, fx, c) => ({ path: "/auth/me", id: ownId(fx, c) }), expect: ALL },
  // Users
  { route: "GET /users/", success: 200, request: async () => ({ path: "/users/" }), expect: ADMIN_ONLY },
  { route: "GET /users/{self}", success: 200, request: async (_t, fx, c) => one("/users", ownId(fx, c)), expect: ALL },
  { route: "GET /users/{someone else}", success: 200, request: async (_t, fx, c) => one("/users", someoneElse(fx, c)), expect: ADMIN_ONLY },
  {
    route: "PUT /users/{self} full_name",
    success: 200,
    request: async (_t, fx, c) => one("/users", ownId(fx, c), { body: { full_name: unique("Name") } }),
    expect: ALL,
  },
  {
    // Everyone asks to become admin: refused but for the admin, for whom it changes nothing.
    route: "PUT /users/{self} role",
    success: 200,
    request: async (_t, fx, c) => one("/users", ownId(fx, c), { body: { role: "admin" } }),
    expect: ADMIN_ONLY,
  },
  {
    route: "PUT /users/{someone else}",
    success: 200,
    request: async (_t, fx, c) => one("/users", someoneElse(fx, c), { body: { full_name: unique("N") } }),
    expect: ADMIN_ONLY,
  },
  {
    route: "DELETE /users/{id}",
    success: 200,
    request: async (t) =>
      one("/users", (await t.epca.users.create(t.system, { email: `${unique("u").replace(/\W/g, "")}@x.example`, password: "password123", full_name: "Temp" })).id),
    expect: ADMIN_ONLY,
  },
  // Departments
  { route: "GET /departments/", success: 200, request: async () => ({ path: "/departments/" }), expect: ALL },
  {
    route: "POST /departments/",
    success: 201,
    request: async () => ({ path: "/departments/", body: { name: unique("New dept"), budget: 1 } }),
    expect: { admin: "success", department_head: "success", analyst: 403, read_only: 403, other_head: "success" },
  },
  { route: "GET /departments/{id}", success: 200, request: async (_t, fx) => one("/departments", fx.deptA), expect: ALL },
  { route: "PUT /departments/{A}", success: 200, request: async (_t, fx) => one("/departments", fx.deptA, { body: { budget: 1_000_000 } }), expect: ADMIN_AND_HEAD_A },
  { route: "DELETE /departments/{id}", success: 200, request: async (t) => one("/departments", await freshDepartment(t)), expect: ADMIN_ONLY },
  { route: "GET /departments/{id}/employees", success: 200, request: async (_t, fx) => ({ path: `/departments/${fx.deptA}/employees` }), expect: ALL },
  // Employees
  { route: "GET /employees/", success: 200, request: async () => ({ path: "/employees/" }), expect: ALL },
  {
    route: "POST /employees/ (in A)",
    success: 201,
    request: async (_t, fx) => ({ path: "/employees/", body: { name: unique("Hire"), department_id: fx.deptA, salary: 60_000 } }),
    expect: ADMIN_AND_HEAD_A,
  },
  { route: "GET /employees/{id}", success: 200, request: async (_t, fx) => one("/employees", fx.empA), expect: ALL },
  {
    route: "PUT /employees/{in A}",
    success: 200,
    request: async (t, fx) => one("/employees", await freshEmployee(t, fx.deptA), { body: { salary: 70_000 } }),
    expect: ADMIN_AND_HEAD_A,
  },
  {
    route: "PUT /employees/{in A} moved to B",
    success: 200,
    request: async (t, fx) => one("/employees", await freshEmployee(t, fx.deptA), { body: { department_id: fx.deptB } }),
    expect: { admin: "success", department_head: 403, analyst: 403, read_only: 403, other_head: 403 },
  },
  { route: "DELETE /employees/{id}", success: 200, request: async (t, fx) => one("/employees", await freshEmployee(t, fx.deptA)), expect: ADMIN_ONLY },
  // Projects
  { route: "GET /projects/", success: 200, request: async () => ({ path: "/projects/" }), expect: ALL },
  {
    route: "POST /projects/ (in A)",
    success: 201,
    request: async (_t, fx) => ({ path: "/projects/", body: { name: unique("Proj"), department_id: fx.deptA } }),
    expect: ADMIN_AND_HEAD_A,
  },
  { route: "GET /projects/{id}", success: 200, request: async (_t, fx) => one("/projects", fx.projA), expect: ALL },
  {
    route: "PUT /projects/{in A}",
    success: 200,
    request: async (t, fx) => one("/projects", await freshProject(t, fx.deptA), { body: { completion_percentage: 50 } }),
    expect: ADMIN_AND_HEAD_A,
  },
  { route: "DELETE /projects/{id}", success: 200, request: async (t, fx) => one("/projects", await freshProject(t, fx.deptA)), expect: ADMIN_ONLY },
  { route: "GET /projects/department/{id}", success: 200, request: async (_t, fx) => ({ path: `/projects/department/${fx.deptA}` }), expect: ALL },
  // Timesheets
  { route: "GET /timesheets/", success: 200, request: async () => ({ path: "/timesheets/" }), expect: ALL },
  {
    route: "POST /timesheets/ (employee A)",
    success: 201,
    request: async (_t, fx) => ({ path: "/timesheets/", body: { employee_id: fx.empA, project_id: fx.projA, hours_worked: 1, date: freshDate() } }),
    expect: ADMIN_HEAD_A_OWNER,
  },
  { route: "GET /timesheets/{id}", success: 200, request: async (_t, fx) => one("/timesheets", fx.tsA), expect: ALL },
  {
    route: "PUT /timesheets/{id}",
    success: 200,
    request: async (t, fx) => one("/timesheets", await freshTimesheet(t, fx), { body: { hours_worked: 2 } }),
    expect: ADMIN_HEAD_A_OWNER,
  },
  { route: "DELETE /timesheets/{id}", success: 200, request: async (t, fx) => one("/timesheets", await freshTimesheet(t, fx)), expect: ADMIN_HEAD_A_OWNER },
  {
    route: "POST /timesheets/{id}/submit",
    success: 200,
    request: async (t, fx) => one("/timesheets", await freshTimesheet(t, fx), { suffix: "/submit" }),
    expect: ADMIN_HEAD_A_OWNER,
  },
  {
    route: "POST /timesheets/{id}/approve",
    success: 200,
    request: async (t, fx) => one("/timesheets", await freshTimesheet(t, fx, "submitted"), { suffix: "/approve" }),
    expect: ADMIN_AND_HEAD_A,
  },
  {
    route: "POST /timesheets/{id}/reject",
    success: 200,
    request: async (t, fx) => one("/timesheets", await freshTimesheet(t, fx, "submitted"), { suffix: "/reject", body: { reason: "no" } }),
    expect: ADMIN_AND_HEAD_A,
  },
  { route: "GET /timesheets/employee/{id}", success: 200, request: async (_t, fx) => ({ path: `/timesheets/employee/${fx.empA}` }), expect: ALL },
  { route: "GET /timesheets/project/{id}", success: 200, request: async (_t, fx) => ({ path: `/timesheets/project/${fx.projA}` }), expect: ALL },
  // Allocations
  { route: "GET /allocations/", success: 200, request: async () => ({ path: "/allocations/" }), expect: ALL },
  {
    route: "POST /allocations/ (employee A)",
    success: 201,
    request: async (_t, fx) => ({ path: "/allocations/", body: { employee_id: fx.empA, project_id: fx.projA, allocation_percentage: 5, ...freshAllocationPeriod() } }),
    expect: ADMIN_AND_HEAD_A,
  },
  { route: "GET /allocations/{id}", success: 200, request: async (t, fx) => one("/allocations", await freshAllocation(t, fx)), expect: ALL },
  {
    route: "PUT /allocations/{id}",
    success: 200,
    request: async (t, fx) => one("/allocations", await freshAllocation(t, fx), { body: { allocation_percentage: 20 } }),
    expect: ADMIN_AND_HEAD_A,
  },
  { route: "DELETE /allocations/{id}", success: 200, request: async (t, fx) => one("/allocations", await freshAllocation(t, fx)), expect: ADMIN_AND_HEAD_A },
  // Analytics
  { route: "GET /analytics/company", success: 200, request: async () => ({ path: "/analytics/company" }), expect: ADMIN_ANALYST },
  { route: "GET /analytics/departments/{id}", success: 200, request: async (_t, fx) => ({ path: `/analytics/departments/${fx.deptA}` }), expect: ALL },
  { route: "GET /analytics/employees/{id}", success: 200, request: async (_t, fx) => ({ path: `/analytics/employees/${fx.empA}` }), expect: ALL },
  { route: "GET /analytics/projects/{id}", success: 200, request: async (_t, fx) => ({ path: `/analytics/projects/${fx.projA}` }), expect: ALL },
  { route: "GET /analytics/top-performers", success: 200, request: async () => ({ path: "/analytics/top-performers?limit=5&metric=roi" }), expect: ADMIN_ANALYST },
  { route: "GET /analytics/top-projects", success: 200, request: async () => ({ path: "/analytics/top-projects?limit=5&metric=profit" }), expect: ADMIN_ANALYST },
];

// Analytics series: the same permissions as the routes they chart.
MATRIX.push(
  { route: "GET /analytics/company/series", success: 200, request: async () => ({ path: "/analytics/company/series?from=2024-01-01&to=2024-12-31" }), expect: ADMIN_ANALYST },
  { route: "GET /analytics/departments/{id}/series", success: 200, request: async (_t, fx) => ({ path: `/analytics/departments/${fx.deptA}/series?interval=quarter` }), expect: ALL },
  { route: "GET /analytics/employees/{id}/series", success: 200, request: async (_t, fx) => ({ path: `/analytics/employees/${fx.empA}/series` }), expect: ALL },
  { route: "GET /analytics/projects/{id}/series", success: 200, request: async (_t, fx) => ({ path: `/analytics/projects/${fx.projA}/series?from=2024-01-01` }), expect: ALL },
);

/** One row of the pay visibility matrix: which callers see `fields` of the object `pick` finds in the answer. */
export interface PayVisibilityRow {
  readonly route: string;
  readonly path: (fx: Fixture) => string;
  /** The object of the answer the fields belong to. */
  readonly pick: (body: any, fx: Fixture) => Record<string, unknown>;
  readonly fields: readonly string[];
  /** true: every field is in the answer; false: none of them is. */
  readonly visible: Record<Exclude<Caller, "anonymous">, boolean>;
}

/** Employee A's pay: admins, analysts, the head of A and employee A (the read-only user); not B's head. */
const PAY_OF_A: PayVisibilityRow["visible"] = { admin: true, department_head: true, analyst: true, read_only: true, other_head: false };
/** Employee B's pay: admins, analysts and the head of B; not A's head nor employee A. */
const PAY_OF_B: PayVisibilityRow["visible"] = { admin: true, department_head: false, analyst: true, read_only: false, other_head: true };
const EVERYONE: PayVisibilityRow["visible"] = { admin: true, department_head: true, analyst: true, read_only: true, other_head: true };
const ANALYTICS_PAY = ["cost", "profit", "roi", "hourly_cost"];
const SERIES_PAY = ["labour_cost", "salary_cost", "cost", "profit", "roi"];
const byId = (id: (fx: Fixture) => number) => (body: any, fx: Fixture) => (body as { id: number }[]).find((e) => e.id === id(fx))!;

/** Pay is personal data (docs/privacy.md): field visibility per role, on every route that shows a person's pay. */
export const PAY_VISIBILITY: PayVisibilityRow[] = [
  { route: "GET /employees/{A}", path: (fx) => `/employees/${fx.empA}`, pick: (b) => b, fields: ["salary"], visible: PAY_OF_A },
  { route: "GET /employees/{B}", path: (fx) => `/employees/${fx.empB}`, pick: (b) => b, fields: ["salary"], visible: PAY_OF_B },
  { route: "GET /employees/ (A's row)", path: () => "/employees/?limit=1000", pick: byId((fx) => fx.empA), fields: ["salary"], visible: PAY_OF_A },
  { route: "GET /employees/ (B's row)", path: () => "/employees/?limit=1000", pick: byId((fx) => fx.empB), fields: ["salary"], visible: PAY_OF_B },
  { route: "GET /departments/{B}/employees", path: (fx) => `/departments/${fx.deptB}/employees`, pick: byId((fx) => fx.empB), fields: ["salary"], visible: PAY_OF_B },
  { route: "GET /analytics/employees/{A}", path: (fx) => `/analytics/employees/${fx.empA}`, pick: (b) => b, fields: ANALYTICS_PAY, visible: PAY_OF_A },
  { route: "GET /analytics/employees/{B}", path: (fx) => `/analytics/employees/${fx.empB}`, pick: (b) => b, fields: ANALYTICS_PAY, visible: PAY_OF_B },
  {
    route: "GET /analytics/employees/{B}?from&to",
    path: (fx) => `/analytics/employees/${fx.empB}?from=2024-01-01&to=2024-06-30`,
    pick: (b) => b,
    fields: [...ANALYTICS_PAY, "labour_cost"],
    visible: PAY_OF_B,
  },
  { route: "GET /analytics/employees/{A}/series (total)", path: (fx) => `/analytics/employees/${fx.empA}/series`, pick: (b) => b.total, fields: SERIES_PAY, visible: PAY_OF_A },
  { route: "GET /analytics/employees/{B}/series (a point)", path: (fx) => `/analytics/employees/${fx.empB}/series`, pick: (b) => b.points[0], fields: SERIES_PAY, visible: PAY_OF_B },
  // Aggregates over a department are not personal.
  { route: "GET /analytics/departments/{A}", path: (fx) => `/analytics/departments/${fx.deptA}`, pick: (b) => b, fields: ["total_cost", "profit", "roi"], visible: EVERYONE },
  { route: "GET /analytics/departments/{B}/series", path: (fx) => `/analytics/departments/${fx.deptB}/series`, pick: (b) => b.total, fields: SERIES_PAY, visible: EVERYONE },
];

/** A role name (lower case, digits and `_`) no other test uses. */
const roleName = () => `r_${++sequence}_${Math.random().toString(36).slice(2, 7)}`;
/** Nobody in a tenant's own roles manages tenants: that takes the platform administrator (FIRST_ADMIN_EMAIL). */
const NOBODY: MatrixRow["expect"] = { admin: 403, department_head: 403, analyst: 403, read_only: 403, other_head: 403 };

// Tenancy and enterprise routes (API contract section 11).
MATRIX.push(
  { route: "GET /roles/", success: 200, request: async () => ({ path: "/roles/" }), expect: ADMIN_ONLY },
  { route: "POST /roles/", success: 201, request: async () => ({ path: "/roles/", body: { name: roleName(), permissions: [{ resource: "reports", actions: ["read"] }] } }), expect: ADMIN_ONLY },
  {
    route: "PUT /roles/{id}",
    success: 200,
    request: async (t) => one("/roles", (await t.epca.roles.create(t.system, { name: roleName(), permissions: [] })).id, { body: { description: "changed" } }),
    expect: ADMIN_ONLY,
  },
  { route: "DELETE /roles/{id}", success: 200, request: async (t) => one("/roles", (await t.epca.roles.create(t.system, { name: roleName(), permissions: [] })).id), expect: ADMIN_ONLY },
  { route: "PUT /users/{id}/roles", success: 200, request: async (_t, fx, c) => one("/users", someoneElse(fx, c), { suffix: "/roles", body: { role_ids: [] } }), expect: ADMIN_ONLY },
  { route: "GET /audit-logs/", success: 200, request: async () => ({ path: "/audit-logs/?action=create&limit=5" }), expect: ADMIN_ONLY },
  { route: "GET /employees/{id}/export", success: 200, request: async (_t, fx) => ({ path: `/employees/${fx.empA}/export` }), expect: ADMIN_ONLY },
  {
    route: "DELETE /employees/{id}?erase=true",
    success: 200,
    request: async (t, fx) => one("/employees", (await t.epca.employees.create(t.system, { name: unique("Erasable"), department_id: fx.deptA, salary: 50_000 })).id, { suffix: "?erase=true" }),
    expect: ADMIN_ONLY,
  },
  { route: "GET /tenants/", success: 200, request: async () => ({ path: "/tenants/" }), expect: NOBODY },
  { route: "GET /tenants/{id}/usage", success: 200, request: async () => ({ path: "/tenants/default/usage" }), expect: NOBODY },
  {
    route: "POST /tenants/",
    success: 201,
    request: async () => ({ path: "/tenants/", body: { name: "Nope Corp", subdomain: "nope", plan: "starter", admin_email: "a@nope.example", admin_password: "password123" } }),
    expect: NOBODY,
  },
  { route: "PATCH /tenants/{id}", success: 200, request: async () => ({ path: "/tenants/default", body: { plan: "starter" } }), expect: NOBODY },
);

/** A fresh `validated` model of the tenant's registry (the store's `modelRegistry` part), to deploy. */
const freshModel = (t: TestServer) =>
  t.store.transaction("default", (scope) => (scope as unknown as ModelRegistryScope).modelRegistry.save("default", { type: "matrix", status: "validated" }));

// The ML pipeline of spec 003 (`ml` resource, its actions read, predict, train, deploy): analysts
// read and predict, admins also train and deploy.
MATRIX.push(
  { route: "GET /ml/models", success: 200, request: async () => ({ path: "/ml/models" }), expect: ADMIN_ANALYST },
  { route: "GET /ml/metrics", success: 200, request: async () => ({ path: "/ml/metrics" }), expect: ADMIN_ANALYST },
  { route: "GET /ml/models/{id}/artifacts", success: 200, request: async (t) => ({ path: `/ml/models/${(await freshModel(t)).id}/artifacts` }), expect: ADMIN_ANALYST },
  { route: "POST /ml/models/{id}/deploy", success: 200, request: async (t) => ({ path: `/ml/models/${(await freshModel(t)).id}/deploy` }), expect: ADMIN_ONLY },
  { route: "POST /ml/training/jobs", success: 202, request: async () => ({ path: "/ml/training/jobs", body: { epochs: 10 } }), expect: ADMIN_ONLY },
);
