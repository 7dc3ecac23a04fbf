import { ConflictError, fixedClock, NotFoundError, type TenantScope } from "@epca/core";
import { createMemoryStore, type MemoryStore } from "@epca/adapter-memory";
import { describe, expect, it } from "vitest";

const department = (name: string) => ({ name, budget: 1000, description: null });
const employee = (department_id: number, email: string | null, extra: Record<string, unknown> = {}) => ({
  name: "Ada Lovelace",
  email,
  department_id,
  salary: 104_000,
  revenue_generated: 0,
  hire_date: null,
  skills: ["math"],
  is_active: true,
  ...extra,
});
const project = (department_id: number, extra: Record<string, unknown> = {}) => ({
  name: "Engine",
  department_id,
  cost: 100,
  revenue: 1000,
  status: "in_progress" as const,
  completion_percentage: 10,
  start_date: null,
  end_date: null,
  estimated_end_date: null,
  description: null,
  ...extra,
});
const timesheet = (employee_id: number, project_id: number, date: string, hours: number, status = "draft") => ({
  employee_id,
  project_id,
  hours_worked: hours,
  date,
  description: null,
  status: status as "draft" | "submitted" | "approved" | "rejected",
  reviewed_by: null,
  reviewed_at: null,
  review_note: null,
});
const user = (email: string) => ({
  email,
  password_hash: "hash",
  full_name: "A User",
  role: "read_only" as const,
  is_active: true,
  department_id: null,
  employee_id: null,
});

async function addTenant(store: MemoryStore, id: string) {
  await store.tenants.insert({
    id,
    name: id,
    subdomain: id,
    plan: "starter",
    is_active: true,
    limits: { max_users: 1, max_projects: 1, max_storage_gb: 1, ml_training_hours: 1 },
  });
}

const inDefault = <T>(store: MemoryStore, work: (scope: TenantScope) => Promise<T>) => store.transaction("default", work);

describe("createMemoryStore", () => {
  it("starts with the default tenant on the enterprise plan", async () => {
    const store = createMemoryStore();
    const tenant = await store.tenants.findById("default");
    expect(tenant).toMatchObject({ name: "Default", subdomain: "default", plan: "enterprise", is_active: true });
    expect(tenant?.limits.max_users).toBe(10_000);
  });

  it("stamps records with the clock and bumps updated_at on update", async () => {
    const clock = fixedClock("2024-01-01T00:00:00.000Z");
    const store = createMemoryStore({ clock });
    const created = await inDefault(store, (s) => s.departments.insert(department("Sales")));
    expect(created).toMatchObject({ created_at: "2024-01-01T00:00:00.000Z", updated_at: "2024-01-01T00:00:00.000Z" });
    clock.set("2024-02-01T00:00:00.000Z");
    const updated = await inDefault(store, (s) => s.departments.update(created.id, { budget: 5 }));
    expect(updated).toMatchObject({ budget: 5, created_at: "2024-01-01T00:00:00.000Z", updated_at: "2024-02-01T00:00:00.000Z" });
  });
});

