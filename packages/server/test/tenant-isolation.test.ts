/**
 * Tenant isolation over EVERY route of `builtInModules()`: the test walks the served route table
 * and its OpenAPI document (so a route added later is covered without editing this file), with
 * two tenants' admin tokens and records, on memory, the embedded default (PGlite) and PostgreSQL
 * (row-level security). For every operation:
 * 1. tenant B's admin, naming tenant A's ids in the path and in id fields of the body and query:
 *    a record of A is 404 (403 only for the platform routes B may not call), and no answer ever
 *    carries A's data (a marker in every text of A);
 * 2. B's own path ids with A's ids in the body's id fields: 404, never a change;
 * 3. B's token sent with `X-Tenant-ID` of A: 403 on every authenticated route;
 * and afterwards A's records and audit log are exactly as before.
 */
import { createMemoryJobStorage } from "@epca/adapter-memory";
import { createEpca, createInProcessJobQueue, PLAN_LIMITS, systemActor, type EpcaStore } from "@epca/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { daysAgo, PASSWORD, startServer, testHasher, type TestServer } from "./support/harness.js";
import { memoryStoreFactory, pgliteStoreFactory as pgliteFactory, postgresServerUrl, postgresStoreFactory, type StoreFactory } from "./support/stores.js";

/** In every text of tenant A; never in an answer to tenant B. */
const MARKER = "Zyxwq";
const MARKER_PATTERN = new RegExp(MARKER, "i");

type Schema = { $ref?: string; type?: string | string[]; properties?: Record<string, Schema>; items?: Schema; anyOf?: Schema[] };
type Operation = {
  parameters?: Array<{ name: string; in: string; required?: boolean; schema: Schema; example?: unknown }>;
  requestBody?: { content: Record<string, { schema: Schema; example?: unknown }> };
  security?: unknown[];
};
type Document = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

/** The records of one tenant, by the names their ids take in paths, bodies and queries. */
interface TenantRecords {
  tenantId: string;
  token: string;
  ids: Record<string, number | string>;
}


/** Path parameter, body field and query names → the record kind they name. */
const ID_NAMES: Record<string, string> = {
  dept_id: "department",
  department_id: "department",
  emp_id: "employee",
  employee_id: "employee",
  proj_id: "project",
  project_id: "project",
  ts_id: "timesheet",
  allocation_id: "allocation",
  user_id: "user",
  role_id: "role",
  job_id: "job",
  tenant_id: "tenant",
  resource_id: "employee",
};

async function seedTenant(store: EpcaStore, jobsEpca: ReturnType<typeof createEpca>, tenantId: string, label: string): Promise<Omit<TenantRecords, "token"> & { email: string }> {
  const epca = createEpca({ store, passwordHasher: testHasher });
  const system = systemActor(tenantId);
  const department = await epca.departments.create(system, { name: `${label} Dept`, budget: 100_000, description: `${label} budget` });
  const employee = await epca.employees.create(system, { name: `${label} Person`, email: `${label.toLowerCase()}.person@example.com`, department_id: department.id, salary: 70_000, skills: [label] });
  const project = await epca.projects.create(system, { name: `${label} Project`, department_id: department.id, status: "in_progress", start_date: daysAgo(400), description: `${label} plan` });
  const timesheet = await epca.timesheets.create(system, { employee_id: employee.id, project_id: project.id, hours_worked: 4, date: daysAgo(3), description: `${label} work` });
  const allocation = await epca.allocations.create(system, { employee_id: employee.id, project_id: project.id, allocation_percentage: 50, allocated_hours: 40, start_date: daysAgo(60), end_date: daysAgo(1) });
  const role = await epca.roles.create(system, { name: `${label.toLowerCase()}_role`, description: `${label} role`, permissions: [{ resource: "reports", actions: ["read"] }] });
  const email = `${label.toLowerCase()}-admin@example.com`;
  const user = await epca.users.create(system, { email, password: PASSWORD, full_name: `${label} Admin`, role: "admin", employee_id: employee.id });
  await epca.users.setRoles(system, user.id, [role.id]);
  const job = await jobsEpca.jobs.enqueue({ ...system, userId: user.id }, { type: "report", payload: { title: `${label} report` } });
  return {
    tenantId,
    email,
    ids: { department: department.id, employee: employee.id, project: project.id, timesheet: timesheet.id, allocation: allocation.id, role: role.id, user: user.id, job: job.id, tenant: tenantId },
  };
}

