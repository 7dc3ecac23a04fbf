/**
 * A fuzz run over the whole served document: every operation, as every role, with a valid request
 * built from its schemas and seeded mutations of it (bad types, missing fields, huge strings, NUL,
 * unicode, unknown ids, broken JSON, wrong media types, percent garbage and bad ids in the path,
 * bad query values), plus every path's wrong methods. No answer may be a 5xx, and every status
 * must be one the document lists for that operation (a wrong method: 405 with `Allow`). On the
 * memory store (also multi-tenant, and with rate limits on), PGlite and PostgreSQL; deterministic (seeded) and
 * bounded (about 1000 requests a store).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ServerConfig } from "@epca/server";
import { createFixture, daysAgo, PASSWORD, startServerOn, type Fixture, type TestServer } from "./support/harness.js";
import { memoryStoreFactory, pgliteStoreFactory, postgresServerUrl, postgresStoreFactory, type StoreFactory } from "./support/stores.js";

type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  maxLength?: number;
};
type Parameter = { name: string; in: "path" | "query" | "header"; required?: boolean; schema: Schema };
type Operation = { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: Schema }> }; responses: Record<string, unknown> };
type Document = { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, Schema> } };

const ROLES = ["anonymous", "admin", "department_head", "analyst", "read_only"] as const;
type Role = (typeof ROLES)[number];
const EMAILS: Record<Exclude<Role, "anonymous">, string> = {
  admin: "admin@test.example",
  department_head: "head@test.example",
  analyst: "analyst@test.example",
  read_only: "reader@test.example",
};
const MUTATIONS_PER_CASE = 3;
const UNKNOWN_ID = 987_654_321;

/** mulberry32: a small seeded PRNG, so that every run sends the same requests. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One request to send. */
interface Case {
  readonly label: string;
  readonly method: string;
  readonly url: string;
  readonly body?: string;
  readonly contentType?: string;
  /** `X-Tenant-ID` to send instead of the caller's tenant (multi-tenant runs). */
  readonly tenant?: string;
}

/**
 * The server seen by a client of tenant `default` in a multi-tenant run: every request names it
 * in `X-Tenant-ID` (unless it names another), logins included.
 */
function inDefaultTenant(server: TestServer): TestServer {
  const request: TestServer["request"] = (method, path, options = {}) =>
    server.request(method, path, { ...options, headers: { "x-tenant-id": "default", ...options.headers } });
  return {
    ...server,
    request,
    async login(email, password = PASSWORD) {
      const response = await request("POST", "/api/v1/auth/login", { body: { username: email, password } });
      if (response.status !== 200) throw new Error(`login ${email}: ${response.status} ${response.text}`);
      return response.body;
    },
  };
}

/** Builds valid and mutated requests from the document's schemas. */
class Generator {
  private counter = 0;
  constructor(
    private readonly document: Document,
    private readonly random: () => number,
  ) {}

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  resolve(schema: Schema): Schema {
    let current = schema;
    for (let depth = 0; current.$ref && depth < 10; depth++) current = this.document.components.schemas[current.$ref.split("/").pop()!]!;
    if (current.allOf) return current.allOf.reduce<Schema>((merged, part) => ({ ...merged, ...this.resolve(part), properties: { ...merged.properties, ...this.resolve(part).properties } }), {});
    return current;
  }

  /** A value the schema accepts (business rules aside), using the fixture's ids for `*_id`. */
  valid(schemaIn: Schema, name: string, ids: Record<string, number>): unknown {
    const schema = this.resolve(schemaIn);
    const variants = schema.anyOf ?? schema.oneOf;
    if (variants) return this.valid(variants.find((v) => this.resolve(v).type !== "null") ?? variants[0]!, name, ids);
    if (schema.enum) return this.pick(schema.enum.filter((v) => v !== null));
    const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
    switch (type) {
      case "object": {
        const out: Record<string, unknown> = {};
        for (const [key, property] of Object.entries(schema.properties ?? {})) {
          if (schema.required?.includes(key) || this.random() < 0.6) out[key] = this.valid(property, key, ids);
        }
        return out;
      }
      case "array":
        return schema.items ? [this.valid(schema.items, name, ids)] : [];
      case "integer": {
        if (name in ids) return ids[name];
        const low = Math.max(schema.minimum ?? 0, schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 0);
        return Math.min(schema.maximum ?? low + 10, low + Math.floor(this.random() * 10));
      }
      case "number": {
        const low = Math.max(schema.minimum ?? 0, schema.exclusiveMinimum ?? 0) + 1;
        return Math.min(schema.maximum ?? low + 8, low + Math.floor(this.random() * 7));
      }
      case "boolean":
        return this.random() < 0.5;
      case "string": {
        this.counter += 1;
        if (schema.format === "date") return daysAgo(2 + Math.floor(this.random() * 20));
        if (schema.format === "date-time") return new Date(Date.now() - 86_400_000).toISOString();
        if (schema.format === "email" || name.includes("email") || name === "username") return `fuzz${this.counter}@fuzz.example`;
        if (name === "password") return `${PASSWORD}-${this.counter}`;
        const text = `Fuzz ${name} ${this.counter}`;
        return schema.maxLength !== undefined ? text.slice(0, schema.maxLength) : text;
      }
      default:
        return null;
    }
  }