describe("transactions", () => {
  it("rolls back inserts, updates and deletes when work rejects, rethrowing the same error", async () => {
    const store = createMemoryStore();
    const [kept, doomed] = await inDefault(store, async (s) => [
      await s.departments.insert(department("Kept")),
      await s.departments.insert(department("Doomed")),
    ]);
    const failure = new Error("boom");
    let insertedId = 0;
    await expect(
      inDefault(store, async (s) => {
        insertedId = (await s.departments.insert(department("New"))).id;
        await s.departments.update(kept!.id, { name: "Renamed", budget: 1 });
        await s.departments.delete(doomed!.id);
        await s.audit.append({
          user_id: null,
          action: "x",
          resource_type: "department",
          resource_id: null,
          changes: { before: null, after: null },
          ip_address: null,
          user_agent: null,
          request_id: null,
        });
        throw failure;
      }),
    ).rejects.toBe(failure);
    await inDefault(store, async (s) => {
      expect(await s.departments.findById(insertedId)).toBeNull();
      expect(await s.departments.findById(kept!.id)).toEqual(kept);
      expect(await s.departments.findById(doomed!.id)).toEqual(doomed);
      expect((await s.departments.list({}, { skip: 0, limit: 10 })).items.map((d) => d.id)).toEqual([kept!.id, doomed!.id]);
      expect((await s.audit.list({}, { skip: 0, limit: 10 })).total).toBe(0);
    });
  });

  it("undoes user deletion with its tokens and grants, and role deletion with its grants", async () => {
    const store = createMemoryStore();
    const { userId, roleId } = await inDefault(store, async (s) => {
      const u = await s.users.insert(user("a@example.com"));
      const r = await s.roles.insert({ name: "auditor", description: null, permissions: [] });
      await s.users.setRoleIds(u.id, [r.id]);
      await s.refreshTokens.insert({ family_id: "f", token_hash: "h", user_id: u.id, expires_at: "2999-01-01T00:00:00Z" });
      return { userId: u.id, roleId: r.id };
    });
    await expect(
      inDefault(store, async (s) => {
        await s.roles.delete(roleId);
        expect((await s.users.findById(userId))?.role_ids).toEqual([]);
        await s.users.delete(userId);
        expect(await s.refreshTokens.consume("h", new Date())).toEqual({ outcome: "unknown" });
        throw new Error("undo");
      }),
    ).rejects.toThrow("undo");
    await inDefault(store, async (s) => {
      expect((await s.users.findById(userId))?.role_ids).toEqual([roleId]);
      expect((await s.refreshTokens.consume("h", new Date())).outcome).toBe("rotated");
    });
  });

  it("keeps insertMany all or nothing even when the caller catches its error", async () => {
    const store = createMemoryStore();
    const count = await inDefault(store, async (s) => {
      const d = await s.departments.insert(department("Eng"));
      const e = await s.employees.insert(employee(d.id, null));
      const p = await s.projects.insert(project(d.id));
      const good = timesheet(e.id, p.id, "2024-01-01", 1);
      // An entry structuredClone cannot copy makes the batch fail part way.
      await expect(s.timesheets.insertMany([good, good, { ...good, description: (() => "") as never }])).rejects.toThrow();
      return (await s.timesheets.list({}, { skip: 0, limit: 10 })).total;
    });
    expect(count).toBe(0);
  });

  it("rejects an unknown tenant with NotFoundError", async () => {
    const store = createMemoryStore();
    const error = await store.transaction("nope", async () => 1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ resource: "tenant", id: "nope" });
  });

  it("refuses a scope used after its transaction settled", async () => {
    const store = createMemoryStore();
    const scope = await inDefault(store, async (s) => s);
    await expect(scope.departments.list({}, { skip: 0, limit: 1 })).rejects.toThrow(/after its transaction settled/);
  });

  it("fails a nested transaction clearly instead of deadlocking", async () => {
    const store = createMemoryStore();
    await expect(inDefault(store, () => inDefault(store, async () => 1))).rejects.toThrow(/nested transactions/);
  });

  it("runs transactions one at a time, in call order", async () => {
    const store = createMemoryStore();
    const events: string[] = [];
    const slow = inDefault(store, async () => {
      events.push("a start");
      await new Promise((resolve) => setTimeout(resolve, 20));
      events.push("a end");
    });
    const fast = inDefault(store, async () => {
      events.push("b start");
    });
    await Promise.all([slow, fast]);
    expect(events).toEqual(["a start", "a end", "b start"]);
  });

  it("refuses every use after close", async () => {
    const store = createMemoryStore();
    await store.ping();
    await store.close();
    await expect(store.ping()).rejects.toThrow(/closed/);
    await expect(inDefault(store, async () => 1)).rejects.toThrow(/closed/);
    await expect(store.tenants.list()).rejects.toThrow(/closed/);
  });
});

