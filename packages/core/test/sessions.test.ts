import { createMemoryStore } from "@epca/adapter-memory";
import {
  ConfigurationError,
  createEpca,
  fixedClock,
  ForbiddenError,
  NotFoundError,
  PLAN_LIMITS,
  TenantSuspendedError,
  UnauthenticatedError,
  UnknownTenantError,
  type EpcaStore,
  type TenantScope,
} from "@epca/core";
import { describe, expect, it } from "vitest";
import { opaqueSessionTokens, setup, testHasher } from "./helpers.js";

/** Counts the transactions a store opens. */
function counting(store: EpcaStore): { store: EpcaStore; transactions: () => number } {
  let count = 0;
  const wrapped: EpcaStore = {
    ...store,
    tenants: store.tenants,
    counters: store.counters,
    capabilities: store.capabilities,
    ping: () => store.ping(),
    close: () => store.close(),
    transaction<T>(tenantId: string, work: (scope: TenantScope) => Promise<T>) {
      count += 1;
      return store.transaction(tenantId, work);
    },
  };
  return { store: wrapped, transactions: () => count };
}

describe("createEpca checks its dependencies when it is called", () => {
  it("names a missing or unusable dependency", () => {
    const store = createMemoryStore();
    const attempt = (deps: object) => {
      try {
        createEpca(deps as never);
        return null;
      } catch (error) {
        return error;
      }
    };
    const missing = attempt({ store });
    expect(missing).toBeInstanceOf(ConfigurationError);
    expect(missing).toMatchObject({ code: "invalid_configuration", setting: "passwordHasher" });
    expect(attempt({ store, passwordHasher: { hash: async () => "" } })).toMatchObject({ setting: "passwordHasher", message: expect.stringMatching(/verify\(\)/) });
    expect(attempt({ passwordHasher: null })).toMatchObject({ setting: "store" });
    expect(attempt({ store, passwordHasher: null, standardAnnualHours: 0 })).toMatchObject({ setting: "standardAnnualHours" });
    expect(attempt({ store, passwordHasher: null, sessionTokens: {} })).toMatchObject({ setting: "sessionTokens" });
    expect(attempt({ store, passwordHasher: null })).toBeNull();
  });

  it("with passwordHasher: null, refuses to create a user with a ConfigurationError instead of storing one", async () => {
    const store = createMemoryStore();
    const epca = createEpca({ store, passwordHasher: null });
    const admin = { userId: null, tenantId: "default", role: "admin" as const, departmentId: null, employeeId: null };
    await expect(epca.users.create(admin, { email: "a@example.com", password: "password1", full_name: "A", role: "admin" })).rejects.toMatchObject({
      code: "invalid_configuration",
      setting: "passwordHasher",
    });
    expect((await epca.users.list(admin)).total).toBe(0);
  });
});

