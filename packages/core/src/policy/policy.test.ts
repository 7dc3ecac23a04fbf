import { describe, expect, it } from "vitest";
import { ForbiddenError } from "../errors.js";
import type { Permission } from "../schemas/role.js";
import type { BuiltInRoleName } from "../schemas/user.js";
import { systemActor, type Actor } from "./actor.js";
import { BUILT_IN_ROLES, builtInRoles, isBuiltInRoleName } from "./built-in-roles.js";
import { canonicalAction, grantsAction, grantsResource } from "./permissions.js";
import { actorPermissions, authorize, can, canSomewhere, grantedScopes } from "./policy.js";

function actor(role: BuiltInRoleName, extra: Partial<Actor> = {}): Actor {
  return { userId: 7, employeeId: 70, tenantId: "default", role, departmentId: 1, ...extra };
}

const withRoles = (base: Actor, ...permissions: Permission[][]): Actor => ({
  ...base,
  customRoles: permissions.map((p, i) => ({ name: `custom_${i}`, permissions: p })),
});

describe("wildcards", () => {
  it("`*` resource and `*` action grant anything, including names the vocabulary does not know", () => {
    const admin = actor("admin");
    for (const [action, resource] of [
      ["read", "audit_logs"],
      ["manage", "users"],
      ["train", "predictions"],
      ["deploy", "ml"],
    ] as const) {
      expect(can(admin, action, resource)).toBe(true);
    }
    expect(can(systemActor("default"), "delete", "departments")).toBe(true);
  });

  it("a `*` resource with listed actions grants only those actions (seed-003's viewer)", () => {
    const viewer = withRoles(actor("read_only"), [{ resource: "*", actions: ["read"] }]);
    expect(can(viewer, "read", "audit_logs")).toBe(true);
    expect(can(viewer, "read", "reports")).toBe(true);
    expect(can(viewer, "delete", "reports")).toBe(false);
  });

  it("a `*` action on one resource grants every action there and nothing elsewhere", () => {
    const reporter = withRoles(actor("read_only"), [{ resource: "reports", actions: ["*"] }]);
    expect(can(reporter, "read", "reports")).toBe(true);
    expect(can(reporter, "create", "reports")).toBe(true);
    expect(can(reporter, "read", "predictions")).toBe(false);
  });

  it("a check for `*` is only answered yes by a wildcard grant", () => {
    expect(grantsResource("reports", "*")).toBe(false);
    expect(grantsAction("read", "*")).toBe(false);
    expect(grantsResource("*", "*")).toBe(true);
    expect(can(actor("analyst"), "*", "reports")).toBe(false);
  });
});

describe("synonyms", () => {
  it("a granted `write` (seed-003's spelling) grants `create`, and only that", () => {
    const manager = withRoles(actor("read_only"), [{ resource: "employees", actions: ["read", "write", "update"] }]);
    expect(can(manager, "create", "employees")).toBe(true);
    expect(can(manager, "write", "employees")).toBe(true);
    expect(can(manager, "update", "employees")).toBe(true);
    expect(can(manager, "delete", "employees")).toBe(false);
    expect(canonicalAction("write")).toBe("create");
  });

  it("`reject` is checked as `approve`", () => {
    const head = actor("department_head");
    expect(can(head, "reject", "timesheets", { departmentIds: [1] })).toBe(true);
    expect(can(actor("read_only"), "reject", "timesheets", { employeeId: 70 })).toBe(false);
  });

  it("names that merely look like keys of an object grant nothing", () => {
    expect(canonicalAction("toString")).toBe("toString");
    expect(can(actor("read_only"), "toString", "departments")).toBe(false);
    expect(can({ ...actor("read_only"), role: "__proto__" as BuiltInRoleName }, "read", "departments")).toBe(false);
    expect(can({ ...actor("read_only"), role: "constructor" as BuiltInRoleName }, "read", "departments")).toBe(false);
  });

  it("seed-003's `self` resource is the user's own record", () => {
    const user = withRoles({ ...actor("read_only"), role: "nobody" as BuiltInRoleName }, [{ resource: "self", actions: ["read", "update"] }]);
    expect(can(user, "read", "users", { userId: 7 })).toBe(true);
    expect(can(user, "read", "users", { userId: 8 })).toBe(false);
    expect(can(user, "read", "users")).toBe(false);
  });
});

