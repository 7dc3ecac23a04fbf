import { describe, expect, it } from "vitest";
import { ForbiddenError } from "../errors.js";
import type { BuiltInRoleName } from "../schemas/user.js";
import type { Actor } from "./actor.js";
import { authorize, can, canSomewhere, type PolicyTarget } from "./policy.js";

// The endpoint tables of spec 000 section 4, row by row, plus the routes the API contract adds
// (allocations, the timesheet workflow, section 11), as data: what each row asks the policy, and
// which built-in roles the answer is yes for.

const ROLES: readonly BuiltInRoleName[] = ["admin", "department_head", "analyst", "read_only"];

/** The department head's department; every test actor belongs to it. */
const HOME = 1;
/** Some other department. */
const OTHER = 2;

/** One actor per role, all in HOME, each with their own user and employee record. */
function actorFor(role: BuiltInRoleName): Actor {
  const index = ROLES.indexOf(role);
  return { userId: 10 + index, employeeId: 100 + index, tenantId: "default", role, departmentId: HOME };
}

/** The records the checks are about, relative to the acting user. */
const TARGETS = {
  "no record": () => undefined,
  "record of their department": () => ({ departmentIds: [HOME] }),
  "record of another department": () => ({ departmentIds: [OTHER] }),
  "move out of their department": () => ({ departmentIds: [HOME, OTHER] }),
  "move into their department": () => ({ departmentIds: [OTHER, HOME] }),
  "own timesheet": (a: Actor) => ({ employeeId: a.employeeId, departmentIds: [a.departmentId] }),
  "own timesheet, employee in another department": (a: Actor) => ({ employeeId: a.employeeId, departmentIds: [OTHER] }),
  "colleague's timesheet (their department)": () => ({ employeeId: 900, departmentIds: [HOME] }),
  "foreign timesheet (another department)": () => ({ employeeId: 901, departmentIds: [OTHER] }),
  "their own user": (a: Actor) => ({ userId: a.userId }),
  "another user": () => ({ userId: 999 }),
} satisfies Record<string, (actor: Actor) => PolicyTarget | undefined>;
type TargetName = keyof typeof TARGETS;

/** One question a row asks the policy, and the roles the answer is yes for. */
interface Check {
  readonly action: string;
  readonly resource: string;
  readonly target: TargetName;
  readonly allowed: readonly BuiltInRoleName[];
}

/** A documented route; `gate` is `public` / `refresh-token` for rows that never reach `can`. */
interface EndpointRow {
  readonly source: "spec-000" | "contract";
  readonly method: "GET" | "POST" | "PUT" | "DELETE";
  readonly path: string;
  /** The "Roles Required" cell, verbatim. */
  readonly documented: string;
  /** The first check is what the cell says; the others are the scope cases the contract adds. */
  readonly gate: "public" | "refresh-token" | readonly [Check, ...Check[]];
}

const ALL = ROLES;
const ADMIN: readonly BuiltInRoleName[] = ["admin"];
const ADMIN_HEAD: readonly BuiltInRoleName[] = ["admin", "department_head"];
const ADMIN_ANALYST: readonly BuiltInRoleName[] = ["admin", "analyst"];

const c = (action: string, resource: string, target: TargetName, allowed: readonly BuiltInRoleName[]): Check => ({
  action,
  resource,
  target,
  allowed,
});

/** Employees and projects: create/update inside the head's department only, moves included. */
const departmentScopedWrite = (resource: string, action: "create" | "update"): readonly [Check, ...Check[]] => [
  c(action, resource, "record of their department", ADMIN_HEAD),
  c(action, resource, "record of another department", ADMIN),
  ...(action === "update"
    ? [c(action, resource, "move out of their department", ADMIN), c(action, resource, "move into their department", ADMIN)]
    : []),
];

/** Timesheet changes by the owner, the employee's department head, an admin. */
const ownerHeadAdmin = (action: string): readonly [Check, ...Check[]] => [
  c(action, "timesheets", "own timesheet", ALL),
  c(action, "timesheets", "own timesheet, employee in another department", ALL),
  c(action, "timesheets", "colleague's timesheet (their department)", ADMIN_HEAD),
  c(action, "timesheets", "foreign timesheet (another department)", ADMIN),
];