  /** The string-valued keys of an object. */
  private stringKeys(body: Record<string, unknown>): string[] {
    return Object.keys(body).filter((k) => typeof body[k] === "string");
  }

  /** Mutations of a JSON body; each returns the raw text sent (or the content type to send). */
  bodyMutations(body: unknown, schema: Schema): { label: string; body: string; contentType?: string }[] {
    const resolved = this.resolve(schema);
    const object = typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    const keys = Object.keys(object);
    const strings = this.stringKeys(object);
    const withField = (key: string | undefined, value: unknown) => JSON.stringify(key === undefined ? object : { ...object, [key]: value });
    const mutations = [
      { label: "wrong type", body: withField(keys.length ? this.pick(keys) : undefined, this.pick([123, "abc", true, [], {}, null])) },
      { label: "every field a string", body: JSON.stringify(Object.fromEntries(keys.map((k) => [k, "not-a-value"]))) },
      { label: "broken JSON", body: '{"name": "x",' },
      { label: "not an object", body: this.pick(["[]", "null", "42", '"text"']) },
      { label: "text/plain", body: JSON.stringify(object), contentType: "text/plain" },
      { label: "huge string", body: withField(strings.length ? this.pick(strings) : "name", "x".repeat(300_000)) },
      { label: "NUL", body: withField(strings.length ? this.pick(strings) : "name", "a\u0000b") },
      { label: "unicode", body: withField(strings.length ? this.pick(strings) : "name", "Zoë \u202Eabc\u0301 😀\uFEFF \uD800 ﷽") },
      { label: "unknown ids", body: JSON.stringify(Object.fromEntries(Object.entries(object).map(([k, v]) => [k, k.endsWith("_id") ? UNKNOWN_ID : v]))) },
      { label: "extreme numbers", body: JSON.stringify(Object.fromEntries(Object.entries(object).map(([k, v]) => [k, typeof v === "number" ? this.pick([-1, 0, 1e308, 2 ** 53, 0.0001]) : v]))) },
    ];
    const required = resolved.required ?? [];
    if (required.length > 0) {
      const drop = this.pick(required);
      mutations.push({ label: `missing ${drop}`, body: JSON.stringify(Object.fromEntries(Object.entries(object).filter(([k]) => k !== drop))) });
    }
    return mutations;
  }

  queryMutations(parameters: Parameter[]): { label: string; query: string }[] {
    const query = parameters.filter((p) => p.in === "query");
    if (query.length === 0) return [];
    return query.map((p) => {
      const schema = this.resolve(p.schema);
      const bad = schema.enum ? "not-an-enum" : schema.type === "integer" ? this.pick(["-1", "abc", "1e400", "99999999999999999999", "1.5", String(UNKNOWN_ID)]) : schema.format === "date" ? this.pick(["2026-13-45", "yesterday", "%zz"]) : this.pick(["\u0000", "x".repeat(5000), "%E0%A4%A"]);
      return { label: `query ${p.name}=${bad.slice(0, 12)}`, query: `${encodeURIComponent(p.name)}=${bad.startsWith("%") ? bad : encodeURIComponent(bad)}` };
    });
  }
}

/** A login for the fuzz's own needs; `null` when a rate limit (or anything else) refuses it. */
async function tryLogin(t: TestServer, email: string): Promise<{ access_token: string; refresh_token: string } | null> {
  try {
    return await t.login(email);
  } catch {
    return null;
  }
}