/** The properties of a body schema, through `$ref` and `anyOf`. */
function propertiesOf(schema: Schema | undefined, components: Document["components"]["schemas"], depth = 0): Record<string, Schema> {
  if (!schema || depth > 5) return {};
  if (schema.$ref) return propertiesOf(components[schema.$ref.split("/").pop()!], components, depth + 1);
  if (schema.anyOf) return Object.assign({}, ...schema.anyOf.map((s) => propertiesOf(s, components, depth + 1)));
  return schema.properties ?? {};
}

const FACTORIES: Array<[string, StoreFactory, boolean]> = [
  ["memory", memoryStoreFactory, true],
  ["PGlite (the embedded default)", pgliteFactory, true],
  ["PostgreSQL (row-level security)", postgresStoreFactory, Boolean(postgresServerUrl)],
];

describe.each(FACTORIES)("tenant isolation over every route on %s", (_name, factory, available) => {
  let t: TestServer;
  let document: Document;
  let a: TenantRecords;
  let b: TenantRecords & { email: string };
  let snapshotOfA: () => Promise<unknown>;

  beforeAll(async () => {
    if (!available) return;
    const opened = await factory();
    const { store } = opened;
    for (const [id, subdomain] of [["t_one", "one"], ["t_two", "two"]] as const) {
      await store.tenants.insert({ id, name: id === "t_one" ? `${MARKER} Corp` : "Bravo Corp", subdomain, plan: "enterprise", is_active: true, limits: { ...PLAN_LIMITS.enterprise } });
    }
    const jobs = createInProcessJobQueue({ storage: createMemoryJobStorage(), durable: false });
    t = await startServer(store, { MULTI_TENANT: true }, { closeStore: opened.close, jobs });
    const jobsEpca = createEpca({ store, passwordHasher: testHasher, jobs });
    const seededA = await seedTenant(store, jobsEpca, "t_one", MARKER);
    const seededB = await seedTenant(store, jobsEpca, "t_two", "Bravo");
    const login = async (email: string, tenant: string) =>
      (await t.request("POST", "/api/v1/auth/login", { body: { username: email, password: PASSWORD }, headers: { "x-tenant-id": tenant } })).body.access_token as string;
    a = { ...seededA, token: await login(seededA.email, "t_one") };
    b = { ...seededB, token: await login(seededB.email, "t_two") };
    document = t.app.api.openApiDocument() as unknown as Document;
    snapshotOfA = async () => {
      const lists = ["/departments/", "/employees/", "/projects/", "/timesheets/", "/allocations/", "/users/", "/roles/", "/jobs/", "/audit-logs/?limit=1000"];
      const seen: Record<string, unknown> = {};
      for (const path of lists) seen[path] = (await t.request("GET", `/api/v1${path}`, { token: a.token, headers: { "x-tenant-id": "t_one" } })).body;
      // Reading leaves no audit entries, so two snapshots of an untouched tenant are equal.
      return seen;
    };
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Every operation of the document, logout last (it ends the caller's session). */
  function operations(): Array<{ method: string; path: string; op: Operation }> {
    const all = Object.entries(document.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ method, path, op })));
    return all.sort((x, y) => Number(x.path.endsWith("/auth/logout")) - Number(y.path.endsWith("/auth/logout")));
  }

  /** The request of an operation: path ids from `pathIds`, body and query id fields from `fieldIds`. */
  function build(entry: { method: string; path: string; op: Operation }, pathIds: TenantRecords["ids"], fieldIds: TenantRecords["ids"]) {
    let mappedPath = false;
    const url = entry.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const kind = ID_NAMES[name];
      if (kind && pathIds[kind] !== undefined) {
        mappedPath = true;
        return encodeURIComponent(String(pathIds[kind]));
      }
      const parameter = entry.op.parameters?.find((p) => p.name === name);
      return encodeURIComponent(String(parameter?.example ?? "1"));
    });
    const query = new URLSearchParams();
    let mappedFields = false;
    for (const parameter of entry.op.parameters ?? []) {
      const kind = ID_NAMES[parameter.name];
      if (parameter.in === "query" && kind && fieldIds[kind] !== undefined) {
        query.set(parameter.name, String(fieldIds[kind]));
        mappedFields = true;
      }
    }
    let body: Record<string, unknown> | undefined;
    const media = entry.op.requestBody?.content["application/json"];
    if (media) {
      body = { ...((media.example as Record<string, unknown> | undefined) ?? {}) };
      for (const [key, property] of Object.entries(propertiesOf(media.schema, document.components.schemas))) {
        const kind = ID_NAMES[key] ?? (key === "role_ids" ? "role" : undefined);
        if (kind && fieldIds[kind] !== undefined && kind !== "tenant") {
          body[key] = key === "role_ids" ? [fieldIds[kind]] : fieldIds[kind];
          mappedFields = true;
          void property;
        }
      }
    }
    const search = query.toString();
    return { url: url + (search ? `?${search}` : ""), body, mappedPath, mappedFields };
  }

  const send = (method: string, url: string, token: string, tenant: string, body?: unknown) =>
    t.request(method.toUpperCase(), url, { token, headers: { "x-tenant-id": tenant }, ...(body !== undefined ? { body } : {}) });

  it.runIf(available)("B's admin meets A's ids on every route: 404 (403 on platform routes), never A's data; A is unchanged", async () => {
    const before = await snapshotOfA();
    expect(JSON.stringify(before)).toMatch(MARKER_PATTERN); // the marker is there to be found
    const answered: string[] = [];
    for (const entry of operations()) {
      const request = build(entry, a.ids, a.ids);
      const response = await send(entry.method, request.url, b.token, "t_two", request.body);
      const label = `${entry.method.toUpperCase()} ${request.url}`;
      answered.push(`${label} ${response.status}`);
      expect(response.text, label).not.toMatch(MARKER_PATTERN);
      expect(response.status, `${label}: ${response.text}`).toBeLessThan(500);
      if (request.mappedPath || request.mappedFields) {
        const platform = entry.path.includes("/tenants");
        if (platform) expect(response.status, label).toBe(403);
        else if (request.mappedPath || entry.method !== "get") expect([404], `${label}: ${response.text}`).toContain(response.status);
      }
    }
    expect(answered.length).toBe(operations().length);
    expect(await snapshotOfA()).toEqual(before);
  });

  it.runIf(available)("A's ids in the body of B's own records are 404, and change nothing", async () => {
    const relogin = await t.request("POST", "/api/v1/auth/login", { body: { username: b.email, password: PASSWORD }, headers: { "x-tenant-id": "t_two" } });
    b.token = relogin.body.access_token;
    const before = await snapshotOfA();
    let checked = 0;
    for (const entry of operations()) {
      if (entry.method === "get" || !entry.op.requestBody) continue;
      const request = build(entry, b.ids, a.ids);
      if (!request.mappedFields) continue;
      // An update sends the foreign ids alone (every other field stays), a create the whole example.
      const body = entry.method === "post" ? request.body : Object.fromEntries(Object.entries(request.body ?? {}).filter(([key]) => key in ID_NAMES || key === "role_ids"));
      const response = await send(entry.method, request.url, b.token, "t_two", body);
      const label = `${entry.method.toUpperCase()} ${request.url} ${JSON.stringify(body)}`;
      expect(response.text, label).not.toMatch(MARKER_PATTERN);
      if (!entry.path.includes("/tenants")) expect(response.status, `${label}: ${response.text}`).toBe(404);
      checked += 1;
    }
    expect(checked).toBeGreaterThanOrEqual(5); // employees, projects, timesheets, allocations, user roles at least
    expect(await snapshotOfA()).toEqual(before);
  });

  it.runIf(available)("B's token naming tenant A in X-Tenant-ID is 403 on every authenticated route", async () => {
    for (const entry of operations()) {
      if (entry.op.security && entry.op.security.length === 0) continue; // public
      if (entry.path.endsWith("/auth/logout") || entry.path.endsWith("/auth/refresh") || entry.path.endsWith("/auth/login") || entry.path.endsWith("/auth/register")) continue;
      const request = build(entry, a.ids, a.ids);
      const response = await send(entry.method, request.url, b.token, "t_one", request.body);
      const label = `${entry.method.toUpperCase()} ${request.url}`;
      expect(response.text, label).not.toMatch(MARKER_PATTERN);
      expect(response.status, `${label}: ${response.text}`).toBe(403);
    }
  });
});