describe("tenant isolation", () => {
  it("hides other tenants' rows and never repeats ids across tenants", async () => {
    const store = createMemoryStore();
    await addTenant(store, "acme");
    const a = await inDefault(store, (s) => s.departments.insert(department("Sales")));
    const b = await store.transaction("acme", (s) => s.departments.insert(department("Sales")));
    expect(b.id).not.toBe(a.id);
    await store.transaction("acme", async (s) => {
      expect(await s.departments.findById(a.id)).toBeNull();
      expect(await s.departments.update(a.id, { budget: 0 })).toBeNull();
      expect(await s.departments.delete(a.id)).toBeNull();
      expect((await s.departments.list({}, { skip: 0, limit: 10 })).items.map((d) => d.id)).toEqual([b.id]);
    });
    expect(await inDefault(store, (s) => s.departments.findById(a.id))).toEqual(a);
  });

  it("rejects a tenant id or subdomain that is taken", async () => {
    const store = createMemoryStore();
    await addTenant(store, "acme");
    await expect(addTenant(store, "acme")).rejects.toBeInstanceOf(ConflictError);
    await expect(
      store.tenants.insert({ id: "other", name: "O", subdomain: "default", plan: "starter", is_active: true, limits: { max_users: 1, max_projects: 1, max_storage_gb: 1, ml_training_hours: 1 } }),
    ).rejects.toBeInstanceOf(ConflictError);
  });
});

describe("uniqueness", () => {
  it("throws ConflictError for duplicate department names, employee emails, user emails and role names", async () => {
    const store = createMemoryStore();
    await inDefault(store, async (s) => {
      const d = await s.departments.insert(department("Sales"));
      const other = await s.departments.insert(department("Ops"));
      await expect(s.departments.insert(department("Sales"))).rejects.toBeInstanceOf(ConflictError);
      await expect(s.departments.update(other.id, { name: "Sales" })).rejects.toBeInstanceOf(ConflictError);
      expect(await s.departments.update(d.id, { name: "Sales" })).toMatchObject({ name: "Sales" });

      await s.employees.insert(employee(d.id, "a@example.com"));
      await s.employees.insert(employee(d.id, null));
      await s.employees.insert(employee(d.id, null));
      await expect(s.employees.insert(employee(d.id, "a@example.com"))).rejects.toBeInstanceOf(ConflictError);

      await s.users.insert(user("u@example.com"));
      await expect(s.users.insert(user("u@example.com"))).rejects.toThrow(/already exists/);

      await s.roles.insert({ name: "auditor", description: null, permissions: [] });
      await expect(s.roles.insert({ name: "auditor", description: null, permissions: [] })).rejects.toBeInstanceOf(ConflictError);
    });
    // The same names are free in another tenant.
    await addTenant(store, "acme");
    await store.transaction("acme", async (s) => {
      await s.departments.insert(department("Sales"));
      await s.users.insert(user("u@example.com"));
    });
  });
});