describe("custom roles", () => {
  it("a custom role granting reports read lets a read_only user read reports; removing it denies again", () => {
    const base = actor("read_only");
    expect(can(base, "read", "reports")).toBe(false);
    const granted = withRoles(base, [{ resource: "reports", actions: ["read"] }]);
    expect(can(granted, "read", "reports")).toBe(true);
    expect(() => authorize(granted, "read", "reports")).not.toThrow();
    // Revocation takes effect on the very next check: there is no cache to outlive the grant.
    const revoked: Actor = { ...granted, customRoles: [] };
    expect(can(revoked, "read", "reports")).toBe(false);
    expect(() => authorize(revoked, "read", "reports")).toThrow(ForbiddenError);
    const { customRoles: _dropped, ...withoutKey } = granted;
    expect(can(withoutKey, "read", "reports")).toBe(false);
  });

  it("the actor may do what any of their roles allows (union, never intersection)", () => {
    const both = withRoles(actor("read_only"), [{ resource: "reports", actions: ["read"] }], [{ resource: "predictions", actions: ["read"] }]);
    expect(can(both, "read", "reports")).toBe(true);
    expect(can(both, "read", "predictions")).toBe(true);
    expect(can(both, "read", "departments")).toBe(true); // still the built-in role's grants
  });

  it("custom grants keep their scope", () => {
    const scoped = withRoles(actor("read_only"), [{ resource: "projects", actions: ["update"], scope: "department" }]);
    expect(can(scoped, "update", "projects", { departmentIds: [1] })).toBe(true);
    expect(can(scoped, "update", "projects", { departmentIds: [2] })).toBe(false);
    expect(can(scoped, "update", "projects")).toBe(false);
    expect(canSomewhere(scoped, "update", "projects")).toBe(true);
    expect(grantedScopes(scoped, "update", "projects")).toEqual(["department"]);
  });

  it("a scope this version does not know grants nothing", () => {
    const odd = withRoles(actor("read_only"), [{ resource: "reports", actions: ["read"], scope: "team" as "all" }]);
    expect(can(odd, "read", "reports", { departmentIds: [1], employeeId: 70, userId: 7 })).toBe(false);
  });
});

describe("scopes", () => {
  const head = actor("department_head");

  it("`department` with the actor's departmentId null denies, whatever the target says", () => {
    const homeless = actor("department_head", { departmentId: null });
    expect(can(homeless, "update", "employees", { departmentIds: [null] })).toBe(false);
    expect(can(homeless, "update", "employees", { departmentIds: [1] })).toBe(false);
    expect(can(homeless, "update", "employees", { departmentIds: [] })).toBe(false);
  });

  it("`department` needs a non-empty list of the actor's department only", () => {
    expect(can(head, "update", "employees", { departmentIds: [1] })).toBe(true);
    expect(can(head, "update", "employees", { departmentIds: [1, 1] })).toBe(true);
    expect(can(head, "update", "employees", { departmentIds: [] })).toBe(false);
    expect(can(head, "update", "employees", { departmentIds: [1, null] })).toBe(false);
    expect(can(head, "update", "employees", { departmentIds: [1, 2] })).toBe(false);
    expect(can(head, "update", "employees", {})).toBe(false);
    expect(can(head, "update", "employees")).toBe(false);
  });

  it("`own` matches the employee or the user, never two nulls", () => {
    const reader = actor("read_only", { employeeId: null, userId: 7 });
    expect(can(reader, "update", "timesheets", { employeeId: null })).toBe(false);
    expect(can(reader, "update", "timesheets", {})).toBe(false);
    expect(can(reader, "update", "users", { userId: 7 })).toBe(true);
    expect(can(reader, "update", "users", { userId: null })).toBe(false);
    const system = systemActor("default");
    expect(can({ ...system, role: "read_only" }, "update", "users", { userId: null })).toBe(false);
  });

  it("`all` admits any target, and no target", () => {
    const reader = actor("read_only");
    expect(can(reader, "read", "projects")).toBe(true);
    expect(can(reader, "read", "projects", { departmentIds: [99] })).toBe(true);
    expect(can(reader, "read", "projects", { departmentIds: [null] })).toBe(true);
  });

  it("grantedScopes lists each scope once", () => {
    expect(grantedScopes(head, "update", "timesheets").sort()).toEqual(["department", "own"]);
    expect(grantedScopes(actor("analyst"), "read", "timesheets")).toEqual(["all"]);
    expect(grantedScopes(actor("analyst"), "approve", "timesheets")).toEqual([]);
  });
});