/** Timesheet review: the employee's department head or an admin; owning it is not enough. */
const review: readonly [Check, ...Check[]] = [
  c("approve", "timesheets", "colleague's timesheet (their department)", ADMIN_HEAD),
  c("approve", "timesheets", "foreign timesheet (another department)", ADMIN),
  c("approve", "timesheets", "own timesheet, employee in another department", ADMIN),
];

const ENDPOINTS: readonly EndpointRow[] = [
  // Authentication
  { source: "spec-000", method: "POST", path: "/api/v1/auth/register", documented: "None (if registration enabled)", gate: "public" },
  { source: "spec-000", method: "POST", path: "/api/v1/auth/login", documented: "None", gate: "public" },
  { source: "spec-000", method: "POST", path: "/api/v1/auth/refresh", documented: "Valid refresh token", gate: "refresh-token" },
  { source: "spec-000", method: "GET", path: "/api/v1/auth/me", documented: "Authenticated user", gate: [c("read", "users", "their own user", ALL)] },
  // User management
  { source: "spec-000", method: "GET", path: "/api/v1/users/", documented: "Admin", gate: [c("read", "users", "no record", ADMIN)] },
  {
    source: "spec-000",
    method: "GET",
    path: "/api/v1/users/{user_id}",
    documented: "Admin, Self",
    gate: [c("read", "users", "their own user", ALL), c("read", "users", "another user", ADMIN)],
  },
  {
    source: "spec-000",
    method: "PUT",
    path: "/api/v1/users/{user_id}",
    documented: "Admin, Self",
    gate: [
      c("update", "users", "their own user", ALL),
      c("update", "users", "another user", ADMIN),
      // role, is_active, department_id, employee_id: only an admin, their own included.
      c("manage", "users", "their own user", ADMIN),
      c("manage", "users", "another user", ADMIN),
    ],
  },
  {
    source: "spec-000",
    method: "DELETE",
    path: "/api/v1/users/{user_id}",
    documented: "Admin",
    gate: [c("delete", "users", "another user", ADMIN), c("delete", "users", "their own user", ADMIN)],
  },
  // Department management
  { source: "spec-000", method: "GET", path: "/api/v1/departments/", documented: "All authenticated", gate: [c("read", "departments", "no record", ALL)] },
  { source: "spec-000", method: "POST", path: "/api/v1/departments/", documented: "Admin, Department Head", gate: [c("create", "departments", "no record", ADMIN_HEAD)] },
  {
    source: "spec-000",
    method: "GET",
    path: "/api/v1/departments/{dept_id}",
    documented: "All authenticated",
    gate: [c("read", "departments", "record of another department", ALL)],
  },
  {
    source: "spec-000",
    method: "PUT",
    path: "/api/v1/departments/{dept_id}",
    documented: "Admin, Department Head",
    gate: [c("update", "departments", "record of their department", ADMIN_HEAD), c("update", "departments", "record of another department", ADMIN)],
  },
  {
    source: "spec-000",
    method: "DELETE",
    path: "/api/v1/departments/{dept_id}",
    documented: "Admin",
    gate: [c("delete", "departments", "record of their department", ADMIN), c("delete", "departments", "record of another department", ADMIN)],
  },
  {
    source: "spec-000",
    method: "GET",
    path: "/api/v1/departments/{dept_id}/employees",
    documented: "All authenticated",
    gate: [c("read", "employees", "record of another department", ALL)],
  },
  // Employee management
  { source: "spec-000", method: "GET", path: "/api/v1/employees/", documented: "All authenticated", gate: [c("read", "employees", "no record", ALL)] },
  { source: "spec-000", method: "POST", path: "/api/v1/employees/", documented: "Admin, Department Head", gate: departmentScopedWrite("employees", "create") },
  {
    source: "spec-000",
    method: "GET",
    path: "/api/v1/employees/{emp_id}",
    documented: "All authenticated",
    gate: [c("read", "employees", "record of another department", ALL)],
  },
  { source: "spec-000", method: "PUT", path: "/api/v1/employees/{emp_id}", documented: "Admin, Department Head", gate: departmentScopedWrite("employees", "update") },
  {
    source: "spec-000",
    method: "DELETE",
    path: "/api/v1/employees/{emp_id}",
    documented: "Admin",
    gate: [c("delete", "employees", "record of their department", ADMIN)],
  },
  // Project management
  { source: "spec-000", method: "GET", path: "/api/v1/projects/", documented: "All authenticated", gate: [c("read", "projects", "no record", ALL)] },
  { source: "spec-000", method: "POST", path: "/api/v1/projects/", documented: "Admin, Department Head", gate: departmentScopedWrite("projects", "create") },
  {
    source: "spec-000",
    method: "GET",
    path: "/api/v1/projects/{proj_id}",
    documented: "All authenticated",
    gate: [c("read", "projects", "record of another department", ALL)],
  },
  { source: "spec-000", method: "PUT", path: "/api/v1/projects/{proj_id}", documented: "Admin, Department Head", gate: departmentScopedWrite("projects", "update") },
  {
    source: "spec-000",
    method: "DELETE",
    path: "/api/v1/projects/{proj_id}",
    documented: "Admin",
    gate: [c("delete", "projects", "record of their department", ADMIN)],
  },
  {
    source: "spec-000",
    method: "GET",
    path: "/api/v1/projects/department/{dept_id}",
    documented: "All authenticated",
    gate: [c("read", "projects", "record of another department", ALL)],
  },
  // Timesheet management
  { source: "spec-000", method: "GET", path: "/api/v1/timesheets/", documented: "All authenticated", gate: [c("read", "timesheets", "no record", ALL)] },
  { source: "spec-000", method: "POST", path: "/api/v1/timesheets/", documented: "All authenticated", gate: ownerHeadAdmin("create") },
  {
    source: "spec-000",
    method: "GET",
    path: "/api/v1/timesheets/{ts_id}",
    documented: "All authenticated",
    gate: [c("read", "timesheets", "foreign timesheet (another department)", ALL)],
  },
  { source: "spec-000", method: "PUT", path: "/api/v1/timesheets/{ts_id}", documented: "Admin, Department Head, Owner", gate: ownerHeadAdmin("update") },
  { source: "spec-000", method: "DELETE", path: "/api/v1/timesheets/{ts_id}", documented: "Admin, Department Head, Owner", gate: ownerHeadAdmin("delete") },
  {
    source: "spec-000",
    method: "GET",
    path: "/api/v1/timesheets/employee/{emp_id}",
    documented: "All authenticated",
    gate: [c("read", "timesheets", "foreign timesheet (another department)", ALL)],
  },
  {
    source: "spec-000",
    method: "GET",
    path: "/api/v1/timesheets/project/{proj_id}",
    documented: "All authenticated",
    gate: [c("read", "timesheets", "record of another department", ALL)],
  },
  // Analytics
  { source: "spec-000", method: "GET", path: "/api/v1/analytics/company", documented: "Admin, Analyst", gate: [c("read", "company_analytics", "no record", ADMIN_ANALYST)] },
  {
    source: "spec-000",
    method: "GET",
    path: "/api/v1/analytics/departments/{dept_id}",
    documented: "All authenticated",
    gate: [c("read", "analytics", "record of another department", ALL)],
  },
  {
    source: "spec-000",
    method: "GET",
    path: "/api/v1/analytics/employees/{emp_id}",
    documented: "All authenticated",
    gate: [c("read", "analytics", "record of another department", ALL)],
  },
  {
    source: "spec-000",
    method: "GET",
    path: "/api/v1/analytics/projects/{proj_id}",
    documented: "All authenticated",
    gate: [c("read", "analytics", "record of another department", ALL)],
  },
  { source: "spec-000", method: "GET", path: "/api/v1/analytics/top-performers", documented: "Admin, Analyst", gate: [c("read", "company_analytics", "no record", ADMIN_ANALYST)] },
  { source: "spec-000", method: "GET", path: "/api/v1/analytics/top-projects", documented: "Admin, Analyst", gate: [c("read", "company_analytics", "no record", ADMIN_ANALYST)] },
  // ML predictions
  {
    source: "spec-000",
    method: "GET",
    path: "/api/v1/predict/department/{dept_id}",
    documented: "Admin, Analyst",
    gate: [c("read", "predictions", "record of their department", ADMIN_ANALYST)],
  },
  {
    source: "spec-000",
    method: "POST",
    path: "/api/v1/predict/department/{dept_id}/train",
    documented: "Admin",
    gate: [c("train", "predictions", "record of their department", ADMIN)],
  },
  {
    source: "spec-000",
    method: "GET",
    path: "/api/v1/predict/employee/{emp_id}",
    documented: "Admin, Analyst",
    gate: [c("read", "predictions", "record of another department", ADMIN_ANALYST)],
  },
  {
    source: "spec-000",
    method: "GET",
    path: "/api/v1/predict/project/{proj_id}",
    documented: "Admin, Analyst",
    gate: [c("read", "predictions", "record of another department", ADMIN_ANALYST)],
  },
  { source: "spec-000", method: "POST", path: "/api/v1/predict/train", documented: "Admin", gate: [c("train", "predictions", "no record", ADMIN)] },
  // Reports
  { source: "spec-000", method: "GET", path: "/api/v1/reports/generate", documented: "Admin, Analyst", gate: [c("read", "reports", "no record", ADMIN_ANALYST)] },
  // Upload (each imported row is then checked as a create of its entity)
  { source: "spec-000", method: "POST", path: "/api/v1/upload/{entity}", documented: "Admin, Department Head", gate: [c("create", "uploads", "no record", ADMIN_HEAD)] },
  // System health
  { source: "spec-000", method: "GET", path: "/api/v1/health", documented: "None", gate: "public" },
  { source: "spec-000", method: "GET", path: "/metrics", documented: "None", gate: "public" },

  // Allocations (contract section 5; not in spec 000's tables)
  { source: "contract", method: "GET", path: "/api/v1/allocations/", documented: "All authenticated", gate: [c("read", "allocations", "no record", ALL)] },
  {
    source: "contract",
    method: "GET",
    path: "/api/v1/allocations/{id}",
    documented: "All authenticated",
    gate: [c("read", "allocations", "record of another department", ALL)],
  },
  ...(["POST", "PUT", "DELETE"] as const).map(
    (method): EndpointRow => {
      const action = method === "POST" ? "create" : method === "PUT" ? "update" : "delete";
      return {
        source: "contract",
        method,
        path: method === "POST" ? "/api/v1/allocations/" : "/api/v1/allocations/{id}",
        documented: "Admin, Department Head (own department)",
        gate: [
          c(action, "allocations", "record of their department", ADMIN_HEAD),
          c(action, "allocations", "record of another department", ADMIN),
          ...(method === "PUT" ? [c(action, "allocations", "move out of their department", ADMIN)] : []),
        ],
      };
    },
  ),
  // Timesheet workflow (contract section 5)
  { source: "contract", method: "POST", path: "/api/v1/timesheets/{ts_id}/submit", documented: "Admin, Department Head, Owner", gate: ownerHeadAdmin("submit") },
  { source: "contract", method: "POST", path: "/api/v1/timesheets/{ts_id}/approve", documented: "Admin, Department Head (own department)", gate: review },
  { source: "contract", method: "POST", path: "/api/v1/timesheets/{ts_id}/reject", documented: "Admin, Department Head (own department)", gate: review },
  // Registration of another role than read_only (contract section 3)
  { source: "contract", method: "POST", path: "/api/v1/auth/register (role ≠ read_only)", documented: "Admin", gate: [c("manage", "users", "no record", ADMIN)] },
  // Enterprise routes (contract section 11)
  { source: "contract", method: "PUT", path: "/api/v1/users/{user_id}/roles", documented: "Admin", gate: [c("manage", "users", "another user", ADMIN), c("manage", "users", "their own user", ADMIN)] },
  { source: "contract", method: "GET", path: "/api/v1/roles", documented: "Admin", gate: [c("read", "roles", "no record", ADMIN)] },
  { source: "contract", method: "POST", path: "/api/v1/roles", documented: "Admin", gate: [c("create", "roles", "no record", ADMIN)] },
  { source: "contract", method: "PUT", path: "/api/v1/roles/{id}", documented: "Admin", gate: [c("update", "roles", "no record", ADMIN)] },
  { source: "contract", method: "DELETE", path: "/api/v1/roles/{id}", documented: "Admin", gate: [c("delete", "roles", "no record", ADMIN)] },
  { source: "contract", method: "GET", path: "/api/v1/audit-logs", documented: "Admin", gate: [c("read", "audit_logs", "no record", ADMIN)] },
  {
    source: "contract",
    method: "GET",
    path: "/api/v1/employees/{emp_id}/export",
    documented: "Admin",
    gate: [c("manage", "employees", "record of their department", ADMIN)],
  },
  {
    source: "contract",
    method: "DELETE",
    path: "/api/v1/employees/{emp_id}?erase=true",
    documented: "Admin",
    gate: [c("delete", "employees", "record of their department", ADMIN)],
  },
];