describe("lists", () => {
  it("filters, orders by id and counts the total before paging", async () => {
    const store = createMemoryStore();
    await inDefault(store, async (s) => {
      const d1 = await s.departments.insert(department("One"));
      const d2 = await s.departments.insert(department("Two"));
      const e1 = await s.employees.insert(employee(d1.id, null));
      const e2 = await s.employees.insert(employee(d2.id, null));
      const p = await s.projects.insert(project(d1.id));
      const ids: number[] = [];
      for (let day = 1; day <= 5; day += 1) {
        ids.push((await s.timesheets.insert(timesheet(e1.id, p.id, `2024-01-0${day}`, 1))).id);
      }
      await s.timesheets.insert(timesheet(e2.id, p.id, "2024-01-03", 2));

      const page = await s.timesheets.list({ department_id: d1.id, from: "2024-01-02", to: "2024-01-04" }, { skip: 1, limit: 1 });
      expect(page.total).toBe(3);
      expect(page.items.map((t) => t.id)).toEqual([ids[2]]);
      expect((await s.timesheets.list({}, { skip: 0, limit: 100 })).total).toBe(6);

      expect(await s.timesheets.sumHoursOnDateForUpdate(e1.id, "2024-01-03")).toBe(1);
      await s.timesheets.insert(timesheet(e1.id, p.id, "2024-01-03", 7, "rejected"));
      expect(await s.timesheets.sumHoursOnDateForUpdate(e1.id, "2024-01-03")).toBe(1);
      expect(await s.timesheets.sumHoursOnDateForUpdate(e1.id, "2024-01-03", ids[2])).toBe(0);

      const a = await s.allocations.insert({ employee_id: e1.id, project_id: p.id, allocation_percentage: 50, allocated_hours: 0, start_date: "2024-01-10", end_date: "2024-01-20" });
      expect((await s.allocations.list({ from: "2024-01-20", to: "2024-02-01" }, { skip: 0, limit: 10 })).total).toBe(1);
      expect((await s.allocations.list({ from: "2024-01-21" }, { skip: 0, limit: 10 })).total).toBe(0);
      expect(await s.allocations.findOverlappingForUpdate(e1.id, "2024-01-01", "2024-01-10")).toEqual([a]);
      expect(await s.allocations.findOverlappingForUpdate(e1.id, "2024-01-01", "2024-01-10", a.id)).toEqual([]);
    });
  });
});

describe("references", () => {
  it("checks references on insert, and on update only when they change", async () => {
    const store = createMemoryStore();
    await inDefault(store, async (s) => {
      const d = await s.departments.insert(department("Eng"));
      const e = await s.employees.insert(employee(d.id, null));
      const p = await s.projects.insert(project(d.id));
      await expect(s.employees.update(e.id, { department_id: 999 })).rejects.toMatchObject({ resource: "department", id: 999 });
      await expect(s.projects.update(p.id, { department_id: 999 })).rejects.toBeInstanceOf(NotFoundError);
      expect(await s.employees.update(e.id, { name: "Grace" })).toMatchObject({ name: "Grace", department_id: d.id });
      await expect(s.allocations.insert({ employee_id: 999, project_id: p.id, allocation_percentage: 10, allocated_hours: 0, start_date: "2024-01-01", end_date: "2024-01-31" })).rejects.toMatchObject({ resource: "employee", id: 999 });
      const t = await s.timesheets.insert(timesheet(e.id, p.id, "2024-01-01", 1));
      await expect(s.timesheets.update(t.id, { project_id: 999 })).rejects.toMatchObject({ resource: "project", id: 999 });
      await expect(s.users.insert({ ...user("u@example.com"), department_id: 999 })).rejects.toMatchObject({ resource: "department", id: 999 });
      const u = await s.users.insert({ ...user("v@example.com"), employee_id: e.id });
      await expect(s.users.update(u.id, { employee_id: 999 })).rejects.toMatchObject({ resource: "employee", id: 999 });
      expect(await s.users.update(u.id, { department_id: d.id })).toMatchObject({ department_id: d.id, employee_id: e.id });
    });
  });

  it("stores no entry of a bulk insert with one bad reference, even when the caller catches it", async () => {
    const store = createMemoryStore();
    const count = await inDefault(store, async (s) => {
      const d = await s.departments.insert(department("Eng"));
      const e = await s.employees.insert(employee(d.id, null));
      const p = await s.projects.insert(project(d.id));
      const good = timesheet(e.id, p.id, "2024-01-01", 1);
      await expect(s.timesheets.insertMany([good, good, timesheet(999, p.id, "2024-01-01", 1)])).rejects.toBeInstanceOf(NotFoundError);
      return (await s.timesheets.list({}, { skip: 0, limit: 10 })).total;
    });
    expect(count).toBe(0);
  });

  it("refuses deletes of records still referred to, and undoes the unlinking of users with the transaction", async () => {
    const store = createMemoryStore();
    const { d, e, p, u } = await inDefault(store, async (s) => {
      const d = await s.departments.insert(department("Eng"));
      const e = await s.employees.insert(employee(d.id, null));
      const p = await s.projects.insert(project(d.id));
      const u = await s.users.insert({ ...user("u@example.com"), department_id: d.id, employee_id: e.id });
      await s.allocations.insert({ employee_id: e.id, project_id: p.id, allocation_percentage: 10, allocated_hours: 0, start_date: "2024-01-01", end_date: "2024-01-31" });
      return { d, e, p, u };
    });
    await inDefault(store, async (s) => {
      await expect(s.employees.delete(e.id)).rejects.toBeInstanceOf(ConflictError);
      await expect(s.projects.delete(p.id)).rejects.toBeInstanceOf(ConflictError);
      await expect(s.departments.delete(d.id)).rejects.toBeInstanceOf(ConflictError);
      expect(await s.users.findById(u.id)).toEqual(u);
    });
    await expect(
      inDefault(store, async (s) => {
        const [allocation] = (await s.allocations.list({}, { skip: 0, limit: 1 })).items;
        await s.allocations.delete(allocation!.id);
        await s.employees.delete(e.id);
        await s.projects.delete(p.id);
        await s.departments.delete(d.id);
        expect(await s.users.findById(u.id)).toMatchObject({ department_id: null, employee_id: null, updated_at: u.updated_at });
        throw new Error("undo");
      }),
    ).rejects.toThrow("undo");
    expect(await inDefault(store, (s) => s.users.findById(u.id))).toEqual(u);
    expect(await inDefault(store, (s) => s.departments.delete(12345))).toBeNull();
  });
});