describe("authorize", () => {
  it("throws ForbiddenError with the documented message", () => {
    expect(() => authorize(actor("read_only"), "delete", "departments")).toThrowError(new ForbiddenError("Insufficient privileges"));
    try {
      authorize(actor("analyst"), "train", "predictions");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ForbiddenError);
      expect((error as ForbiddenError).code).toBe("forbidden");
    }
  });
});

describe("built-in roles", () => {
  it("are deeply frozen", () => {
    expect(Object.isFrozen(BUILT_IN_ROLES)).toBe(true);
    for (const permissions of Object.values(BUILT_IN_ROLES)) {
      expect(Object.isFrozen(permissions)).toBe(true);
      for (const p of permissions) {
        expect(Object.isFrozen(p)).toBe(true);
        expect(Object.isFrozen(p.actions)).toBe(true);
      }
    }
  });

  it("builtInRoles() lists the four as fresh system roles a caller may alter", () => {
    const roles = builtInRoles();
    expect(roles.map((r) => r.name)).toEqual(["admin", "department_head", "analyst", "read_only"]);
    expect(roles.every((r) => r.is_system && r.description.length > 0)).toBe(true);
    expect(roles[0]?.permissions).toEqual([{ resource: "*", actions: ["*"] }]);
    roles[3]?.permissions.push({ resource: "*", actions: ["*"] });
    expect(can(actor("read_only"), "delete", "departments")).toBe(false);
    expect(builtInRoles()[3]?.permissions).toEqual(BUILT_IN_ROLES.read_only.map((p) => ({ ...p, actions: [...p.actions] })));
  });

  it("name the four documented roles only", () => {
    expect(isBuiltInRoleName("analyst")).toBe(true);
    expect(isBuiltInRoleName("manager")).toBe(false);
    expect(isBuiltInRoleName("toString")).toBe(false);
  });

  it("actorPermissions is the built-in role's grants plus the custom ones, in that order", () => {
    const extra: Permission = { resource: "reports", actions: ["read"] };
    const permissions = actorPermissions(withRoles(actor("analyst"), [extra]));
    expect(permissions.slice(0, -1)).toEqual([...BUILT_IN_ROLES.analyst]);
    expect(permissions.at(-1)).toBe(extra);
  });

  it("no role but admin deletes departments, employees or projects, or lists users", () => {
    for (const role of ["department_head", "analyst", "read_only"] as const) {
      for (const resource of ["departments", "employees", "projects"]) {
        expect(canSomewhere(actor(role), "delete", resource)).toBe(false);
      }
      expect(can(actor(role), "read", "users")).toBe(false);
      expect(canSomewhere(actor(role), "manage", "users")).toBe(false);
    }
  });
});

describe("the `ml` resource of spec 003 (read, predict, train, deploy)", () => {
  it("admins do everything, analysts read and predict, the other built-in roles nothing", () => {
    const allowed = (role: BuiltInRoleName) => ["read", "predict", "train", "deploy"].filter((a) => can(actor(role), a, "ml"));
    expect(allowed("admin")).toEqual(["read", "predict", "train", "deploy"]);
    expect(allowed("analyst")).toEqual(["read", "predict"]);
    expect(allowed("department_head")).toEqual([]);
    expect(allowed("read_only")).toEqual([]);
  });

  it("a custom role grants `ml` actions on their own, apart from `predictions`", () => {
    const trainer = withRoles(actor("read_only"), [{ resource: "ml", actions: ["read", "train"] }]);
    expect(can(trainer, "train", "ml")).toBe(true);
    expect(can(trainer, "deploy", "ml")).toBe(false);
    expect(can(trainer, "train", "predictions")).toBe(false);
    const forecaster = withRoles(actor("read_only"), [{ resource: "predictions", actions: ["read", "train"] }]);
    expect(can(forecaster, "read", "ml")).toBe(false);
  });
});
