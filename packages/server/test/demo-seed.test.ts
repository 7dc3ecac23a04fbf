/** The demo organisation as its users see it over HTTP: the demo employee is an employee. */
import { createMemoryStore } from "@epca/adapter-memory";
import { DEMO_USERS, seedDemoOrganisation } from "@epca/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, testHasher, type TestServer } from "./support/harness.js";

const TODAY = new Date("2026-03-11T12:00:00Z"); // a Wednesday

describe("the demo organisation", () => {
  let t: TestServer;
  beforeAll(async () => {
    const store = createMemoryStore();
    const summary = await seedDemoOrganisation({ store, passwordHasher: testHasher, today: TODAY });
    expect(summary).toMatchObject({ seeded: true, departments: 5, employees: 40, projects: 12, users: 6 });
    t = await startServer(store);
  });
  afterAll(async () => {
    await t?.close();
  });

  it("links employee@example.com to the employee of the same name and email", async () => {
    const demo = DEMO_USERS.find((u) => u.email === "employee@example.com")!;
    const { access_token } = await t.login(demo.email, demo.password);
    const me = await t.request("GET", "/api/v1/auth/me", { token: access_token });
    expect(me.status).toBe(200);
    expect(me.body.employee_id).toEqual(expect.any(Number));
    const employee = await t.request("GET", `/api/v1/employees/${me.body.employee_id}`, { token: access_token });
    expect(employee.status).toBe(200);
    expect(employee.body).toMatchObject({ name: "Katherine Johnson", email: "employee@example.com", department_id: me.body.department_id });
    // No other demo user is an employee.
    for (const other of DEMO_USERS.filter((u) => u.email !== demo.email)) {
      const { access_token: token } = await t.login(other.email, other.password);
      expect((await t.request("GET", "/api/v1/auth/me", { token })).body.employee_id, other.email).toBeNull();
    }
  });

  it("lets the demo employee log their own time, and not a colleague's", async () => {
    const { access_token } = await t.login("employee@example.com", "demo12345");
    const me = (await t.request("GET", "/api/v1/auth/me", { token: access_token })).body;
    const projects = (await t.request("GET", `/api/v1/projects/?department_id=${me.department_id}&limit=100`, { token: access_token })).body;
    const project = projects.find((p: { status: string }) => p.status === "in_progress");
    const entry = { project_id: project.id, hours_worked: 2.5, date: "2026-03-11", description: "Demo: my own hours" };

    const own = await t.request("POST", "/api/v1/timesheets/", { token: access_token, body: { ...entry, employee_id: me.employee_id } });
    expect(own.status).toBe(201);
    expect(own.body).toMatchObject({ employee_id: me.employee_id, hours_worked: 2.5, status: "draft" });

    const colleague = (await t.request("GET", `/api/v1/employees/?department_id=${me.department_id}&limit=100`, { token: access_token })).body.find(
      (e: { id: number }) => e.id !== me.employee_id,
    );
    const theirs = await t.request("POST", "/api/v1/timesheets/", { token: access_token, body: { ...entry, employee_id: colleague.id } });
    expect(theirs.status).toBe(403);
  });
});