describe("audit log", () => {
  it("bounds created_at inclusively by instants or by whole UTC days", async () => {
    const clock = { now: () => new Date(instant) };
    let instant = "2024-03-01T23:59:59.999Z";
    const store = createMemoryStore({ clock });
    const entry = { user_id: null, action: "x", resource_type: "department", resource_id: null, changes: { before: null, after: null }, ip_address: null, user_agent: null, request_id: null };
    await inDefault(store, async (s) => {
      await s.audit.append(entry);
      instant = "2024-03-02T00:00:00.000Z";
      await s.audit.append(entry);
    });
    const total = (filter: { from?: string; to?: string }) => inDefault(store, async (s) => (await s.audit.list(filter, { skip: 0, limit: 10 })).total);
    expect(await total({ from: "2024-03-01", to: "2024-03-01" })).toBe(1);
    expect(await total({ from: "2024-03-02" })).toBe(1);
    expect(await total({ to: "2024-03-02" })).toBe(2);
    expect(await total({ from: "2024-03-01T23:59:59.999Z", to: "2024-03-02T00:00:00Z" })).toBe(2);
    expect(await total({ from: "2024-03-02T01:00:00+01:00" })).toBe(1);
    expect(await total({ to: "2024-03-01T23:59:59.998Z" })).toBe(0);
    await expect(total({ from: "yesterday" })).rejects.toBeInstanceOf(RangeError);
  });
});

describe("copies", () => {
  it("never shares objects with storage", async () => {
    const store = createMemoryStore();
    await inDefault(store, async (s) => {
      const d = await s.departments.insert(department("Eng"));
      const input = employee(d.id, null, { skills: ["a"] });
      const e = await s.employees.insert(input);
      (input.skills as string[]).push("from input");
      e.skills.push("from output");
      (e as { name: string }).name = "changed";
      const stored = await s.employees.findById(e.id);
      expect(stored?.skills).toEqual(["a"]);
      expect(stored?.name).toBe("Ada Lovelace");
      const listed = await s.employees.list({}, { skip: 0, limit: 1 });
      listed.items[0]!.skills.push("from list");
      expect((await s.employees.findById(e.id))?.skills).toEqual(["a"]);
    });
  });
});