describe("sessions", () => {
  async function withUser() {
    const t = setup();
    const user = await t.epca.users.create(t.admin, { email: "ada@example.com", password: "correct horse", full_name: "Ada", role: "analyst" });
    return { ...t, user };
  }

  it("logs in with the right password only, and audits the login", async () => {
    const { epca, admin, user } = await withUser();
    const pair = await epca.sessions.login("default", { email: " Ada@Example.com ", password: "correct horse" }, { id: "r1", ip: "10.0.0.9", userAgent: "t" });
    expect(pair).toMatchObject({ token_type: "bearer", expires_in: 3600 });
    await expect(epca.sessions.login("default", { email: "ada@example.com", password: "wrong" })).rejects.toThrow(new UnauthenticatedError("Incorrect email or password"));
    await expect(epca.sessions.login("default", { email: "nobody@example.com", password: "correct horse" })).rejects.toThrow("Incorrect email or password");
    const audit = await epca.audit.list(admin, { resource_type: "session", action: "login" });
    expect(audit.items).toHaveLength(1);
    expect(audit.items[0]).toMatchObject({ user_id: user.id, ip_address: "10.0.0.9", request_id: "r1" });
  });

  it("rotates a refresh token once; a second use after the grace window revokes the whole session", async () => {
    const { epca, admin, clock } = await withUser();
    const first = await epca.sessions.login("default", { email: "ada@example.com", password: "correct horse" });
    const second = await epca.sessions.refresh(first.refresh_token);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    clock.set("2024-06-15T12:00:30Z"); // the default window is 30 s: at its end the grace is over
    await expect(epca.sessions.refresh(first.refresh_token)).rejects.toThrow("Refresh token reuse detected; the session has been revoked");
    // The family is revoked: the token issued by the rotation is dead too.
    await expect(epca.sessions.refresh(second.refresh_token)).rejects.toThrow("Invalid or expired refresh token");
    expect((await epca.audit.list(admin, { resource_type: "session", action: "revoke_reused" })).total).toBe(1);
  });

  it("answers a repeat of a just-rotated token inside the grace window with the same pair, once", async () => {
    const { epca, admin, clock } = await withUser();
    const first = await epca.sessions.login("default", { email: "ada@example.com", password: "correct horse" });
    const second = await epca.sessions.refresh(first.refresh_token);
    clock.set("2024-06-15T12:00:29Z");
    // The same pair; expires_in counts from the rotation.
    expect(await epca.sessions.refresh(first.refresh_token)).toEqual({ ...second, expires_in: second.expires_in - 29 });
    // A second repeat is reuse: the family, with the pair both tabs hold, is revoked.
    await expect(epca.sessions.refresh(first.refresh_token)).rejects.toThrow("Refresh token reuse detected; the session has been revoked");
    await expect(epca.sessions.refresh(second.refresh_token)).rejects.toThrow("Invalid or expired refresh token");
    expect((await epca.audit.list(admin, { resource_type: "session", action: "revoke_reused" })).total).toBe(1);
  });

  it("two refreshes at once with one token both succeed with the same pair; the session goes on", async () => {
    const { epca } = await withUser();
    const first = await epca.sessions.login("default", { email: "ada@example.com", password: "correct horse" });
    const [a, b] = await Promise.all([epca.sessions.refresh(first.refresh_token), epca.sessions.refresh(first.refresh_token)]);
    expect(b).toEqual(a);
    expect((await epca.sessions.refresh(a.refresh_token)).refresh_token).not.toBe(a.refresh_token);
  });

  it("with refreshReuseGraceSeconds: 0 any repeat revokes the session; a negative window is refused", async () => {
    const store = createMemoryStore();
    const sessionTokens = opaqueSessionTokens();
    const epca = createEpca({ store, clock: fixedClock("2024-06-15T12:00:00Z"), passwordHasher: testHasher, sessionTokens, refreshReuseGraceSeconds: 0 });
    const admin = { userId: null, tenantId: "default", role: "admin" as const, departmentId: null, employeeId: null };
    await epca.users.create(admin, { email: "z@example.com", password: "password1", full_name: "Z", role: "analyst" });
    const first = await epca.sessions.login("default", { email: "z@example.com", password: "password1" });
    await epca.sessions.refresh(first.refresh_token);
    await expect(epca.sessions.refresh(first.refresh_token)).rejects.toThrow("Refresh token reuse detected; the session has been revoked");
    expect(() => createEpca({ store, passwordHasher: testHasher, sessionTokens, refreshReuseGraceSeconds: -1 })).toThrow("refreshReuseGraceSeconds");
  });

  it("a repeat whose sealed answer does not open (another presenter's key) counts as reuse", async () => {
    const { epca, sessionTokens } = await withUser();
    const first = await epca.sessions.login("default", { email: "ada@example.com", password: "correct horse" });
    await epca.sessions.refresh(first.refresh_token);
    const open = sessionTokens.open;
    sessionTokens.open = async () => null;
    try {
      await expect(epca.sessions.refresh(first.refresh_token)).rejects.toThrow("Refresh token reuse detected; the session has been revoked");
    } finally {
      sessionTokens.open = open;
    }
  });

  it("ends the access tokens of a session with it: logout, and a password change for every session", async () => {
    const { epca, admin, user, sessionTokens } = await withUser();
    const login = () => epca.sessions.login("default", { email: "ada@example.com", password: "correct horse" });
    const credentialsOf = async (pair: { refresh_token: string }) => ({ tenantId: "default", userId: user.id, sessionId: (await sessionTokens.verifyRefresh(pair.refresh_token))!.sessionId });
    const [one, two, three] = [await credentialsOf(await login()), await credentialsOf(await login()), await credentialsOf(await login())];
    const whoAmI = (credentials: typeof one) => epca.actingAs(credentials, async (actor) => actor.userId);
    expect(await whoAmI(one)).toBe(user.id);
    await epca.actingAs(one, (actor, bound) => bound.sessions.logout(actor, one.sessionId));
    await expect(whoAmI(one)).rejects.toThrow("The session has ended; log in again");
    expect(await whoAmI(two)).toBe(user.id);
    await epca.users.update(admin, user.id, { password: "new horse battery" });
    await expect(whoAmI(two)).rejects.toThrow("The session has ended; log in again");
    await expect(whoAmI(three)).rejects.toThrow("The session has ended; log in again");
    // Credentials that name no session (a worker, a script) are not session-bound.
    expect(await whoAmI({ tenantId: "default", userId: user.id } as typeof one)).toBe(user.id);
  });

  it("refuses a refresh of a deactivated user and ends their session", async () => {
    const { epca, admin, user } = await withUser();
    const pair = await epca.sessions.login("default", { email: "ada@example.com", password: "correct horse" });
    await epca.users.update(admin, user.id, { is_active: false });
    await expect(epca.sessions.refresh(pair.refresh_token)).rejects.toThrow(UnauthenticatedError);
  });

  it("logs out: the session's refresh token stops working, revoked on the injected clock", async () => {
    const { epca, user, store, sessionTokens } = await withUser();
    const pair = await epca.sessions.login("default", { email: "ada@example.com", password: "correct horse" });
    const { sessionId } = (await sessionTokens.verifyRefresh(pair.refresh_token))!;
    await epca.sessions.logout((await epca.users.actorFor("default", user.id))!, sessionId);
    await expect(epca.sessions.refresh(pair.refresh_token)).rejects.toThrow("Invalid or expired refresh token");
    const consumed = await store.transaction("default", (s) => s.refreshTokens.consume(sessionTokens.hashRefreshToken(pair.refresh_token), new Date()));
    expect(consumed).toMatchObject({ outcome: "revoked", token: { revoked_at: "2024-06-15T12:00:00.000Z" } });
  });

  it("refuses every login when the host gave no token service", async () => {
    const store = createMemoryStore();
    const epca = createEpca({ store, passwordHasher: testHasher });
    const admin = { userId: null, tenantId: "default", role: "admin" as const, departmentId: null, employeeId: null };
    await epca.users.create(admin, { email: "a@example.com", password: "password1", full_name: "A", role: "admin" });
    await expect(epca.sessions.login("default", { email: "a@example.com", password: "password1" })).rejects.toThrow("Sessions are not enabled");
  });
});

