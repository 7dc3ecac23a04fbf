import { describe, expect, it } from "vitest";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "@epca/core";
import { actorOf, setup } from "./helpers.js";

async function organisation() {
  const ctx = setup();
  const { epca, admin } = ctx;
  const eng = await epca.departments.create(admin, { name: "Engineering", budget: 500_000 });
  const sales = await epca.departments.create(admin, { name: "Sales", budget: 300_000 });
  const ada = await epca.employees.create(admin, { name: "Ada", department_id: eng.id, salary: 104_000, revenue_generated: 208_000 });
  const bob = await epca.employees.create(admin, { name: "Bob", department_id: sales.id, salary: 52_000, revenue_generated: 26_000 });
  const engine = await epca.projects.create(admin, { name: "Engine", department_id: eng.id, cost: 10_000, revenue: 90_000, status: "in_progress" });
  const closed = await epca.projects.create(admin, { name: "Closed", department_id: eng.id, status: "completed", end_date: "2024-03-31" });
  const head = actorOf("department_head", { userId: 2, departmentId: eng.id });
  return { ...ctx, eng, sales, ada, bob, engine, closed, head };
}

describe("departments", () => {
  it("creates, reads, updates and deletes, with an audit entry for each change", async () => {
    const { epca, admin } = setup();
    const created = await epca.departments.create(admin, { name: "  Research ", budget: 1_000 });
    expect(created).toMatchObject({ name: "Research", budget: 1_000, description: null });
    expect((await epca.departments.update(admin, created.id, { budget: 2_500 })).budget).toBe(2_500);
    expect((await epca.departments.delete(admin, created.id)).name).toBe("Research");
    await expect(epca.departments.get(admin, created.id)).rejects.toBeInstanceOf(NotFoundError);
    const log = await epca.audit.list(admin, { resource_type: "department" });
    expect(log.items.map((e) => e.action)).toEqual(["create", "update", "delete"]);
    expect(log.items[1]?.changes).toMatchObject({ before: { budget: 1_000 }, after: { budget: 2_500 } });
    expect(log.items[0]).toMatchObject({ ip_address: "10.0.0.1", user_agent: "vitest", request_id: "req-1" });
  });

  it("refuses a duplicate name and the deletion of a department in use", async () => {
    const { epca, admin, eng } = await organisation();
    await expect(epca.departments.create(admin, { name: "Engineering", budget: 1 })).rejects.toBeInstanceOf(ConflictError);
    await expect(epca.departments.delete(admin, eng.id)).rejects.toThrow(/still has 1 employee\(s\) and 2 project\(s\)/);
  });

  it("lets a department head change their own department only", async () => {
    const { epca, eng, sales, head } = await organisation();
    expect((await epca.departments.update(head, eng.id, { budget: 1 })).budget).toBe(1);
    await expect(epca.departments.update(head, sales.id, { budget: 1 })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(epca.departments.update(actorOf("analyst"), eng.id, { budget: 1 })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(epca.departments.delete(head, eng.id)).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe("employees", () => {
  it("reports every invalid field at once", async () => {
    const { epca, admin, eng } = await organisation();
    const error = await epca.employees
      .create(admin, { name: "A", department_id: eng.id, salary: 0, revenue_generated: -1, email: "nope" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    const paths = (error as ValidationError).issues.map((i) => i.path.join("."));
    expect(paths.sort()).toEqual(["email", "name", "revenue_generated", "salary"]);
  });

  it("answers 404 for a missing department and keeps department heads inside theirs", async () => {
    const { epca, admin, eng, sales, ada, head } = await organisation();
    await expect(epca.employees.create(admin, { name: "Zed", department_id: 9_999, salary: 1 })).rejects.toBeInstanceOf(NotFoundError);
    const mine = await epca.employees.create(head, { name: "Cleo", department_id: eng.id, salary: 60_000 });
    expect(mine.department_id).toBe(eng.id);
    await expect(epca.employees.create(head, { name: "Dan", department_id: sales.id, salary: 1 })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(epca.employees.update(head, ada.id, { department_id: sales.id })).rejects.toBeInstanceOf(ForbiddenError);
    expect((await epca.employees.get(head, ada.id)).department_id).toBe(eng.id);
  });

  it("refuses a duplicate email and deleting an employee with timesheets", async () => {
    const { epca, admin, eng, ada, engine } = await organisation();
    await epca.employees.update(admin, ada.id, { email: "Ada@Example.com" });
    await expect(epca.employees.create(admin, { name: "Eve", email: "ada@example.com", department_id: eng.id, salary: 1 })).rejects.toBeInstanceOf(ConflictError);
    await epca.timesheets.create(admin, { employee_id: ada.id, project_id: engine.id, hours_worked: 2, date: "2024-06-14" });
    await expect(epca.employees.delete(admin, ada.id)).rejects.toThrow(/set is_active to false/);
  });
});

describe("timesheets", () => {
  it("returns every violated rule with its field", async () => {
    const { epca, admin, ada, closed } = await organisation();
    const error = await epca.timesheets
      .create(admin, { employee_id: ada.id, project_id: closed.id, hours_worked: 25, date: "2024-07-01" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => [i.path.join("."), i.code]).sort()).toEqual([
      ["date", "future_date"],
      ["hours_worked", "too_big"],
      ["project_id", "project_closed"],
    ]);
  });

  it("keeps an employee's day at 24 hours across entries, and nothing is written on failure", async () => {
    const { epca, admin, ada, engine } = await organisation();
    await epca.timesheets.create(admin, { employee_id: ada.id, project_id: engine.id, hours_worked: 20, date: "2024-06-10" });
    const error = await epca.timesheets
      .create(admin, { employee_id: ada.id, project_id: engine.id, hours_worked: 5, date: "2024-06-10" })
      .catch((e: unknown) => e);
    expect((error as ValidationError).issues).toEqual([expect.objectContaining({ path: ["hours_worked"], code: "daily_hours_exceeded" })]);
    expect((await epca.timesheets.list(admin, { employee_id: ada.id })).total).toBe(1);
    expect((await epca.audit.list(admin, { resource_type: "timesheet" })).total).toBe(1);
  });

  it("lets anyone log their own time, department heads their department's, nobody else's", async () => {
    const { epca, ada, bob, engine, head } = await organisation();
    const owner = actorOf("read_only", { userId: 7, employeeId: ada.id });
    const own = await epca.timesheets.create(owner, { employee_id: ada.id, project_id: engine.id, hours_worked: 3, date: "2024-06-14" });
    expect(own.status).toBe("draft");
    await expect(epca.timesheets.create(owner, { employee_id: bob.id, project_id: engine.id, hours_worked: 3, date: "2024-06-14" })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(epca.timesheets.create(head, { employee_id: bob.id, project_id: engine.id, hours_worked: 3, date: "2024-06-14" })).rejects.toBeInstanceOf(ForbiddenError);
    expect((await epca.timesheets.update(head, own.id, { hours_worked: 4 })).hours_worked).toBe(4);
  });

  it("runs draft → submitted → approved, then locks the entry for everyone but an admin", async () => {
    const { epca, admin, ada, engine, head } = await organisation();
    const owner = actorOf("analyst", { userId: 7, employeeId: ada.id });
    const entry = await epca.timesheets.create(owner, { employee_id: ada.id, project_id: engine.id, hours_worked: 8, date: "2024-06-14" });
    await expect(epca.timesheets.approve(head, entry.id)).rejects.toThrow(/draft timesheet cannot be approved/);
    await epca.timesheets.submit(owner, entry.id);
    await expect(epca.timesheets.approve(owner, entry.id)).rejects.toBeInstanceOf(ForbiddenError);
    const approved = await epca.timesheets.approve(head, entry.id);
    expect(approved).toMatchObject({ status: "approved", reviewed_by: 2, reviewed_at: "2024-06-15T12:00:00.000Z" });
    await expect(epca.timesheets.update(owner, entry.id, { hours_worked: 1 })).rejects.toBeInstanceOf(ConflictError);
    await expect(epca.timesheets.delete(head, entry.id)).rejects.toBeInstanceOf(ConflictError);
    expect((await epca.timesheets.update(admin, entry.id, { hours_worked: 7.5 })).hours_worked).toBe(7.5);
  });

  it("lets a rejected entry be edited and submitted again", async () => {
    const { epca, ada, engine, head } = await organisation();
    const owner = actorOf("read_only", { userId: 7, employeeId: ada.id });
    const entry = await epca.timesheets.create(owner, { employee_id: ada.id, project_id: engine.id, hours_worked: 8, date: "2024-06-14" });
    await epca.timesheets.submit(owner, entry.id);
    const rejected = await epca.timesheets.reject(head, entry.id, { reason: "Wrong project" });
    expect(rejected).toMatchObject({ status: "rejected", review_note: "Wrong project" });
    await epca.timesheets.update(owner, entry.id, { hours_worked: 6 });
    expect((await epca.timesheets.submit(owner, entry.id)).status).toBe("submitted");
  });
});

describe("timesheet rules on resubmission", () => {
  it("checks a rejected entry again when it is resubmitted: its hours count again", async () => {
    const { epca, admin, ada, engine, head } = await organisation();
    const owner = actorOf("read_only", { userId: 7, employeeId: ada.id });
    const first = await epca.timesheets.create(owner, { employee_id: ada.id, project_id: engine.id, hours_worked: 10, date: "2024-06-10" });
    await epca.timesheets.submit(owner, first.id);
    await epca.timesheets.reject(head, first.id);
    // Rejected hours do not count, so 20 more hours fit that day…
    await epca.timesheets.create(owner, { employee_id: ada.id, project_id: engine.id, hours_worked: 20, date: "2024-06-10" });
    // …and the rejected 10 hours cannot come back on top of them.
    const error = await epca.timesheets.submit(owner, first.id).catch((e: unknown) => e);
    expect((error as ValidationError).issues).toEqual([expect.objectContaining({ code: "daily_hours_exceeded" })]);
    expect((await epca.timesheets.get(admin, first.id)).status).toBe("rejected");
  });
});

describe("ids", () => {
  it("answers not found for ids no record can have, on every store", async () => {
    const { epca, admin } = await organisation();
    for (const id of [0, -1, 1.5, 2 ** 63, Number.NaN]) {
      await expect(epca.employees.get(admin, id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(epca.timesheets.approve(admin, id)).rejects.toBeInstanceOf(NotFoundError);
      await expect(epca.analytics.department(admin, id)).rejects.toBeInstanceOf(NotFoundError);
    }
    await expect(epca.users.setRoles(admin, 1, [1.5])).rejects.toBeInstanceOf(ValidationError);
  });
});

describe("allocations", () => {
  it("refuses overlapping allocations above 100% with a conflict", async () => {
    const { epca, admin, ada, engine, closed } = await organisation();
    await epca.allocations.create(admin, { employee_id: ada.id, project_id: engine.id, allocation_percentage: 60, start_date: "2024-01-01", end_date: "2024-06-30" });
    await epca.allocations.create(admin, { employee_id: ada.id, project_id: closed.id, allocation_percentage: 40, start_date: "2024-03-01", end_date: "2024-12-31" });
    await expect(
      epca.allocations.create(admin, { employee_id: ada.id, project_id: engine.id, allocation_percentage: 10, start_date: "2024-06-01", end_date: "2024-06-30" }),
    ).rejects.toBeInstanceOf(ConflictError);
    const later = await epca.allocations.create(admin, { employee_id: ada.id, project_id: engine.id, allocation_percentage: 60, start_date: "2024-07-01", end_date: "2024-09-30" });
    expect(later.allocation_percentage).toBe(60);
  });
});

describe("users", () => {
  it("registers read_only users anonymously, any role only through an admin", async () => {
    const { epca, admin } = setup();
    const user = await epca.users.register("default", { email: "New@Example.com", password: "password1", full_name: "New" });
    expect(user).toEqual(expect.objectContaining({ email: "new@example.com", role: "read_only", is_active: true }));
    expect(user).not.toHaveProperty("password_hash");
    await expect(epca.users.register("default", { email: "x@example.com", password: "password1", full_name: "X", role: "admin" })).rejects.toBeInstanceOf(ForbiddenError);
    expect((await epca.users.register("default", { email: "y@example.com", password: "password1", full_name: "Y", role: "analyst" }, admin)).role).toBe("analyst");
    await expect(epca.users.register("default", { email: "new@example.com", password: "password1", full_name: "Dup" })).rejects.toBeInstanceOf(ConflictError);
  });

  it("authenticates by email and password, never an inactive user", async () => {
    const { epca, admin } = setup();
    const user = await epca.users.create(admin, { email: "a@example.com", password: "correct horse", full_name: "A", role: "analyst" });
    expect((await epca.users.authenticate("default", "A@example.com", "correct horse"))?.id).toBe(user.id);
    expect(await epca.users.authenticate("default", "a@example.com", "wrong horse")).toBeNull();
    expect(await epca.users.authenticate("default", "nobody@example.com", "correct horse")).toBeNull();
    await epca.users.update(admin, user.id, { is_active: false });
    expect(await epca.users.authenticate("default", "a@example.com", "correct horse")).toBeNull();
    expect(await epca.users.actorFor("default", user.id)).toBeNull();
  });

  it("lets a user edit their own profile but not their role", async () => {
    const { epca, admin } = setup();
    const user = await epca.users.create(admin, { email: "s@example.com", password: "password1", full_name: "Self", role: "read_only" });
    const self = actorOf("read_only", { userId: user.id });
    expect((await epca.users.update(self, user.id, { full_name: "Renamed" })).full_name).toBe("Renamed");
    // Changing one's own password or email needs the current password (a stolen session is not enough).
    const missing = await epca.users.update(self, user.id, { password: "new-password" }).catch((e: unknown) => e);
    expect((missing as ValidationError).issues).toEqual([expect.objectContaining({ path: ["current_password"], code: "required" })]);
    const wrong = await epca.users.update(self, user.id, { email: "new@example.com", current_password: "nope" }).catch((e: unknown) => e);
    expect((wrong as ValidationError).issues).toEqual([expect.objectContaining({ path: ["current_password"], code: "invalid_password" })]);
    await epca.users.update(self, user.id, { password: "new-password", current_password: "password1" });
    expect((await epca.users.authenticate("default", "s@example.com", "new-password"))?.id).toBe(user.id);
    // An admin resets someone else's password without it.
    await epca.users.update(admin, user.id, { password: "reset-password" });
    expect((await epca.users.authenticate("default", "s@example.com", "reset-password"))?.id).toBe(user.id);
    await expect(epca.users.update(self, user.id, { role: "admin" })).rejects.toBeInstanceOf(ForbiddenError);
    await expect(epca.users.get(self, user.id + 1)).rejects.toBeInstanceOf(ForbiddenError);
    await expect(epca.users.list(self)).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("never lets a custom role change its holder's own role, whatever it grants on themself", async () => {
    const { epca, admin } = setup();
    const user = await epca.users.create(admin, { email: "self@example.com", password: "password1", full_name: "Self" });
    const selfAll = await epca.roles.create(admin, { name: "self_service", permissions: [{ resource: "self", actions: ["*"] }] });
    await epca.users.setRoles(admin, user.id, [selfAll.id]);
    const actor = await epca.users.actorFor("default", user.id);
    expect((await epca.users.update(actor!, user.id, { full_name: "Still me" })).full_name).toBe("Still me");
    await expect(epca.users.update(actor!, user.id, { role: "admin" })).rejects.toBeInstanceOf(ForbiddenError);
    expect((await epca.users.get(admin, user.id)).role).toBe("read_only");
  });

  it("lets an admin register users in their own tenant only", async () => {
    const { store, epca, admin } = setup();
    await store.tenants.insert({ id: "other", name: "Other", subdomain: "other", plan: "starter", is_active: true, limits: { max_users: 10, max_projects: 50, max_storage_gb: 10, ml_training_hours: 10 } });
    await expect(
      epca.users.register("other", { email: "x@example.com", password: "password1", full_name: "X", role: "admin" }, admin),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });

  it("grants what a custom role allows, and stops when the role is taken away", async () => {
    const { epca, admin } = setup();
    const user = await epca.users.create(admin, { email: "c@example.com", password: "password1", full_name: "C" });
    const auditor = await epca.roles.create(admin, { name: "auditor", permissions: [{ resource: "audit_logs", actions: ["read"] }] });
    await epca.users.setRoles(admin, user.id, [auditor.id]);
    const withRole = await epca.users.actorFor("default", user.id);
    expect(withRole?.customRoles).toEqual([{ name: "auditor", permissions: [{ resource: "audit_logs", actions: ["read"] }] }]);
    // The user, the role and the grant: three changes, three entries.
    expect((await epca.audit.list(withRole!)).items.map((e) => [e.action, e.resource_type])).toEqual([
      ["create", "user"],
      ["create", "role"],
      ["set_roles", "user"],
    ]);
    await epca.users.setRoles(admin, user.id, []);
    const without = await epca.users.actorFor("default", user.id);
    await expect(epca.audit.list(without!)).rejects.toBeInstanceOf(ForbiddenError);
    const roles = await epca.roles.list(admin);
    expect(roles.map((r) => r.name)).toEqual(["admin", "department_head", "analyst", "read_only", "auditor"]);
    await expect(epca.roles.create(admin, { name: "analyst", permissions: [] })).rejects.toBeInstanceOf(ConflictError);
  });
});

describe("analytics", () => {
  it("computes the documented figures through the store", async () => {
    const { epca, admin, eng, ada, bob, engine } = await organisation();
    await epca.timesheets.create(admin, { employee_id: ada.id, project_id: engine.id, hours_worked: 8, date: "2024-06-13" });
    await epca.timesheets.create(admin, { employee_id: ada.id, project_id: engine.id, hours_worked: 8, date: "2024-06-14" });
    await epca.timesheets.create(admin, { employee_id: bob.id, project_id: engine.id, hours_worked: 4, date: "2024-06-14" });

    // Ada: revenue 208,000, cost 104,000 → roi 1; 16 h → 13,000 per hour.
    expect(await epca.analytics.employee(admin, ada.id)).toMatchObject({ roi: 1, total_hours: 16, productivity_index: 13_000, hourly_cost: 50 });
    // Engine: labour 16 h × 50 + 4 h × 25 = 900; total cost 10,900; profit 79,100.
    const project = await epca.analytics.project(admin, engine.id);
    expect(project).toMatchObject({ labour_cost: 900, total_cost: 10_900, profit: 79_100, total_hours: 20, productivity_index: 4_500 });
    expect(project.roi).toBeCloseTo(79_100 / 10_900, 12);
    // Engineering: revenue 90,000; cost 104,000 salary + 10,000 project cost.
    expect(await epca.analytics.department(admin, eng.id)).toMatchObject({
      total_revenue: 90_000, total_cost: 114_000, profit: -24_000, total_hours: 16, budget_utilization: 114_000 / 500_000,
    });
    expect(await epca.analytics.company(admin)).toMatchObject({
      department_count: 2, employee_count: 2, project_count: 2, total_revenue: 90_000, total_cost: 166_000, total_hours: 20,
    });
    const top = await epca.analytics.topPerformers(admin, { metric: "roi", limit: 5 });
    expect(top.map((t) => [t.rank, t.employee_id, t.value])).toEqual([[1, ada.id, 1], [2, bob.id, -0.5]]);
  });

  it("gives null for ratios over zero and refuses company figures to read_only users", async () => {
    const { epca, admin, sales } = await organisation();
    const dept = await epca.analytics.department(admin, sales.id);
    expect(dept).toMatchObject({ total_hours: 0, productivity_index: null });
    expect(await epca.analytics.topPerformers(admin)).toEqual([]);
    await expect(epca.analytics.company(actorOf("read_only"))).rejects.toBeInstanceOf(ForbiddenError);
    await expect(epca.analytics.topPerformers(admin, { limit: 0 })).rejects.toBeInstanceOf(ValidationError);
  });
});