describe("users and refresh tokens", () => {
  it("validates role grants against the tenant", async () => {
    const store = createMemoryStore();
    await addTenant(store, "acme");
    const foreignRole = await store.transaction("acme", (s) => s.roles.insert({ name: "x_role", description: null, permissions: [] }));
    await inDefault(store, async (s) => {
      const u = await s.users.insert(user("a@example.com"));
      await expect(s.users.setRoleIds(u.id, [foreignRole.id])).rejects.toMatchObject({ resource: "role", id: foreignRole.id });
      expect(await s.users.count()).toBe(1);
    });
  });

  it("answers consume with rotated, reused, revoked, expired and unknown", async () => {
    const store = createMemoryStore();
    const now = new Date("2024-01-01T00:00:00Z");
    await inDefault(store, async (s) => {
      const u = await s.users.insert(user("a@example.com"));
      await s.refreshTokens.insert({ family_id: "f1", token_hash: "live", user_id: u.id, expires_at: "2024-01-02T00:00:00Z" });
      await s.refreshTokens.insert({ family_id: "f1", token_hash: "other", user_id: u.id, expires_at: "2024-01-02T00:00:00Z" });
      await s.refreshTokens.insert({ family_id: "f2", token_hash: "old", user_id: u.id, expires_at: "2024-01-01T00:00:00Z" });
      const rotated = await s.refreshTokens.consume("live", now);
      expect(rotated).toMatchObject({ outcome: "rotated", token: { used_at: now.toISOString() } });
      expect((await s.refreshTokens.consume("live", now)).outcome).toBe("reused");
      expect((await s.refreshTokens.consume("old", now)).outcome).toBe("expired");
      expect((await s.refreshTokens.consume("missing", now)).outcome).toBe("unknown");
      // Live = not revoked, not used, not expired: "live" was used, so only "other" counts.
      expect(await s.refreshTokens.revokeFamily("f1", now)).toBe(1);
      expect(await s.refreshTokens.revokeFamily("f1", now)).toBe(0);
      expect((await s.refreshTokens.consume("other", now)).outcome).toBe("revoked");
      expect((await s.refreshTokens.consume("live", now)).outcome).toBe("revoked");
      // "old" is expired: revoked, but not counted as live.
      expect(await s.refreshTokens.revokeAllForUser(u.id, now)).toBe(0);
      expect((await s.refreshTokens.consume("old", now)).outcome).toBe("revoked");
    });
  });
});

describe("analytics", () => {
  it("aggregates and ranks with core's reference formulas, leaving out rejected hours", async () => {
    const store = createMemoryStore();
    await inDefault(store, async (s) => {
      const d = await s.departments.insert(department("Eng"));
      const e1 = await s.employees.insert(employee(d.id, null, { revenue_generated: 1000 }));
      const e2 = await s.employees.insert(employee(d.id, null, { revenue_generated: 1000 }));
      const idle = await s.employees.insert(employee(d.id, null, { revenue_generated: 5000 }));
      const p = await s.projects.insert(project(d.id));
      await s.timesheets.insert(timesheet(e1.id, p.id, "2024-01-01", 4));
      await s.timesheets.insert(timesheet(e1.id, p.id, "2024-01-02", 8, "rejected"));
      await s.timesheets.insert(timesheet(e2.id, p.id, "2024-01-01", 4));

      expect(await s.analytics.employee(e1.id)).toMatchObject({ employee_id: e1.id, total_hours: 4 });
      expect(await s.analytics.employee(9999)).toBeNull();
      expect(await s.analytics.project(p.id)).toMatchObject({ total_hours: 8, salary_hours: 8 * 104_000 });
      expect(await s.analytics.department(d.id)).toMatchObject({ employee_count: 3, project_count: 1, total_hours: 8 });
      expect(await s.analytics.company()).toMatchObject({ department_count: 1, employee_count: 3, total_hours: 8 });

      const byProductivity = await s.analytics.rankEmployees("productivity_index", 10);
      expect(byProductivity.map((a) => a.employee_id)).toEqual([e1.id, e2.id]);
      const byRevenue = await s.analytics.rankEmployees("revenue_generated", 2);
      expect(byRevenue.map((a) => a.employee_id)).toEqual([idle.id, e1.id]);
      expect((await s.analytics.rankProjects("profit", 5, 2080)).map((a) => a.project_id)).toEqual([p.id]);
    });
  });
});