describe("actingAs: the request's one unit of work", () => {
  it("looks the user up and runs every use case the work calls in the same transaction", async () => {
    const base = createMemoryStore();
    const { store, transactions } = counting(base);
    const epca = createEpca({ store, passwordHasher: testHasher });
    const admin = { userId: null, tenantId: "default", role: "admin" as const, departmentId: null, employeeId: null };
    const user = await epca.users.create(admin, { email: "h@example.com", password: "password1", full_name: "H", role: "admin" });
    const before = transactions();
    const result = await epca.actingAs({ tenantId: "default", userId: user.id }, async (actor, bound) => {
      const dept = await bound.departments.create(actor, { name: "Ops", budget: 10 });
      const employees = await bound.departments.employees(actor, dept.id);
      return { actor, dept, employees };
    });
    expect(transactions() - before).toBe(1);
    expect(result.actor).toMatchObject({ userId: user.id, role: "admin", tenantId: "default" });
    expect(result.employees.total).toBe(0);
  });

  it("rolls back everything when the work fails", async () => {
    const { epca, admin } = setup();
    const user = await epca.users.create(admin, { email: "h@example.com", password: "password1", full_name: "H", role: "admin" });
    await expect(
      epca.actingAs({ tenantId: "default", userId: user.id }, async (actor, bound) => {
        await bound.departments.create(actor, { name: "Doomed", budget: 10 });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect((await epca.departments.list(admin)).total).toBe(0);
  });

  it("refuses an inactive or unknown user (401), a suspended tenant and a tenant mismatch (403)", async () => {
    const { epca, admin, store } = setup();
    const user = await epca.users.create(admin, { email: "h@example.com", password: "password1", full_name: "H", role: "read_only" });
    const work = async () => "ran";
    await expect(epca.actingAs({ tenantId: "default", userId: 999_999 }, work)).rejects.toThrow(new UnauthenticatedError("Inactive or unknown user"));
    await expect(epca.actingAs({ tenantId: "default", userId: user.id, tenantHint: "other" }, work)).rejects.toThrow(
      new ForbiddenError("Token does not belong to this tenant"),
    );
    expect(await epca.actingAs({ tenantId: "default", userId: user.id, tenantHint: "DEFAULT" }, work)).toBe("ran");
    await expect(epca.actingAs({ tenantId: "gone", userId: user.id }, work)).rejects.toThrow(new ForbiddenError("Tenant not available"));
    await store.tenants.update("default", { is_active: false });
    await expect(epca.actingAs({ tenantId: "default", userId: user.id }, work)).rejects.toBeInstanceOf(TenantSuspendedError);
    await store.tenants.update("default", { is_active: true });
    await epca.users.update(admin, user.id, { is_active: false });
    await expect(epca.actingAs({ tenantId: "default", userId: user.id }, work)).rejects.toThrow("Inactive or unknown user");
  });

  it("refuses a use case for another tenant inside the unit of work", async () => {
    const { epca, admin, store } = setup();
    await store.tenants.insert({ id: "acme", name: "Acme", subdomain: "acme", plan: "starter", is_active: true, limits: PLAN_LIMITS.starter });
    const user = await epca.users.create(admin, { email: "h@example.com", password: "password1", full_name: "H", role: "admin" });
    await expect(
      epca.actingAs({ tenantId: "default", userId: user.id }, (actor, bound) => bound.departments.list({ ...actor, tenantId: "acme" })),
    ).rejects.toBeInstanceOf(ForbiddenError);
  });
});

describe("tenants.resolve", () => {
  it("finds a tenant by id, else by subdomain; names the unknown one and where it came from; refuses a suspended one", async () => {
    const { epca, store } = setup();
    await store.tenants.insert({ id: "t-42", name: "Acme", subdomain: "acme", plan: "starter", is_active: true, limits: PLAN_LIMITS.starter });
    expect(await epca.tenants.resolve({ value: "t-42", source: "X-Tenant-ID" })).toBe("t-42");
    expect(await epca.tenants.resolve({ value: "ACME", source: "from the host name" })).toBe("t-42");
    const unknown = await epca.tenants.resolve({ value: "nope", source: "X-Tenant-ID" }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(UnknownTenantError);
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect((unknown as Error).message).toBe('Unknown tenant "nope" (X-Tenant-ID): expected a tenant id or subdomain');
    await expect(epca.tenants.resolve({ value: "not a name!", source: "from the host name" })).rejects.toThrow(
      'Unknown tenant "not a name!" (from the host name): send X-Tenant-ID with a tenant id or subdomain',
    );
    await store.tenants.update("t-42", { is_active: false });
    await expect(epca.tenants.resolve({ value: "acme", source: "X-Tenant-ID" })).rejects.toMatchObject({ code: "tenant_suspended" });
  });
});

describe("registration", () => {
  it("is closed to anonymous callers unless the host opens it; admins register anyone either way", async () => {
    const { epca, admin } = setup({ selfRegistration: false });
    await expect(epca.users.register("default", { email: "n@example.com", password: "password1", full_name: "N" })).rejects.toThrow(
      new ForbiddenError("Registration is disabled"),
    );
    const adminUser = await epca.users.create(admin, { email: "boss@example.com", password: "password1", full_name: "Boss", role: "admin" });
    const boss = (await epca.users.actorFor("default", adminUser.id))!;
    expect((await epca.users.register("default", { email: "n@example.com", password: "password1", full_name: "N", role: "analyst" }, boss)).role).toBe("analyst");
    const reader = await epca.users.create(admin, { email: "r@example.com", password: "password1", full_name: "R", role: "read_only" });
    await expect(
      epca.users.register("default", { email: "m@example.com", password: "password1", full_name: "M" }, (await epca.users.actorFor("default", reader.id))!),
    ).rejects.toThrow("Registration is disabled");
  });
});

describe("timesheet listings of one employee or project", () => {
  it("answers the entries in one call, 404 for an unknown employee or project", async () => {
    const { epca, admin } = setup();
    const dept = await epca.departments.create(admin, { name: "Ops", budget: 1 });
    const emp = await epca.employees.create(admin, { name: "Ann", department_id: dept.id, salary: 1000 });
    const proj = await epca.projects.create(admin, { name: "P1", department_id: dept.id, status: "in_progress" });
    await epca.timesheets.create(admin, { employee_id: emp.id, project_id: proj.id, hours_worked: 3, date: "2024-06-10" });
    await epca.timesheets.create(admin, { employee_id: emp.id, project_id: proj.id, hours_worked: 2, date: "2024-06-11" });
    expect((await epca.timesheets.listOfEmployee(admin, emp.id, { from: "2024-06-11" })).items.map((t) => t.hours_worked)).toEqual([2]);
    expect((await epca.timesheets.listOfProject(admin, proj.id)).total).toBe(2);
    await expect(epca.timesheets.listOfEmployee(admin, 999)).rejects.toThrow(new NotFoundError("employee", 999));
    await expect(epca.timesheets.listOfProject(admin, 999)).rejects.toThrow(new NotFoundError("project", 999));
  });
});

describe("health", () => {
  it("reports the store healthy with a latency, unhealthy with the error once it is closed", async () => {
    const { epca, store } = setup();
    expect(await epca.health.store()).toEqual({ status: "healthy", latency_ms: expect.any(Number) });
    await store.close();
    expect(await epca.health.store()).toMatchObject({ status: "unhealthy", latency_ms: null, error: expect.objectContaining({ code: "store_closed" }) });
  });
});
