import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { createMemoryJobStorage, createMemoryScheduleStorage } from "@epca/adapter-memory";
import { createEpca, createInProcessJobQueue, systemActor, type Clock, type Epca, type EpcaStore, type JobQueue, type PasswordHasher, type ScheduleStorage } from "@epca/core";
import { createApp, createScryptPasswordHasher, testConfig, type EpcaApp, type ServerConfig, type ServerModule } from "@epca/server";
import type { StoreFactory } from "./stores.js";

/** Cheap scrypt for tests (N = 2^10); production uses 2^17. */
export const testHasher: PasswordHasher = createScryptPasswordHasher({ logN: 10 });
export const TEST_SECRET = "test-secret-key-that-is-at-least-32-characters-long";
export const PASSWORD = "password123";

/** A running server on a loopback port and helpers to call it. */
export interface TestServer {
  readonly base: string;
  readonly app: EpcaApp;
  readonly store: EpcaStore;
  /** Use cases on the same store, acting as the system (fixtures). */
  readonly epca: Epca;
  readonly system: ReturnType<typeof systemActor>;
  /** The server's job queue and schedule storage. */
  readonly jobs: JobQueue;
  readonly schedules: ScheduleStorage;
  request(method: string, path: string, options?: { token?: string | null; body?: unknown; headers?: Record<string, string>; raw?: string }): Promise<TestResponse>;
  login(email: string, password?: string): Promise<{ access_token: string; refresh_token: string }>;
  close(): Promise<void>;
}

/** A response with its body read (JSON when it parses). */
export interface TestResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any;
  readonly text: string;
}

/** Starts the app on port 0 over `store` (real HTTP, global fetch). */
export async function startServer(
  store: EpcaStore,
  overrides: Partial<ServerConfig> = {},
  options: { closeStore?: () => Promise<void>; modules?: readonly ServerModule[]; jobs?: JobQueue; schedules?: ScheduleStorage; clock?: Clock } = {},
): Promise<TestServer> {
  const config = testConfig({ SECRET_KEY: TEST_SECRET, ...overrides });
  // A queue and schedule storage as `epca serve` has them (no worker or scheduler runs unless a test starts one).
  const jobs = options.jobs ?? createInProcessJobQueue({ storage: createMemoryJobStorage(), durable: false });
  const schedules = options.schedules ?? createMemoryScheduleStorage();
  const app = createApp({
    store,
    config,
    passwordHasher: testHasher,
    ...(options.modules ? { modules: options.modules } : {}),
    jobs,
    schedules,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const request: TestServer["request"] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined = opts.raw;
    if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers["content-type"] ??= "application/json";
    }
    const response = await fetch(base + path, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON
    }
    return { status: response.status, headers: response.headers, body: parsed, text };
  };
  const epca = createEpca({ store, passwordHasher: testHasher });
  return {
    base,
    app,
    store,
    epca,
    system: systemActor("default"),
    jobs,
    schedules,
    request,
    async login(email, password = PASSWORD) {
      const response = await request("POST", "/api/v1/auth/login", { body: { username: email, password } });
      if (response.status !== 200) throw new Error(`login ${email}: ${response.status} ${response.text}`);
      return response.body;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await options.closeStore?.();
    },
  };
}

/** Starts a server on a fresh store of `factory`. */
export async function startServerOn(factory: StoreFactory, overrides: Partial<ServerConfig> = {}): Promise<TestServer> {
  const opened = await factory();
  return startServer(opened.store, overrides, { closeStore: opened.close });
}

/** Days before today as `YYYY-MM-DD`. */
export function daysAgo(days: number): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

/** The records and tokens the suites share. */
export interface Fixture {
  deptA: number;
  deptB: number;
  empA: number;
  empB: number;
  projA: number;
  projB: number;
  tsA: number;
  users: Record<Caller, number>;
  tokens: Record<Exclude<Caller, "anonymous">, string>;
}

export type Caller = "anonymous" | "admin" | "department_head" | "analyst" | "read_only" | "other_head";

/**
 * Two departments (A, B), an employee and a project in each, a timesheet of A's employee, and a
 * user of each role: the department head heads A, `other_head` heads B, the read-only user is
 * A's employee.
 */
export async function createFixture(t: TestServer): Promise<Fixture> {
  const { epca, system } = t;
  const deptA = (await epca.departments.create(system, { name: "Dept A", budget: 1_000_000 })).id;
  const deptB = (await epca.departments.create(system, { name: "Dept B", budget: 500_000 })).id;
  const empA = (await epca.employees.create(system, { name: "Alice A", department_id: deptA, salary: 100_000 })).id;
  const empB = (await epca.employees.create(system, { name: "Bob B", department_id: deptB, salary: 80_000 })).id;
  const projA = (await epca.projects.create(system, { name: "Project A", department_id: deptA, status: "in_progress", start_date: daysAgo(900) })).id;
  const projB = (await epca.projects.create(system, { name: "Project B", department_id: deptB, status: "in_progress", start_date: daysAgo(900) })).id;
  const tsA = (await epca.timesheets.create(system, { employee_id: empA, project_id: projA, hours_worked: 2, date: daysAgo(1) })).id;
  const make = async (email: string, role: "admin" | "department_head" | "analyst" | "read_only", extra: { department_id?: number; employee_id?: number } = {}) =>
    (await epca.users.create(system, { email, password: PASSWORD, full_name: email.split("@")[0]!, role, ...extra })).id;
  const users = {
    anonymous: 0,
    admin: await make("admin@test.example", "admin"),
    department_head: await make("head@test.example", "department_head", { department_id: deptA }),
    analyst: await make("analyst@test.example", "analyst"),
    read_only: await make("reader@test.example", "read_only", { employee_id: empA }),
    other_head: await make("otherhead@test.example", "department_head", { department_id: deptB }),
  };
  const tokens = {
    admin: (await t.login("admin@test.example")).access_token,
    department_head: (await t.login("head@test.example")).access_token,
    analyst: (await t.login("analyst@test.example")).access_token,
    read_only: (await t.login("reader@test.example")).access_token,
    other_head: (await t.login("otherhead@test.example")).access_token,
  };
  return { deptA, deptB, empA, empB, projA, projB, tsA, users, tokens };
}