/**
 * The roles a "Roles Required" cell names, for the row's first check. "Owner", "Self" and
 * "Authenticated" name every role, because the first check of such a row is about the actor's own
 * record.
 */
function documentedRoles(cell: string): BuiltInRoleName[] {
  const roles = new Set<BuiltInRoleName>();
  for (const part of cell.split(",").map((p) => p.replace(/\(.*\)/, "").trim())) {
    if (part === "Admin") roles.add("admin");
    else if (part === "Department Head") roles.add("department_head");
    else if (part === "Analyst") roles.add("analyst");
    else if (["All authenticated", "Authenticated user", "Owner", "Self"].includes(part)) ROLES.forEach((r) => roles.add(r));
    else throw new Error(`unknown role cell part: ${part}`);
  }
  return ROLES.filter((r) => roles.has(r));
}

describe("endpoint table", () => {
  it("holds every row of spec 000 section 4 (47 rows, no duplicates)", () => {
    const documented = ENDPOINTS.filter((row) => row.source === "spec-000");
    expect(documented).toHaveLength(47);
    const keys = ENDPOINTS.map((row) => `${row.method} ${row.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("rows documented with roles \"None\" are public, \"Valid refresh token\" is the refresh token's", () => {
    for (const row of ENDPOINTS) {
      if (row.documented.startsWith("None")) expect(row.gate, `${row.method} ${row.path}`).toBe("public");
      else if (row.documented === "Valid refresh token") expect(row.gate).toBe("refresh-token");
      else expect(Array.isArray(row.gate), `${row.method} ${row.path}`).toBe(true);
    }
    expect(ENDPOINTS.filter((row) => row.gate === "public").map((row) => row.path)).toEqual([
      "/api/v1/auth/register",
      "/api/v1/auth/login",
      "/api/v1/health",
      "/metrics",
    ]);
  });

  it("the first check of every row allows exactly the roles its cell names", () => {
    for (const row of ENDPOINTS) {
      if (!Array.isArray(row.gate)) continue;
      const [first] = row.gate as readonly [Check, ...Check[]];
      expect(first.allowed, `${row.method} ${row.path}`).toEqual(documentedRoles(row.documented));
    }
  });

  for (const row of ENDPOINTS) {
    const gate = row.gate;
    if (gate === "public" || gate === "refresh-token") continue;
    describe(`${row.method} ${row.path} (${row.documented})`, () => {
      for (const check of gate) {
        for (const role of ROLES) {
          const allowed = check.allowed.includes(role);
          it(`${role}: ${check.action} ${check.resource} on ${check.target} → ${allowed ? "allowed" : "denied"}`, () => {
            const actor = actorFor(role);
            const target = TARGETS[check.target](actor);
            expect(can(actor, check.action, check.resource, target)).toBe(allowed);
            if (allowed) {
              expect(canSomewhere(actor, check.action, check.resource)).toBe(true);
              expect(() => authorize(actor, check.action, check.resource, target)).not.toThrow();
            } else {
              expect(() => authorize(actor, check.action, check.resource, target)).toThrow(ForbiddenError);
            }
          });
        }
      }
    });
  }
});

describe("route-level gate (canSomewhere)", () => {
  it("answers 403 early only for roles that can never do the thing", () => {
    const head = actorFor("department_head");
    const reader = actorFor("read_only");
    const analyst = actorFor("analyst");
    expect(canSomewhere(head, "update", "employees")).toBe(true);
    expect(canSomewhere(reader, "update", "employees")).toBe(false);
    expect(canSomewhere(reader, "update", "timesheets")).toBe(true); // their own
    expect(canSomewhere(reader, "approve", "timesheets")).toBe(false);
    expect(canSomewhere(analyst, "read", "users")).toBe(true); // themself
    expect(can(analyst, "read", "users")).toBe(false); // the list is admin-only
    expect(canSomewhere(head, "delete", "departments")).toBe(false);
    expect(canSomewhere(head, "read", "company_analytics")).toBe(false);
  });
});
