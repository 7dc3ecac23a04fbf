import { ConflictError, NotFoundError, type TenantScope } from "@epca/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PostgresStore } from "../src/index.js";
import { createTenantScope } from "../src/store.js";

let counter = 0;
/** A fresh tenant per test, so tests share one store without seeing each other. */
export async function newTenant(store: PostgresStore, prefix = "t"): Promise<string> {
  const id = `${prefix}-${process.pid}-${Date.now().toString(36)}-${++counter}`;
  await store.tenants.insert({
    id,
    name: `Tenant ${id}`,
    subdomain: id.toLowerCase().replace(/_/g, "-"),
    plan: "starter",
    is_active: true,
    limits: { max_users: 10, max_projects: 50, max_storage_gb: 10, ml_training_hours: 10 },
  });
  return id;
}

/** A department, two employees and a project in the scope's tenant. */
export async function seedBasics(s: TenantScope) {
  const department = await s.departments.insert({ name: "Engineering", budget: 1_000_000, description: null });
  const alice = await s.employees.insert({
    name: "Alice",
    email: "alice@example.com",
    department_id: department.id,
    salary: 104_000,
    revenue_generated: 300_000,
    hire_date: "2020-01-15",
    skills: ["ts", "sql"],
    is_active: true,
  });
  const bob = await s.employees.insert({
    name: "Bob",
    email: null,
    department_id: department.id,
    salary: 52_000,
    revenue_generated: 0,
    hire_date: null,
    skills: [],
    is_active: true,
  });
  const project = await s.projects.insert({
    name: "Apollo",
    department_id: department.id,
    cost: 10_000,
    revenue: 90_000,
    status: "in_progress",
    completion_percentage: 40,
    start_date: "2024-01-01",
    end_date: null,
    estimated_end_date: "2025-01-01",
    description: null,
  });
  return { department, alice, bob, project };
}

const timesheet = (employee_id: number, project_id: number, hours_worked: number, date: string, status: "draft" | "submitted" | "approved" | "rejected" = "draft") => ({
  employee_id,
  project_id,
  hours_worked,
  date,
  description: null,
  status,
  reviewed_by: null,
  reviewed_at: null,
  review_note: null,
});