function fuzzSuite(name: string, factory: StoreFactory, overrides: Partial<ServerConfig> = {}, minimumSuccesses = 80): void {
  const limited = Boolean(overrides.RATE_LIMIT_PER_MINUTE || overrides.RATE_LIMIT_PER_HOUR);
  describe(`fuzz over /openapi.json (${name})`, () => {
    let t: TestServer;
    let fx: Fixture;
    let document: Document;
    const tokens: Record<Role, string | null> = { anonymous: null, admin: null, department_head: null, analyst: null, read_only: null };
    let target: number;

    beforeAll(async () => {
      t = await startServerOn(factory, overrides);
      if (overrides.MULTI_TENANT) t = inDefaultTenant(t);
      fx = await createFixture(t);
      for (const role of ROLES) if (role !== "anonymous") tokens[role] = fx.tokens[role];
      // Users the fuzz may edit and delete, so that the fixture's callers keep working.
      target = (await t.epca.users.create(t.system, { email: "target@fuzz.example", password: PASSWORD, full_name: "Target", role: "read_only" })).id;
      document = (await t.request("GET", "/openapi.json")).body as Document;
    });
    afterAll(async () => t?.close());

    it("answers no 5xx and only documented statuses, for every operation, role and mutation", async () => {
      const gen = new Generator(document, prng(15));
      const ids: Record<string, number> = {
        dept_id: fx.deptA,
        department_id: fx.deptA,
        emp_id: fx.empA,
        employee_id: fx.empA,
        proj_id: fx.projA,
        project_id: fx.projA,
        ts_id: fx.tsA,
        user_id: target,
        allocation_id: 1,
      };
      const operations = Object.entries(document.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })));
      // Deletes last, so that the records the other operations use exist while they run.
      operations.sort((a, b) => Number(a.method === "delete") - Number(b.method === "delete"));
      expect(operations.length).toBeGreaterThan(40);

      const violations: string[] = [];
      const tally: Record<string, number> = {};
      let sent = 0;
      let validSuccesses = 0;
      const send = async (role: Role, operation: { path: string; method: string; op: Operation } | null, c: Case, allowed?: readonly number[]) => {
        const response = await t.request(c.method, c.url, {
          token: tokens[role],
          ...(c.body !== undefined ? { raw: c.body } : {}),
          headers: { ...(c.body !== undefined ? { "content-type": c.contentType ?? "application/json" } : {}), ...(c.tenant ? { "x-tenant-id": c.tenant } : {}) },
        });
        sent += 1;
        tally[response.status] = (tally[response.status] ?? 0) + 1;
        const documented = allowed ?? Object.keys(operation!.op.responses).map(Number);
        if (response.status >= 500 || !documented.includes(response.status)) {
          violations.push(`${c.method} ${c.url.slice(0, 120)} as ${role} (${c.label}): ${response.status} ${response.text.slice(0, 200)}; documented ${documented.join(",")}`);
        }
        return response;
      };

      for (const operation of operations) {
        const { path, method, op } = operation;
        const parameters = op.parameters ?? [];
        const bodySchema = op.requestBody?.content["application/json"]?.schema;
        for (const role of ROLES) {
          const pathWith = (value: (name: string) => string) => path.replace(/\{(\w+)\}/g, (_m, param: string) => value(param));
          const validPath = pathWith((param) => String(ids[param] ?? 1));
          const query = parameters
            .filter((p) => p.in === "query" && gen.pick([true, false]))
            .map((p) => `${encodeURIComponent(p.name)}=${encodeURIComponent(String(gen.valid(p.schema, p.name, ids)))}`)
            .join("&");
          let body = bodySchema ? gen.valid(bodySchema, "body", ids) : undefined;
          if (path.endsWith("/auth/login")) body = { username: role === "anonymous" ? "nobody@fuzz.example" : EMAILS[role], password: PASSWORD };
          if (path.endsWith("/auth/refresh")) {
            const login = role === "anonymous" ? null : await tryLogin(t, EMAILS[role]);
            body = { refresh_token: login?.refresh_token ?? "not-a-token" };
          }
          const valid: Case = {
            label: "valid",
            method: method.toUpperCase(),
            url: validPath + (query ? `?${query}` : ""),
            ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
          };
          const response = await send(role, operation, valid);
          if (response.status < 300) validSuccesses += 1;

          const mutations: Case[] = [];
          if (bodySchema) for (const m of gen.bodyMutations(body, bodySchema)) mutations.push({ ...valid, label: m.label, body: m.body, ...(m.contentType ? { contentType: m.contentType } : {}) });
          if (path.includes("{")) {
            for (const garbage of ["%", "%zz", "%E0%A4%A", "abc", "0", "-1", "1.5", "99999999999999999999999", String(UNKNOWN_ID), "%00", "%F0%9F%98%80"]) {
              mutations.push({ ...valid, label: `path ${garbage}`, url: pathWith(() => garbage) });
            }
          }
          for (const q of gen.queryMutations(parameters)) mutations.push({ ...valid, label: q.label, url: `${validPath}?${q.query}` });
          if (overrides.MULTI_TENANT) for (const tenant of ["t_nope", "acme", "%zz", "x".repeat(300)]) mutations.push({ ...valid, label: `tenant ${tenant.slice(0, 10)}`, tenant });
          for (let i = 0; i < MUTATIONS_PER_CASE && mutations.length > 0; i++) {
            const index = Math.floor(gen.pick([0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => n / 10)) * mutations.length);
            await send(role, operation, mutations.splice(index, 1)[0]!);
          }
          // A logout ends the session's access tokens too (its mutations may log out again): sign in afresh.
          if (path.endsWith("/auth/logout") && response.status === 200 && role !== "anonymous") tokens[role] = (await tryLogin(t, EMAILS[role]))?.access_token ?? tokens[role];
        }
      }

      // Every path's other methods: 405 with the path's methods in `Allow`.
      for (const [path, ops] of Object.entries(document.paths)) {
        const methods = Object.keys(ops).map((m) => m.toUpperCase());
        const url = path.replace(/\{(\w+)\}/g, (_m, param: string) => String(ids[param] ?? 1));
        for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((m) => !methods.includes(m))) {
          const role = gen.pick(ROLES);
          // The API's rate limits run before the router: with them on, a 429 may come first.
          const response = await send(role, null, { label: "wrong method", method, url, ...(method === "GET" ? {} : { body: "{}" }) }, limited ? [405, 429] : [405]);
          if (response.status === 429) continue;
          const allow = response.headers.get("allow")?.split(", ").sort();
          const expected = [...methods, ...(methods.includes("GET") ? ["HEAD"] : [])].sort();
          if (JSON.stringify(allow) !== JSON.stringify(expected)) violations.push(`${method} ${url}: Allow ${allow?.join(", ")}, expected ${expected.join(", ")}`);
        }
      }

      console.info(`fuzz (${name}): ${sent} requests, ${validSuccesses} valid requests answered 2xx; statuses ${JSON.stringify(tally)}`);
      expect(violations).toEqual([]);
      expect(sent).toBeGreaterThan(800);
      expect(sent).toBeLessThan(3500);
      // The generator builds requests the server accepts: many valid cases succeed.
      expect(validSuccesses).toBeGreaterThan(minimumSuccesses);
      // API limits count per signed-in user (and per address for anonymous calls): each of the five callers has its own budget.
      if (limited) expect(tally[429]).toBeGreaterThan(10);
    }, 240_000);

    it.skipIf(limited)("refuses a NUL in every query parameter of every operation with a 422 naming it", async () => {
      // The walk above logged the fixture's sessions out: a session of its own.
      const adminToken = (await t.login(EMAILS.admin)).access_token;
      const outcomes: string[] = [];
      const expected: string[] = [];
      for (const [path, ops] of Object.entries(document.paths)) {
        for (const [method, op] of Object.entries(ops)) {
          for (const parameter of (op.parameters ?? []).filter((p) => p.in === "query")) {
            const url = `${path.replace(/\{\w+\}/g, "1")}?${parameter.name}=a%00b`;
            const response = await t.request(method.toUpperCase(), url, { token: adminToken, ...(op.requestBody ? { body: {} } : {}) });
            outcomes.push(`${method} ${url} ${response.status} ${JSON.stringify(response.body?.detail?.[0]?.loc)}`);
            expected.push(`${method} ${url} 422 ${JSON.stringify(["query", parameter.name])}`);
          }
        }
      }
      expect(outcomes.length).toBeGreaterThan(30);
      expect(outcomes).toEqual(expected);
    });
  });
}

fuzzSuite("memory", memoryStoreFactory);
// Rate limits on: the limits run out part-way, and every 429 must be one the document lists.
fuzzSuite("memory, rate limited", memoryStoreFactory, { RATE_LIMIT_PER_MINUTE: 600, RATE_LIMIT_PER_HOUR: 5000, AUTH_RATE_LIMIT_PER_MINUTE: 8 }, 30);
// Multi-tenant: every request names tenant `default`; mutations name unknown and other tenants.
fuzzSuite("memory, multi-tenant", memoryStoreFactory, { MULTI_TENANT: true });
fuzzSuite("PGlite", pgliteStoreFactory);
describe.skipIf(!postgresServerUrl)("on PostgreSQL", () => {
  fuzzSuite("PostgreSQL", postgresStoreFactory);
});