/** Focused checks of the store that run on every driver. */
export function runStoreScenarios(name: string, createStore: () => Promise<PostgresStore>): void {
  describe(`${name}: store scenarios`, () => {
    let store: PostgresStore;
    beforeAll(async () => {
      store = await createStore();
    });
    afterAll(async () => {
      await store?.close();
    });

    it("seeds the default tenant", async () => {
      const tenant = await store.tenants.findById("default");
      expect(tenant).toMatchObject({
        id: "default",
        name: "Default",
        subdomain: "default",
        plan: "enterprise",
        is_active: true,
        limits: { max_users: 10000, max_projects: 50000, max_storage_gb: 1000, ml_training_hours: 1000 },
      });
      expect(tenant!.created_at).toMatch(/Z$/);
    });

    it("rejects unknown tenants and duplicate tenant ids/subdomains", async () => {
      await expect(store.transaction("no-such-tenant", async () => 1)).rejects.toEqual(new NotFoundError("tenant", "no-such-tenant"));
      const id = await newTenant(store);
      const t = (await store.tenants.findById(id))!;
      await expect(store.tenants.insert({ ...t, id: `${id}x` })).rejects.toBeInstanceOf(ConflictError);
      await expect(store.tenants.insert({ ...t, subdomain: `${t.subdomain}x` })).rejects.toBeInstanceOf(ConflictError);
      expect(await store.tenants.findBySubdomain(t.subdomain)).toEqual(t);
      const updated = await store.tenants.update(id, { is_active: false, plan: "professional" });
      expect(updated).toMatchObject({ is_active: false, plan: "professional", limits: t.limits });
      expect((await store.tenants.list()).map((x) => x.id)).toContain(id);
    });

    it("round-trips records in the exact core shapes", async () => {
      const tenant = await newTenant(store);
      await store.transaction(tenant, async (s) => {
        const { department, alice, project } = await seedBasics(s);
        expect(department).toMatchObject({ name: "Engineering", budget: 1_000_000, description: null });
        expect(typeof department.id).toBe("number");
        expect(alice).toMatchObject({ hire_date: "2020-01-15", skills: ["ts", "sql"], salary: 104_000 });
        expect(alice.created_at).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
        expect(project).toMatchObject({ start_date: "2024-01-01", end_date: null, estimated_end_date: "2025-01-01" });
        expect(await s.employees.findById(alice.id)).toEqual(alice);
        expect(await s.employees.findByEmail("alice@example.com")).toEqual(alice);
        const ts = await s.timesheets.insert(timesheet(alice.id, project.id, 0.1 + 0.2, "2024-03-01"));
        expect(ts.hours_worked).toBe(0.1 + 0.2);
        expect(ts.date).toBe("2024-03-01");
        const updated = await s.timesheets.update(ts.id, { status: "approved", reviewed_by: 7, reviewed_at: "2024-03-02T10:00:00.000Z" });
        expect(updated).toMatchObject({ status: "approved", reviewed_by: 7, reviewed_at: "2024-03-02T10:00:00.000Z" });
        expect(updated!.updated_at >= ts.updated_at).toBe(true);
        expect(await s.timesheets.update(999_999_999, { status: "approved" })).toBeNull();
        expect(await s.timesheets.delete(ts.id)).toEqual(updated);
        expect(await s.timesheets.findById(ts.id)).toBeNull();
      });
    });

    it("maps uniqueness and missing references to domain errors", async () => {
      const tenant = await newTenant(store);
      await store.transaction(tenant, async (s) => {
        await s.departments.insert({ name: "Sales", budget: 0, description: null });
      });
      await expect(
        store.transaction(tenant, (s) => s.departments.insert({ name: "Sales", budget: 0, description: null })),
      ).rejects.toThrow(/department with this name/);
      await expect(
        store.transaction(tenant, (s) =>
          s.employees.insert({ name: "X", email: null, department_id: 987654, salary: 1, revenue_generated: 0, hire_date: null, skills: [], is_active: true }),
        ),
      ).rejects.toEqual(new NotFoundError("department", 987654));
    });

    it("rolls back every write when the work rejects, and refuses a settled scope", async () => {
      const tenant = await newTenant(store);
      const boom = new Error("boom");
      let leaked: TenantScope | undefined;
      await expect(
        store.transaction(tenant, async (s) => {
          leaked = s;
          await s.departments.insert({ name: "Temp", budget: 0, description: null });
          throw boom;
        }),
      ).rejects.toBe(boom);
      expect(await store.transaction(tenant, (s) => s.departments.findByName("Temp"))).toBeNull();
      await expect(leaked!.departments.findByName("Temp")).rejects.toThrow(/ended/);
    });

    it("isolates tenants: ids of another tenant are not found", async () => {
      const a = await newTenant(store, "a");
      const b = await newTenant(store, "b");
      const seeded = await store.transaction(a, seedBasics);
      await store.transaction(b, async (s) => {
        expect(await s.departments.findById(seeded.department.id)).toBeNull();
        expect((await s.employees.list({}, { skip: 0, limit: 100 })).total).toBe(0);
        expect(await s.employees.delete(seeded.alice.id)).toBeNull();
        const own = await s.departments.insert({ name: "Engineering", budget: 0, description: null });
        // A reference to the other tenant's project is a missing project here.
        const emp = await s.employees.insert({ name: "Zed", email: "alice@example.com", department_id: own.id, salary: 10, revenue_generated: 0, hire_date: null, skills: [], is_active: true });
        await expect(s.timesheets.insert(timesheet(emp.id, seeded.project.id, 1, "2024-01-01"))).rejects.toEqual(
          new NotFoundError("project", seeded.project.id),
        );
      });
    });

    it("lists with filters, paging and totals", async () => {
      const tenant = await newTenant(store);
      await store.transaction(tenant, async (s) => {
        const { alice, bob, project, department } = await seedBasics(s);
        const stored = await s.timesheets.insertMany([
          timesheet(alice.id, project.id, 8, "2024-03-01"),
          timesheet(alice.id, project.id, 4, "2024-03-02", "approved"),
          timesheet(bob.id, project.id, 2, "2024-03-02", "rejected"),
        ]);
        expect(stored).toBe(3);
        const page = await s.timesheets.list({ employee_id: alice.id }, { skip: 1, limit: 1 });
        expect(page.total).toBe(2);
        expect(page.items.map((t) => t.hours_worked)).toEqual([4]);
        expect((await s.timesheets.list({ from: "2024-03-02", to: "2024-03-02" }, { skip: 0, limit: 10 })).total).toBe(2);
        expect((await s.timesheets.list({ department_id: department.id, status: "rejected" }, { skip: 0, limit: 10 })).total).toBe(1);
        expect(await s.employees.countDependents(alice.id)).toEqual({ timesheets: 2, allocations: 0 });
        expect(await s.departments.countDependents(department.id)).toEqual({ employees: 2, projects: 1 });
        expect(await s.timesheets.sumHoursOnDateForUpdate(bob.id, "2024-03-02")).toBe(0);
        expect(await s.timesheets.sumHoursOnDateForUpdate(alice.id, "2024-03-02")).toBe(4);
        const beyond = await s.timesheets.list({}, { skip: 50, limit: 10 });
        expect(beyond).toEqual({ items: [], total: 3 });
        const a1 = await s.allocations.insert({ employee_id: alice.id, project_id: project.id, allocation_percentage: 50, allocated_hours: 0, start_date: "2024-01-01", end_date: "2024-06-30" });
        expect(await s.allocations.findOverlappingForUpdate(alice.id, "2024-06-30", "2024-12-31")).toEqual([a1]);
        expect(await s.allocations.findOverlappingForUpdate(alice.id, "2024-07-01", "2024-12-31")).toEqual([]);
        expect(await s.allocations.findOverlappingForUpdate(alice.id, "2024-01-01", "2024-12-31", a1.id)).toEqual([]);
        expect((await s.allocations.list({ from: "2024-06-01", to: "2024-07-01" }, { skip: 0, limit: 5 })).total).toBe(1);
      });
    });

    it("computes analytics aggregates in SQL", async () => {
      const tenant = await newTenant(store);
      await store.transaction(tenant, async (s) => {
        const { alice, bob, project, department } = await seedBasics(s);
        const other = await s.projects.insert({ name: "Zero", department_id: department.id, cost: 0, revenue: 0, status: "planned", completion_percentage: 0, start_date: null, end_date: null, estimated_end_date: null, description: null });
        await s.timesheets.insertMany([
          timesheet(alice.id, project.id, 8, "2024-03-01"),
          timesheet(alice.id, project.id, 2, "2024-03-02", "approved"),
          timesheet(bob.id, project.id, 5, "2024-03-02", "rejected"),
          timesheet(bob.id, project.id, 4, "2024-03-03"),
        ]);
        expect(await s.analytics.employee(alice.id)).toEqual({
          employee_id: alice.id, name: "Alice", department_id: department.id, salary: 104_000, revenue_generated: 300_000, is_active: true, total_hours: 10,
        });
        expect(await s.analytics.employee(999_999)).toBeNull();
        expect(await s.analytics.project(project.id)).toMatchObject({ total_hours: 14, salary_hours: 10 * 104_000 + 4 * 52_000, cost: 10_000, revenue: 90_000 });
        expect(await s.analytics.project(other.id)).toMatchObject({ total_hours: 0, salary_hours: 0 });
        expect(await s.analytics.department(department.id)).toEqual({
          department_id: department.id, name: "Engineering", budget: 1_000_000, employee_count: 2, project_count: 2,
          salary_total: 156_000, project_cost_total: 10_000, project_revenue_total: 90_000, total_hours: 14,
        });
        expect(await s.analytics.company()).toEqual({
          department_count: 1, employee_count: 2, project_count: 2, salary_total: 156_000, project_cost_total: 10_000, project_revenue_total: 90_000, total_hours: 14,
        });
        const byProductivity = await s.analytics.rankEmployees("productivity_index", 10);
        expect(byProductivity.map((e) => e.employee_id)).toEqual([alice.id, bob.id]);
        expect((await s.analytics.rankEmployees("revenue_generated", 1)).map((e) => e.employee_id)).toEqual([alice.id]);
        expect((await s.analytics.rankEmployees("roi", 10)).map((e) => e.employee_id)).toEqual([alice.id, bob.id]);
        // "Zero" has no hours and no cost: left out of productivity and roi, ranked on profit (0).
        expect((await s.analytics.rankProjects("productivity_index", 10, 2080)).map((p) => p.project_id)).toEqual([project.id]);
        expect((await s.analytics.rankProjects("roi", 10, 2080)).map((p) => p.project_id)).toEqual([project.id]);
        expect((await s.analytics.rankProjects("profit", 10, 2080)).map((p) => p.project_id)).toEqual([project.id, other.id]);
      });
      expect(await store.transaction(await newTenant(store), (s) => s.analytics.company())).toEqual({
        department_count: 0, employee_count: 0, project_count: 0, salary_total: 0, project_cost_total: 0, project_revenue_total: 0, total_hours: 0,
      });
    });

    it("users, roles, refresh tokens and the audit log", async () => {
      const tenant = await newTenant(store);
      await store.transaction(tenant, async (s) => {
        const user = await s.users.insert({ email: "u@example.com", password_hash: "h", full_name: "U", role: "analyst", is_active: true, department_id: null, employee_id: null });
        expect(user.role_ids).toEqual([]);
        await expect(s.users.insert({ ...user, password_hash: "x" })).rejects.toBeInstanceOf(ConflictError);
        const role = await s.roles.insert({ name: "auditor", description: null, permissions: [{ resource: "audit", actions: ["read"] }] });
        expect(role).toMatchObject({ is_system: false, permissions: [{ resource: "audit", actions: ["read"] }] });
        await expect(s.roles.insert({ name: "auditor", description: null, permissions: [] })).rejects.toBeInstanceOf(ConflictError);
        await s.users.setRoleIds(user.id, [role.id]);
        expect((await s.users.findById(user.id))!.role_ids).toEqual([role.id]);
        await expect(s.users.setRoleIds(user.id, [123456789])).rejects.toEqual(new NotFoundError("role", 123456789));
        await expect(s.users.setRoleIds(987654321, [])).rejects.toEqual(new NotFoundError("user", 987654321));
      });
      await store.transaction(tenant, async (s) => {
        const user = (await s.users.findByEmail("u@example.com"))!;
        expect((await s.users.list({ role: "analyst" }, { skip: 0, limit: 10 })).items).toEqual([user]);
        expect(await s.users.count()).toBe(1);
        const now = new Date("2030-01-01T00:00:00.000Z");
        await s.refreshTokens.insert({ family_id: "f1", token_hash: "h1", user_id: user.id, expires_at: "2030-01-02T00:00:00.000Z" });
        await s.refreshTokens.insert({ family_id: "f1", token_hash: "h2", user_id: user.id, expires_at: "2029-01-01T00:00:00.000Z" });
        await s.refreshTokens.insert({ family_id: "f2", token_hash: "h3", user_id: user.id, expires_at: "2030-01-02T00:00:00.000Z" });
        expect((await s.refreshTokens.consume("h1", now)).outcome).toBe("rotated");
        expect((await s.refreshTokens.consume("h1", now)).outcome).toBe("reused");
        expect((await s.refreshTokens.consume("h2", now)).outcome).toBe("expired");
        expect(await s.refreshTokens.consume("nope", now)).toEqual({ outcome: "unknown" });
        expect(await s.refreshTokens.revokeFamily("f2", now)).toBe(1);
        expect((await s.refreshTokens.consume("h3", now)).outcome).toBe("revoked");
        const entry = await s.audit.append({ user_id: user.id, action: "create", resource_type: "user", resource_id: String(user.id), changes: { before: null, after: { a: 1 } }, ip_address: null, user_agent: null, request_id: "r1" });
        expect(entry).toMatchObject({ action: "create", changes: { before: null, after: { a: 1 } } });
        expect((await s.audit.list({ resource_type: "user" }, { skip: 0, limit: 10 })).items).toEqual([entry]);
        expect((await s.audit.list({ to: "2000-01-01" }, { skip: 0, limit: 10 })).total).toBe(0);
        const deleted = await s.users.delete(user.id);
        expect(deleted?.id).toBe(user.id);
        expect(await s.refreshTokens.consume("h3", now)).toEqual({ outcome: "unknown" });
      });
    });

    it("emails collide without regard to case, and the conflict names the field", async () => {
      const tenant = await newTenant(store);
      await store.transaction(tenant, seedBasics);
      await expect(
        store.transaction(tenant, async (s) => {
          const department = (await s.departments.findByName("Engineering"))!;
          return s.employees.insert({ name: "A2", email: "ALICE@Example.com", department_id: department.id, salary: 1, revenue_generated: 0, hire_date: null, skills: [], is_active: true });
        }),
      ).rejects.toThrow(/^An employee with this email already exists$/);
      await store.transaction(tenant, (s) => s.users.insert({ email: "Case@Example.com", password_hash: "h", full_name: "C", role: "analyst", is_active: true, department_id: null, employee_id: null }));
      await expect(
        store.transaction(tenant, (s) => s.users.insert({ email: "case@example.COM", password_hash: "h", full_name: "C", role: "analyst", is_active: true, department_id: null, employee_id: null })),
      ).rejects.toThrow(/^A user with this email already exists$/);
      expect((await store.transaction(tenant, (s) => s.users.findByEmail("CASE@EXAMPLE.COM")))?.email).toBe("Case@Example.com");
      expect((await store.transaction(tenant, (s) => s.employees.findByEmail("Alice@EXAMPLE.com")))?.name).toBe("Alice");
    });

    it("reads bare audit dates in UTC whatever the session time zone", async () => {
      const tenant = await newTenant(store);
      const tenantRow = (await store.tenants.findById(tenant))!;
      for (const zone of ["Pacific/Pago_Pago", "Pacific/Kiritimati"]) {
        await store.withTenantSql(tenant, async (sql) => {
          await sql.query(`SET LOCAL TimeZone = '${zone}'`);
          const s = createTenantScope(tenantRow, sql);
          const before = (await s.audit.list({}, { skip: 0, limit: 1 })).total;
          if (before === 0) {
            await sql.query(
              `INSERT INTO audit_logs (action, resource_type, changes, created_at)
               VALUES ('create', 'zone', '{"before":null,"after":null}', '2024-03-10T00:30:00Z'),
                      ('create', 'zone', '{"before":null,"after":null}', '2024-03-10T23:30:00Z')`,
            );
          }
          const count = async (filter: { from?: string; to?: string }) => (await s.audit.list({ resource_type: "zone", ...filter }, { skip: 0, limit: 10 })).total;
          expect(await count({ from: "2024-03-10", to: "2024-03-10" }), zone).toBe(2);
          expect(await count({ from: "2024-03-11" }), zone).toBe(0);
          expect(await count({ to: "2024-03-09" }), zone).toBe(0);
          expect(await count({ from: "2024-03-10T12:00:00Z" }), zone).toBe(1);
          expect(await count({ from: "2024-03-10T12:00:00+14:00", to: "2024-03-10T12:00:00Z" }), zone).toBe(1);
        });
      }
    });

    it("migrating again is a no-op", async () => {
      const before = await store.appliedMigrations();
      expect(before.length).toBeGreaterThan(0);
      expect((await store.migrate()).applied).toEqual([]);
      expect(await store.appliedMigrations()).toEqual(before);
    });
  });
}
